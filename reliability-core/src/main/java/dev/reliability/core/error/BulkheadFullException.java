package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.Map;

/**
 * A bulkhead had no free permit for the call. Code {@code BULKHEAD_FULL}, 503, retryable, with the
 * bulkhead's retry-after hint when it has one. Details: {@code component}, {@code
 * max_concurrent_calls}, {@code retry_after_ms} (when known).
 *
 * <p>No stack trace is filled in. Immutable and thread-safe.
 */
public class BulkheadFullException extends ResourceExhaustedException {

  private static final long serialVersionUID = 1L;

  private final int maxConcurrentCalls;

  /**
   * Creates the exception.
   *
   * @param component the name of the bulkhead or policy
   * @param maxConcurrentCalls the bulkhead's limit
   */
  public BulkheadFullException(String component, int maxConcurrentCalls) {
    this(component, maxConcurrentCalls, null);
  }

  /**
   * Creates the exception with a retry-after hint.
   *
   * @param component the name of the bulkhead or policy
   * @param maxConcurrentCalls the bulkhead's limit
   * @param retryAfter when a permit is likely to be free, or null if unknown
   */
  public BulkheadFullException(String component, int maxConcurrentCalls, Duration retryAfter) {
    super(
        StandardErrorCode.BULKHEAD_FULL,
        component,
        "Bulkhead '" + component + "' is full (" + maxConcurrentCalls + " concurrent calls)",
        Map.of("max_concurrent_calls", maxConcurrentCalls),
        retryAfter,
        false);
    this.maxConcurrentCalls = maxConcurrentCalls;
  }

  /**
   * Creates the exception cheaply, for the path every refused call takes: the message and details
   * are built only when read (the same as those of {@link #BulkheadFullException(String, int,
   * Duration)}).
   *
   * @param component the name of the bulkhead or policy, not blank
   * @param maxConcurrentCalls the bulkhead's limit
   * @param retryAfterNanos when a permit is likely to be free, in nanoseconds, or -1 if unknown
   * @throws IllegalArgumentException if {@code component} is blank or {@code retryAfterNanos} is
   *     below -1
   */
  public BulkheadFullException(String component, int maxConcurrentCalls, long retryAfterNanos) {
    super(
        StandardErrorCode.BULKHEAD_FULL,
        Checks.notBlank("component", component),
        CircuitOpenException.checkRetryAfter(retryAfterNanos));
    this.maxConcurrentCalls = maxConcurrentCalls;
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message != null
        ? message
        : "Bulkhead '" + component() + "' is full (" + maxConcurrentCalls + " concurrent calls)";
  }

  @Override
  void addDetails(Map<String, Object> details) {
    details.put("max_concurrent_calls", maxConcurrentCalls);
  }

  /**
   * Returns the bulkhead's limit.
   *
   * @return the maximum number of concurrent calls
   */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }
}
