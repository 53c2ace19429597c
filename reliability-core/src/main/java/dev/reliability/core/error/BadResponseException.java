package dev.reliability.core.error;

import java.util.Map;

/**
 * Another service answered, but with an error status or a body this service cannot use. Code {@code
 * BAD_RESPONSE}, 502. Details: {@code service}, {@code upstream_status} (when known).
 *
 * <p>Retryable when the upstream status says the failure is transient (408, 429, 500, 502, 503,
 * 504); not retryable for other statuses or for an unparseable body (status 0), because the same
 * request would get the same answer. Immutable and thread-safe.
 */
public class BadResponseException extends ServiceCommunicationException {

  private static final long serialVersionUID = 1L;

  private final int upstreamStatus;

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param upstreamStatus the HTTP status it answered with, or 0 if the status was fine but the
   *     body was not
   * @param message the message for operators and logs
   */
  public BadResponseException(String service, int upstreamStatus, String message) {
    this(service, upstreamStatus, message, null);
  }

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param upstreamStatus the HTTP status it answered with, or 0 if unknown
   * @param message the message for operators and logs
   * @param cause the parse failure or other cause, or null
   */
  public BadResponseException(String service, int upstreamStatus, String message, Throwable cause) {
    super(
        StandardErrorCode.BAD_RESPONSE,
        service,
        message,
        upstreamStatus > 0 ? Map.of("upstream_status", upstreamStatus) : Map.of(),
        cause,
        isTransientStatus(upstreamStatus),
        StandardErrorCode.BAD_RESPONSE.httpStatus(),
        null);
    this.upstreamStatus = upstreamStatus;
  }

  /**
   * Returns the HTTP status the other service answered with.
   *
   * @return the status, or 0 if unknown
   */
  public int upstreamStatus() {
    return upstreamStatus;
  }

  /**
   * Returns whether an HTTP status from another service marks a transient failure.
   *
   * @param status the status
   * @return true for 408, 429, 500, 502, 503 and 504
   */
  public static boolean isTransientStatus(int status) {
    return status == 408
        || status == 429
        || status == 500
        || status == 502
        || status == 503
        || status == 504;
  }
}
