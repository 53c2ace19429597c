package dev.reliability.core.error;

import java.time.Duration;
import java.util.Map;

/**
 * A capacity limit (connections, a queue, per-key slots) refused the call. Code {@code
 * CAPACITY_EXCEEDED}, 503, retryable. Details: {@code component}, {@code capacity}, {@code
 * retry_after_ms} when known.
 *
 * <p>Immutable and thread-safe.
 */
public class CapacityExceededException extends ResourceExhaustedException {

  private static final long serialVersionUID = 1L;

  private final long capacity;

  /**
   * Creates the exception.
   *
   * @param component the name of the registry or queue
   * @param capacity the limit that was reached
   * @param message the message for operators and logs
   * @param retryAfter when a slot may be free, or null
   */
  public CapacityExceededException(
      String component, long capacity, String message, Duration retryAfter) {
    super(
        StandardErrorCode.CAPACITY_EXCEEDED,
        component,
        message,
        Map.of("capacity", capacity),
        retryAfter,
        false);
    this.capacity = capacity;
  }

  /**
   * Returns the limit that was reached.
   *
   * @return the capacity
   */
  public long capacity() {
    return capacity;
  }
}
