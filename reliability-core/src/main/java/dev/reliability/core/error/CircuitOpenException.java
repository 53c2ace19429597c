package dev.reliability.core.error;

import java.time.Duration;
import java.util.Map;

/**
 * An open (or forced-open, or half-open and full) circuit breaker refused the call without trying
 * it. Code {@code CIRCUIT_OPEN}, 503, retryable after {@link #retryAfter()}, the time left until
 * the breaker lets trial calls through. Details: {@code component}, {@code state}, {@code
 * retry_after_ms}.
 *
 * <p>No stack trace is filled in, so failing fast stays cheap. Immutable and thread-safe.
 */
public class CircuitOpenException extends ResourceExhaustedException {

  private static final long serialVersionUID = 1L;

  private final String state;

  /**
   * Creates the exception.
   *
   * @param component the name of the circuit breaker or policy
   * @param state the breaker's state, such as {@code OPEN} or {@code FORCED_OPEN}
   * @param retryAfter the time until trial calls are allowed, or null if unknown
   */
  public CircuitOpenException(String component, String state, Duration retryAfter) {
    super(
        StandardErrorCode.CIRCUIT_OPEN,
        component,
        "Circuit breaker '" + component + "' is " + state + " and does not permit calls",
        Map.of("state", state),
        retryAfter,
        false);
    this.state = state;
  }

  /**
   * Returns the breaker's state when it refused.
   *
   * @return the state name
   */
  public String state() {
    return state;
  }
}
