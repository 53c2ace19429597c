package dev.reliability.core.policy;

/**
 * The state of a policy's circuit breaker, as the health and metrics modules read it.
 *
 * <p>The states are Resilience4j's, with {@code METRICS_ONLY} named {@link #FORCED_CLOSED}:
 *
 * <ul>
 *   <li>{@link #CLOSED}: calls pass and are counted; the breaker opens when its thresholds are met.
 *   <li>{@link #OPEN}: calls are refused with {@link
 *       dev.reliability.core.error.CircuitOpenException} until the wait in the open state is over.
 *   <li>{@link #HALF_OPEN}: a few trial calls pass; their outcome closes or reopens the breaker.
 *   <li>{@link #FORCED_OPEN}: every call is refused until the breaker is reset.
 *   <li>{@link #FORCED_CLOSED}: every call passes and is counted, but the breaker never opens.
 *   <li>{@link #DISABLED}: every call passes and nothing is counted.
 * </ul>
 */
public enum CircuitState {
  /** Calls pass; failures are counted against the thresholds. */
  CLOSED,
  /** Calls are refused until the wait in the open state is over. */
  OPEN,
  /** A limited number of trial calls pass. */
  HALF_OPEN,
  /** Every call is refused until the breaker is reset. */
  FORCED_OPEN,
  /** Every call passes and is counted; the breaker never opens. */
  FORCED_CLOSED,
  /** Every call passes; nothing is counted. */
  DISABLED;

  /**
   * Returns whether the breaker refuses (some) calls in this state: {@link #OPEN}, {@link
   * #HALF_OPEN} or {@link #FORCED_OPEN}. A health check reports such a breaker as degraded.
   *
   * @return true if calls may be refused
   */
  public boolean isRefusingCalls() {
    return this == OPEN || this == HALF_OPEN || this == FORCED_OPEN;
  }
}
