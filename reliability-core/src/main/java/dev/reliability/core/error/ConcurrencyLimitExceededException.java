package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.util.Map;

/**
 * An adaptive concurrency limit had no free permit for the call. Code {@code
 * CONCURRENCY_LIMIT_EXCEEDED}, 503, retryable, with the limiter's retry-after hint when it has one.
 * Details: {@code component}, {@code limit} (the limit when the call was refused), {@code
 * partition} (the call's traffic class), {@code retry_after_ms} (when known).
 *
 * <p>No stack trace is filled in; the message and details are built only when read. Immutable and
 * thread-safe.
 */
public class ConcurrencyLimitExceededException extends ResourceExhaustedException {

  private static final long serialVersionUID = 1L;

  private final int limit;
  private final String partition;

  /**
   * Creates the exception cheaply, for the path every refused call takes.
   *
   * @param component the name of the limiter or policy, not blank
   * @param limit the limit when the call was refused
   * @param partition the traffic class of the call, not blank
   * @param retryAfterNanos when a permit is likely to be free, in nanoseconds, or -1 if unknown
   * @throws IllegalArgumentException if {@code component} or {@code partition} is blank or {@code
   *     retryAfterNanos} is below -1
   */
  public ConcurrencyLimitExceededException(
      String component, int limit, String partition, long retryAfterNanos) {
    super(
        StandardErrorCode.CONCURRENCY_LIMIT_EXCEEDED,
        Checks.notBlank("component", component),
        CircuitOpenException.checkRetryAfter(retryAfterNanos));
    this.limit = limit;
    this.partition = Checks.notBlank("partition", partition);
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message != null
        ? message
        : "Concurrency limit of '"
            + component()
            + "' is reached ("
            + limit
            + " calls in flight, traffic class '"
            + partition
            + "')";
  }

  @Override
  void addDetails(Map<String, Object> details) {
    details.put("limit", limit);
    details.put("partition", partition);
  }

  /**
   * Returns the limit when the call was refused.
   *
   * @return calls allowed in flight then
   */
  public int limit() {
    return limit;
  }

  /**
   * Returns the traffic class (partition) of the refused call.
   *
   * @return the partition's name
   */
  public String partition() {
    return partition;
  }
}
