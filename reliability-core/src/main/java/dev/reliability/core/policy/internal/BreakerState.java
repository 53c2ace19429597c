package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CircuitState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One state of a {@link Breaker}, from the moment it is entered until the transition that leaves
 * it: which state it is, when it began, the window it counts in, and the little each state keeps
 * besides.
 *
 * <ul>
 *   <li>{@link CircuitState#CLOSED}: the sliding window, and the failures in a row for the
 *       consecutive-failure rule.
 *   <li>{@link CircuitState#OPEN}: the window the breaker opened with (its rates stay readable, and
 *       calls that end while open are counted there, as Resilience4j does) and the time it opened.
 *   <li>{@link CircuitState#HALF_OPEN}: the trial calls' window and the permits left for them.
 *   <li>{@link CircuitState#FORCED_CLOSED}: a fresh sliding window that never trips.
 *   <li>{@link CircuitState#FORCED_OPEN} and {@link CircuitState#DISABLED}: nothing.
 * </ul>
 *
 * <p>States form a chain: the transition that leaves a state sets its {@link #next()} with one
 * compare-and-set from null, so each state is left at most once and by one transition.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
final class BreakerState {

  private static final VarHandle NEXT;
  private static final VarHandle PERMITS;
  private static final VarHandle RUN;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      NEXT = lookup.findVarHandle(BreakerState.class, "next", BreakerState.class);
      PERMITS = lookup.findVarHandle(BreakerState.class, "permits", int.class);
      RUN = lookup.findVarHandle(BreakerState.class, "run", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Which state this is. */
  final CircuitState kind;

  /** The window this state counts in; {@link Window#EMPTY} when it counts nothing. */
  final Window window;

  /** The time the state was entered, from the breaker's time source. */
  final long since;

  /** The state that replaced this one, or null while this one is current. */
  @SuppressWarnings("unused") // accessed through NEXT
  private volatile BreakerState next;

  /** Half-open: the trial calls that may still start. */
  @SuppressWarnings("unused") // accessed through PERMITS
  private volatile int permits;

  /** Closed: the failures in a row since the last success. */
  @SuppressWarnings("unused") // accessed through RUN
  private volatile int run;

  private BreakerState(CircuitState kind, Window window, long since, int permits) {
    this.kind = kind;
    this.window = window;
    this.since = since;
    this.permits = permits;
  }

  static BreakerState closed(Window window, long now) {
    return new BreakerState(CircuitState.CLOSED, window, now, 0);
  }

  static BreakerState open(Window window, long now) {
    return new BreakerState(CircuitState.OPEN, window, now, 0);
  }

  static BreakerState halfOpen(Window trials, int permits, long now) {
    return new BreakerState(CircuitState.HALF_OPEN, trials, now, permits);
  }

  static BreakerState forcedClosed(Window window, long now) {
    return new BreakerState(CircuitState.FORCED_CLOSED, window, now, 0);
  }

  static BreakerState forcedOpen(long now) {
    return new BreakerState(CircuitState.FORCED_OPEN, Window.EMPTY, now, 0);
  }

  static BreakerState disabled(long now) {
    return new BreakerState(CircuitState.DISABLED, Window.EMPTY, now, 0);
  }

  /**
   * Returns the state that replaced this one.
   *
   * @return the next state, or null while this one is current
   */
  BreakerState next() {
    return (BreakerState) NEXT.getAcquire(this);
  }

  /**
   * Leaves this state for another: the one place a transition happens.
   *
   * <p>CAS invariant: {@code next} goes from null to a state once and never changes again, so of
   * all the transitions tried from this state exactly one succeeds, and the chain of states from
   * the first is the one sequence of transitions.
   *
   * @param to the new state
   * @return whether this call made the transition
   */
  boolean leaveFor(BreakerState to) {
    return NEXT.compareAndSet(this, null, to);
  }

  /**
   * Takes a half-open trial permit.
   *
   * @return whether one was left
   */
  boolean takePermit() {
    // CAS invariant: permits never go below zero; each successful decrement is one trial call.
    int p;
    do {
      p = (int) PERMITS.getVolatile(this);
      if (p <= 0) {
        return false;
      }
    } while (!PERMITS.weakCompareAndSet(this, p, p - 1));
    return true;
  }

  /** Gives back a half-open trial permit that was not used. */
  void releasePermit() {
    // Called only by a call that took a permit and did not use it, so permits stay at most the
    // half-open calls this state started with.
    PERMITS.getAndAdd(this, 1);
  }

  /**
   * Counts a failure in a row.
   *
   * @return the failures in a row, this one included
   */
  int addFailureInARow() {
    // Every failure adds exactly one, so exactly one caller sees the threshold itself and trips.
    return (int) RUN.getAndAdd(this, 1) + 1;
  }

  /**
   * Starts this new closed state with the failures in a row of the state it carries on from, when a
   * breaker is reconfigured; called before this state is published.
   */
  void carryFailuresInARow(BreakerState from) {
    RUN.setVolatile(this, (int) RUN.getVolatile(from));
  }

  /** Ends a run of failures; writes only when there is one. */
  void endRun() {
    if ((int) RUN.getOpaque(this) != 0) {
      RUN.setVolatile(this, 0);
    }
  }
}
