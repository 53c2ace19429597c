package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
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
   * Creates the exception cheaply, for the path every call takes while a breaker is open: no stack
   * trace, and the message and details are built only when read (they are the same as those of
   * {@link #CircuitOpenException(String, String, Duration)}). The retry-after hint stays exact to
   * the nanosecond.
   *
   * @param component the name of the circuit breaker or policy, not blank
   * @param state the breaker's state, such as {@code OPEN} or {@code FORCED_OPEN}
   * @param retryAfterNanos the time until trial calls are allowed in nanoseconds, or -1 if unknown
   * @throws IllegalArgumentException if {@code component} is blank, {@code state} null or {@code
   *     retryAfterNanos} below -1
   */
  public CircuitOpenException(String component, String state, long retryAfterNanos) {
    super(
        StandardErrorCode.CIRCUIT_OPEN,
        Checks.notBlank("component", component),
        checkRetryAfter(retryAfterNanos));
    this.state = Checks.notNull("state", state);
  }

  /** Checks a hot-path rejection's retry-after hint in nanoseconds: -1 (unknown) or more. */
  static long checkRetryAfter(long retryAfterNanos) {
    if (retryAfterNanos < -1) {
      throw new IllegalArgumentException(
          "retryAfterNanos must be -1 or more, was " + retryAfterNanos);
    }
    return retryAfterNanos;
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message != null
        ? message
        : "Circuit breaker '" + component() + "' is " + state + " and does not permit calls";
  }

  @Override
  void addDetails(Map<String, Object> details) {
    details.put("state", state);
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
