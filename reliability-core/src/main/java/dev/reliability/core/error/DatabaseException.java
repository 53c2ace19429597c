package dev.reliability.core.error;

import java.util.Map;

/**
 * A database or other persistence operation failed. Code {@code DATABASE_ERROR}.
 *
 * <p>Not retryable and 500 by default; when the failure is transient (a lost connection, a deadlock
 * victim, a serialization failure), construct it with {@code transientFailure = true}: it is then
 * retryable and answered with 503. Immutable and thread-safe.
 */
public class DatabaseException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates a non-transient database failure.
   *
   * @param message the message for operators and logs
   * @param cause the driver's exception, or null
   */
  public DatabaseException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * Creates a database failure.
   *
   * @param message the message for operators and logs
   * @param cause the driver's exception, or null
   * @param transientFailure whether a retry may succeed
   */
  public DatabaseException(String message, Throwable cause, boolean transientFailure) {
    super(
        StandardErrorCode.DATABASE_ERROR,
        message,
        Map.of(),
        cause,
        transientFailure,
        transientFailure ? 503 : 500,
        null,
        true);
  }
}
