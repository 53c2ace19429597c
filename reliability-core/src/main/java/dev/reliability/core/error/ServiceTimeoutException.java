package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.Map;

/**
 * A call to another service did not finish within its time limit. Code {@code SERVICE_TIMEOUT},
 * 504, retryable. Details: {@code service}, {@code timeout_ms}.
 *
 * <p>Immutable and thread-safe.
 */
public class ServiceTimeoutException extends ServiceCommunicationException {

  private static final long serialVersionUID = 1L;

  private final transient Duration timeout;

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param timeout the time limit that expired
   */
  public ServiceTimeoutException(String service, Duration timeout) {
    this(service, timeout, null);
  }

  /**
   * Creates the exception.
   *
   * @param service the name of the service that was called
   * @param timeout the time limit that expired
   * @param cause the underlying timeout, or null
   */
  public ServiceTimeoutException(String service, Duration timeout, Throwable cause) {
    super(
        StandardErrorCode.SERVICE_TIMEOUT,
        service,
        "Call to "
            + service
            + " timed out after "
            + Checks.notNull("timeout", timeout).toMillis()
            + " ms",
        Map.of("timeout_ms", timeout.toMillis()),
        cause,
        null);
    this.timeout = timeout;
  }

  /**
   * Returns the time limit that expired.
   *
   * @return the time limit
   */
  public Duration timeout() {
    return timeout;
  }
}
