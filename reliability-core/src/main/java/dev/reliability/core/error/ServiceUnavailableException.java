package dev.reliability.core.error;

import java.time.Duration;
import java.util.Map;

/**
 * Another service refused the connection, is down or said it is unavailable. Code {@code
 * SERVICE_UNAVAILABLE}, 503, retryable.
 *
 * <p>Immutable and thread-safe.
 */
public class ServiceUnavailableException extends ServiceCommunicationException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param message the message for operators and logs
   */
  public ServiceUnavailableException(String service, String message) {
    this(service, message, null, null);
  }

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param message the message for operators and logs
   * @param cause the underlying failure, or null
   */
  public ServiceUnavailableException(String service, String message, Throwable cause) {
    this(service, message, cause, null);
  }

  /**
   * Creates the exception with a retry hint, for example from the service's own {@code Retry-After}
   * header.
   *
   * @param service the name of the service that was called
   * @param message the message for operators and logs
   * @param cause the underlying failure, or null
   * @param retryAfter when a retry may succeed, or null
   */
  public ServiceUnavailableException(
      String service, String message, Throwable cause, Duration retryAfter) {
    super(StandardErrorCode.SERVICE_UNAVAILABLE, service, message, Map.of(), cause, retryAfter);
  }
}
