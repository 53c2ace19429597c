package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.Map;

/**
 * A rate limiter refused the call. Code {@code RATE_LIMIT_EXCEEDED}, 429, retryable after {@link
 * #retryAfter()}. No stack trace is filled in: the rejection is cheap on the hot path.
 *
 * <p>Immutable and thread-safe.
 */
public class RateLimitExceededException extends ResourceExhaustedException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param component the name of the rate limiter or policy
   * @param retryAfter when a permit is expected, or null if unknown
   */
  public RateLimitExceededException(String component, Duration retryAfter) {
    super(
        StandardErrorCode.RATE_LIMIT_EXCEEDED,
        component,
        "Rate limit of '" + component + "' exceeded",
        Map.of(),
        retryAfter,
        false);
  }

  /**
   * Creates the exception cheaply, for the path every refused call takes: the message and details
   * are built only when read (the same as those of {@link #RateLimitExceededException(String,
   * Duration)}), and the retry-after hint stays exact to the nanosecond.
   *
   * @param component the name of the rate limiter or policy, not blank
   * @param retryAfterNanos when a permit is expected, in nanoseconds, or -1 if unknown
   * @throws IllegalArgumentException if {@code component} is blank or {@code retryAfterNanos} is
   *     below -1
   */
  public RateLimitExceededException(String component, long retryAfterNanos) {
    super(
        StandardErrorCode.RATE_LIMIT_EXCEEDED,
        Checks.notBlank("component", component),
        CircuitOpenException.checkRetryAfter(retryAfterNanos));
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message != null ? message : "Rate limit of '" + component() + "' exceeded";
  }
}
