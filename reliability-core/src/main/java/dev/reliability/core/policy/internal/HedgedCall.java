package dev.reliability.core.policy.internal;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * What a hedged synchronous call ({@link HedgedSyncCall}) and a hedged asynchronous call ({@link
 * HedgedAsyncCall}) share: the runs started and in flight, the timer that starts a hedge each delay
 * while no run has succeeded (budget and deadline permitting), and cancelling the losers. How a run
 * starts, ends and is cancelled is the subclass's.
 *
 * <p>The bookkeeping is guarded by the call's own monitor, held only for a few field updates and
 * never across the user's code or a wait, so virtual threads are not pinned while blocked.
 *
 * <p>Internal: may change at any time.
 *
 * @param <R> the subclass's run
 */
abstract class HedgedCall<R extends HedgedCall.RunState> {

  final PolicyEngine e;
  final HedgeState h;
  final long deadline;

  /** The runs started, in order; of the subclass's run type. */
  private final Object[] runs;

  // Guarded by this.
  int started;
  int inFlight;
  boolean over;
  Throwable lastFailure;
  private Future<?> timer;

  HedgedCall(PolicyEngine engine, HedgeState hedge) {
    this.e = engine;
    this.h = hedge;
    this.deadline = engine.hedgeDeadline(engine.time.nanoTime());
    this.runs = new Object[hedge.maxHedges + 1];
  }

  /** Makes run {@code index} (0 is the first, then the hedges); it does not start it yet. */
  abstract R newRun(int index);

  /** Starts a hedge the bookkeeping already counts; on the timer's thread. Never throws. */
  abstract void launch(R run);

  /** Whether the run has ended. */
  abstract boolean isDone(R run);

  /** Cancels a run that lost: interrupts or abandons it. */
  abstract void cancel(R run);

  /** Counts the call for the budget and makes its first run, counted as started and in flight. */
  final R first() {
    h.deposit();
    R first = newRun(0);
    synchronized (this) {
      runs[0] = first;
      started = 1;
      inFlight = 1;
    }
    return first;
  }

  /** Schedules the next hedge, unless the call is over, has all its hedges or its deadline. */
  final void scheduleNext() {
    synchronized (this) {
      if (over || started > h.maxHedges) {
        return;
      }
    }
    long now = e.time.nanoTime();
    long delay = h.delayNanos(now);
    if (now + delay >= deadline) {
      return; // the hedge would start after the call's deadline
    }
    Future<?> t;
    try {
      t = e.scheduler.schedule(this::onTimer, delay);
    } catch (RejectedExecutionException refused) {
      return; // a timer that refuses work (shut down) means no hedge; the runs go on
    } catch (Throwable failed) {
      // Such as an OutOfMemoryError when no timer thread can start: no hedge, the runs go on.
      EventLog.hedgeNotStarted(e.name, failed);
      return;
    }
    synchronized (this) {
      if (!over) {
        timer = t;
        return;
      }
    }
    t.cancel(false);
  }

  /**
   * The delay passed without a success: start a hedge if the budget and the deadline allow. Runs on
   * the timer's thread and never throws: whatever fails here leaves the call to the runs it has.
   */
  private void onTimer() {
    try {
      startHedge();
    } catch (Throwable t) {
      EventLog.hedgeNotStarted(e.name, t);
    }
  }

  private void startHedge() {
    R hedge;
    synchronized (this) {
      if (over || started > h.maxHedges || e.time.nanoTime() >= deadline) {
        return;
      }
      if (!h.tryStartHedge()) {
        return;
      }
      hedge = newRun(started);
      runs[started++] = hedge;
      inFlight++;
    }
    launch(hedge);
    scheduleNext();
  }

  /** The caller gave up: the call is over and every run is cancelled. */
  final void abandon() {
    synchronized (this) {
      over = true;
    }
    cancelOthers(null);
  }

  /**
   * Cancels the timer and every run but the winner still going; a cancelled run's time so far goes
   * into the latency percentile, so that the slow tail stays in it.
   *
   * @param winner the run whose outcome ends the call, or null for none
   */
  final void cancelOthers(R winner) {
    Future<?> t;
    int n;
    synchronized (this) {
      t = timer;
      timer = null;
      n = started;
    }
    if (t != null) {
      t.cancel(false);
    }
    long now = e.time.nanoTime();
    for (int i = 0; i < n; i++) {
      @SuppressWarnings("unchecked")
      R r = (R) runs[i];
      if (r != winner && !isDone(r)) {
        r.cancelled = true;
        if (r.begun) {
          h.record(now - r.began, now);
        }
        cancel(r);
      }
    }
  }

  /** What the shared bookkeeping reads of a run. */
  static class RunState {
    final int index;
    volatile boolean cancelled;

    /** When the run began; read only once {@link #begun} is set. */
    volatile long began;

    volatile boolean begun;

    RunState(int index) {
      this.index = index;
    }

    /** Marks the run begun now. */
    final long markBegun(long now) {
      began = now;
      begun = true;
      return now;
    }
  }
}
