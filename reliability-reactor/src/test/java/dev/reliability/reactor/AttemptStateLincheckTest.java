package dev.reliability.reactor;

import dev.reliability.reactor.internal.AttemptState;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of an attempt's permits between the subscription's flow and a cancellation, and the
 * call's end between them: under every interleaving the model checker explores, each permit taken
 * is given back exactly once, whichever side does it, and a call that ended (its attempt's outcome
 * or a cancellation) reports its end exactly once. The flow and the cancellation are written as
 * GuardedCall's: {@code cancelRequested} written before {@code current} is read, {@code current}
 * written before {@code cancelRequested} is read, and the call's end decided by one compare-and-set
 * on {@code ended}.
 */
class AttemptStateLincheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyPermitIsGivenBackAndTheCallEndsExactlyOnceWhateverTheCancellationInterleaves() {
    new ModelCheckingOptions()
        .iterations(20 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .check(Attempts.class);
  }

  /**
   * One subscription's attempts and its cancellations; public, as Lincheck makes it by reflection.
   */
  public static final class Attempts {
    /** The breaker's (and rate limiter's) permit: taken at admission. */
    private final AtomicInteger admitted = new AtomicInteger();

    /** The bulkhead's permit: taken on entry. */
    private final AtomicInteger entered = new AtomicInteger();

    private final AtomicInteger overReleased = new AtomicInteger();

    /** Set once by whichever ends the call first, as GuardedCall's. */
    private final AtomicBoolean ended = new AtomicBoolean();

    /** How many times the call's end was reported (succeed, fail or cancelled). */
    private final AtomicInteger endsReported = new AtomicInteger();

    private volatile boolean cancelled;

    /** The flow's own: its last attempt ended the call. */
    private boolean finished;

    private volatile boolean cancelRequested;

    /** The flow's own: an attempt's signals stopped, so the flow is over. */
    private boolean stopped;

    private volatile AttemptState current;

    /**
     * One attempt as the flow runs it (admit, wait, enter, run, end; as GuardedCall does) whose
     * signals still come after a cancellation (a timer or source racing it).
     */
    @Operation(nonParallelGroup = "flow")
    public void attempt() {
      attempt(false);
    }

    /** The same, with signals that stop once the subscriber cancelled (the usual case). */
    @Operation(nonParallelGroup = "flow")
    public void attemptWhoseSignalsStopOnCancel() {
      attempt(true);
    }

    private void attempt(boolean signalsStop) {
      if (stopped || finished) {
        return; // no signal came, or the call is over: no further attempt
      }
      AttemptState st = new AttemptState();
      current = st;
      if (cancelRequested) {
        return;
      }
      admitted.incrementAndGet(); // admit
      if (!st.park(AttemptState.ADMITTED)) {
        releaseAdmitted(); // abandonAdmitted
        return;
      }
      if (signalsStop && cancelRequested) {
        stopped = true;
        return; // the wait was cancelled: no signal
      }
      if (!st.resume(AttemptState.ADMITTED)) {
        return; // the canceller gave the admission back
      }
      entered.incrementAndGet(); // enter
      if (!st.park(AttemptState.ENTERED)) {
        releaseEntered(); // attemptCancelled
        return;
      }
      if (signalsStop && cancelRequested) {
        stopped = true;
        return; // the source was cancelled: no signal
      }
      if (!st.resume(AttemptState.ENTERED)) {
        return; // the canceller gave the permits back
      }
      releaseEntered(); // attemptEnded
      st.end();
      finished = true; // RETURN_VALUE or FAIL: the call ends
      if (ended.compareAndSet(false, true)) {
        endsReported.incrementAndGet(); // succeed or fail
      }
    }

    /** The subscriber cancels, from any thread; as GuardedCall.cancel does. */
    @Operation
    public void cancel() {
      cancelRequested = true;
      AttemptState st = current;
      int held = st == null ? AttemptState.NOTHING : st.cancel();
      if (held == AttemptState.ADMITTED) {
        releaseAdmitted();
      } else if (held == AttemptState.ENTERED) {
        releaseEntered();
      }
      if (ended.compareAndSet(false, true)) {
        endsReported.incrementAndGet(); // cancelled
      }
      cancelled = true;
    }

    private void releaseAdmitted() {
      if (admitted.decrementAndGet() < 0) {
        overReleased.incrementAndGet();
      }
    }

    private void releaseEntered() {
      if (entered.decrementAndGet() < 0) {
        overReleased.incrementAndGet();
      }
      releaseAdmitted();
    }

    /**
     * After every scenario: nothing held, nothing given back twice, and a call that ended reported
     * its end once and no more.
     */
    @Validate
    public void everyPermitGivenBackAndTheEndReportedOnce() {
      boolean over = cancelled || finished;
      if (endsReported.get() != (over ? 1 : 0)) {
        throw new IllegalStateException(
            "the call's end reported " + endsReported.get() + " times; over: " + over);
      }
      if (overReleased.get() != 0 || admitted.get() != 0 || entered.get() != 0) {
        throw new IllegalStateException(
            "permits: admitted "
                + admitted.get()
                + ", entered "
                + entered.get()
                + ", released twice "
                + overReleased.get());
      }
    }
  }
}
