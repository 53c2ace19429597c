package dev.reliability.reactor.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Who gives back an attempt's permits: the subscription's own flow, which takes them and normally
 * gives them back when the attempt ends, or a cancellation that may arrive on any thread at any
 * moment. Exactly one of the two does it, once.
 *
 * <p>The flow works on the attempt while it is {@link #BUSY}; between its steps it parks the
 * attempt in a stable state that says what is held ({@link #ADMITTED}: the breaker's permit and
 * what the rate limiter reserved; {@link #ENTERED}: those and the bulkhead's and adaptive limit's
 * permits) and takes it back with {@link #resume(int)} when the next signal comes.
 *
 * <p>Invariant (every compare-and-set below keeps it): the state leaves {@link #ADMITTED} or {@link
 * #ENTERED} by exactly one successful compare-and-set, either the flow's {@code resume} (the flow
 * then owns the permits again) or the canceller's move to {@link #ENDED} (the canceller gives them
 * back); and it leaves {@link #BUSY} either by the flow's {@code park}/{@link #end()} or by the
 * canceller's move to {@link #CANCELLED}, after which the flow's next {@code park} fails and the
 * flow gives back what it holds. So permits are given back exactly once. Proved by {@code
 * AttemptStateLincheckTest}.
 *
 * <p>Internal: may change at any time.
 */
public final class AttemptState {

  /** The flow is working on the attempt; created so. */
  public static final int BUSY = 0;

  /** Parked after admission, before entering: the breaker's permit is held. */
  public static final int ADMITTED = 1;

  /** Parked while the attempt runs: every permit is held. */
  public static final int ENTERED = 2;

  /** Ended: nothing is held any more. */
  public static final int ENDED = 3;

  /** Cancelled while the flow was busy: the flow gives back what it holds. */
  public static final int CANCELLED = 4;

  /** {@link #cancel()}: nothing for the canceller to give back. */
  public static final int NOTHING = -1;

  private static final AtomicIntegerFieldUpdater<AttemptState> STATE =
      AtomicIntegerFieldUpdater.newUpdater(AttemptState.class, "state");

  private volatile int state = BUSY;

  /** Creates an attempt, busy: the creating flow owns it. */
  public AttemptState() {}

  /**
   * The flow parks the attempt in a stable state between its steps.
   *
   * @param stable {@link #ADMITTED} or {@link #ENTERED}
   * @return false if a cancellation came while the flow was busy: the flow gives back what it holds
   */
  public boolean park(int stable) {
    return STATE.compareAndSet(this, BUSY, stable);
  }

  /**
   * The flow takes the parked attempt back to work on it.
   *
   * @param stable the state it was parked in
   * @return false if a cancellation ended it: the canceller gave the permits back
   */
  public boolean resume(int stable) {
    return STATE.compareAndSet(this, stable, BUSY);
  }

  /** The flow is done with the attempt: it gave everything back, or never held anything. */
  public void end() {
    // Only from BUSY, which only the flow leaves this way; a cancellation meanwhile (CANCELLED)
    // needs nothing more, so the state stays whichever end it reached.
    STATE.compareAndSet(this, BUSY, ENDED);
  }

  /**
   * A cancellation: ends a parked attempt, or marks a busy one for its flow.
   *
   * @return what the canceller must give back: {@link #ADMITTED}, {@link #ENTERED}, or {@link
   *     #NOTHING}
   */
  public int cancel() {
    while (true) {
      int s = state;
      if (s == ADMITTED || s == ENTERED) {
        if (STATE.compareAndSet(this, s, ENDED)) {
          return s;
        }
      } else if (s == BUSY) {
        if (STATE.compareAndSet(this, BUSY, CANCELLED)) {
          return NOTHING;
        }
      } else {
        return NOTHING;
      }
    }
  }

  /**
   * Returns the state, for tests and diagnostics.
   *
   * @return the state
   */
  public int state() {
    return state;
  }
}
