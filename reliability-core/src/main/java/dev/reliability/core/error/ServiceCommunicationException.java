package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A call to another service failed: the family of {@link ServiceTimeoutException}, {@link
 * ServiceUnavailableException} and {@link BadResponseException}. Code {@code
 * SERVICE_COMMUNICATION_ERROR}, 502, retryable.
 *
 * <p>{@link #service()} names the dependency; it is also in the details under {@code service}.
 * Immutable and thread-safe.
 */
public class ServiceCommunicationException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  private final String service;

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param message the message for operators and logs
   * @param cause the transport failure, or null
   */
  public ServiceCommunicationException(String service, String message, Throwable cause) {
    this(StandardErrorCode.SERVICE_COMMUNICATION_ERROR, service, message, Map.of(), cause, null);
  }

  /**
   * Creates an exception of a subclass or a custom code in this family.
   *
   * @param errorCode the error code
   * @param service the name of the service that was called
   * @param message the message for operators and logs
   * @param details further details; {@code service} is added
   * @param cause the underlying failure, or null
   * @param retryAfter when a retry may succeed, or null
   */
  protected ServiceCommunicationException(
      ErrorCode errorCode,
      String service,
      String message,
      Map<String, ?> details,
      Throwable cause,
      Duration retryAfter) {
    this(
        errorCode,
        service,
        message,
        details,
        cause,
        errorCode.retryable(),
        errorCode.httpStatus(),
        retryAfter);
  }

  /**
   * Creates an exception that overrides the code's classification.
   *
   * @param errorCode the error code
   * @param service the name of the service that was called
   * @param message the message for operators and logs
   * @param details further details; {@code service} is added
   * @param cause the underlying failure, or null
   * @param retryable whether a retry may succeed
   * @param httpStatus the HTTP status to answer with
   * @param retryAfter when a retry may succeed, or null
   */
  protected ServiceCommunicationException(
      ErrorCode errorCode,
      String service,
      String message,
      Map<String, ?> details,
      Throwable cause,
      boolean retryable,
      int httpStatus,
      Duration retryAfter) {
    super(
        errorCode,
        message,
        withService(service, details),
        cause,
        retryable,
        httpStatus,
        retryAfter,
        true);
    this.service = service;
  }

  /**
   * Returns the name of the service that was called.
   *
   * @return the service name
   */
  public String service() {
    return service;
  }

  static Map<String, Object> withService(String service, Map<String, ?> details) {
    Checks.notBlank("service", service);
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("service", service);
    if (details != null) {
      all.putAll(details);
    }
    return all;
  }
}
