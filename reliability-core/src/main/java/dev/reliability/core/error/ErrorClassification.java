package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.Optional;

/**
 * What an {@link ErrorClassifier} decided about a throwable.
 *
 * @param errorCode the error code
 * @param retryable whether a retry may succeed
 * @param httpStatus the HTTP status to answer with, 400 to 599
 * @param retryAfter when a retry may succeed, or null if unknown
 */
public record ErrorClassification(
    ErrorCode errorCode, boolean retryable, int httpStatus, Duration retryAfter) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code errorCode} is null
   * @throws IllegalArgumentException if {@code httpStatus} is outside 400 to 599
   */
  public ErrorClassification {
    Checks.notNull("errorCode", errorCode);
    Checks.inRange("httpStatus", httpStatus, 400, 599);
  }

  /**
   * Classifies with the code's defaults.
   *
   * @param errorCode the error code
   * @return the classification
   */
  public static ErrorClassification of(ErrorCode errorCode) {
    return new ErrorClassification(errorCode, errorCode.retryable(), errorCode.httpStatus(), null);
  }

  /**
   * Returns the retry hint.
   *
   * @return the hint, or empty
   */
  public Optional<Duration> retryAfterHint() {
    return Optional.ofNullable(retryAfter);
  }
}
