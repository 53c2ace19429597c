package dev.reliability.core.error;

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
}
