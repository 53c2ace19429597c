package dev.reliability.core.policy.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls in flight through something that may be retired at any time (a keyed policy
 * evicted from its cache) and runs its close action once: when it is retired and no call is in
 * flight. A call that entered before the retirement finishes normally; the close waits for it.
 *
 * <p>Lock-free: one integer, {@code 2 * calls in flight + (retired ? 1 : 0)}.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
public final class InFlightCloser {

  /** Retired with no call in flight: the close action ran (or is running). Terminal. */
  private static final int CLOSED = 1;

  private final AtomicInteger state;
  private final Runnable close;

  /**
   * Creates a closer.
   *
   * @param close the action to run once
   * @param entered whether the creating thread already holds one call in flight
   */
  public InFlightCloser(Runnable close, boolean entered) {
    this.close = close;
    this.state = new AtomicInteger(entered ? 2 : 0);
  }

  /**
   * Starts a call, unless the holder is already closed.
   *
   * @return whether the call may go ahead; if true, {@link #exit()} must follow
   */
  public boolean enter() {
    while (true) {
      int s = state.get();
      if (s == CLOSED) {
        return false;
      }
      // CAS invariant: CLOSED is terminal. A call is counted only from a state that is not CLOSED,
      // so no call enters after the close action was started, and the count never goes below 0
      // because only a thread whose enter succeeded exits.
      if (state.compareAndSet(s, s + 2)) {
        return true;
      }
    }
  }

  /** Ends a call that {@link #enter()} (or the constructor) started. */
  public void exit() {
    // The last call of a retired holder moves the state from 3 to CLOSED: it closes, once.
    if (state.addAndGet(-2) == CLOSED) {
      close.run();
    }
  }

  /**
   * Retires the holder: closes it now if no call is in flight, else when the last one ends.
   * Retiring twice does nothing more.
   */
  public void retire() {
    // Only the move from 0 (not retired, idle) reaches CLOSED here; any other state either is
    // retired already or has calls in flight, whose last exit closes.
    if (state.getAndUpdate(s -> s | 1) == 0) {
      close.run();
    }
  }

  /**
   * Returns the calls in flight.
   *
   * @return the count
   */
  public int inFlight() {
    return state.get() >>> 1;
  }

  /**
   * Returns whether the close action ran.
   *
   * @return true once retired with no call in flight
   */
  public boolean closed() {
    return state.get() == CLOSED;
  }
}
