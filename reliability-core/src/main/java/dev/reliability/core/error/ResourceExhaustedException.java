package dev.reliability.core.error;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A limited resource refused the call: the family of rejections ({@link
 * RateLimitExceededException}, {@link CapacityExceededException}, {@link CircuitOpenException},
 * {@link BulkheadFullException}). Code {@code RESOURCE_EXHAUSTED}, 503, retryable.
 *
 * <p>Every rejection names the component that refused ({@link #component()}, such as the policy or
 * registry name) and carries a retry-after hint where the component can know one. Details: {@code
 * component}, {@code retry_after_ms} when known, and what the subclass adds.
 *
 * <p>Rejections are thrown on hot paths, often in bulk while a dependency is down, so subclasses
 * may skip filling in the stack trace. Immutable and thread-safe.
 */
public class ResourceExhaustedException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  private final String component;

  /**
   * Creates the exception.
   *
   * @param component the name of the component that refused
   * @param message the message for operators and logs
   */
  public ResourceExhaustedException(String component, String message) {
    this(StandardErrorCode.RESOURCE_EXHAUSTED, component, message, Map.of(), null, true);
  }

  /**
   * Creates an exception of a subclass or custom code in this family.
   *
   * @param errorCode the error code
   * @param component the name of the component that refused
   * @param message the message for operators and logs
   * @param details further details; {@code component} and {@code retry_after_ms} are added
   * @param retryAfter when a retry may succeed, or null
   * @param writableStackTrace false to skip the stack trace
   */
  protected ResourceExhaustedException(
      ErrorCode errorCode,
      String component,
      String message,
      Map<String, ?> details,
      Duration retryAfter,
      boolean writableStackTrace) {
    super(
        errorCode,
        message,
        withComponent(component, details, retryAfter),
        null,
        errorCode.retryable(),
        errorCode.httpStatus(),
        retryAfter,
        writableStackTrace);
    this.component = component;
  }

  /**
   * Creates a hot-path rejection: message and details are computed when read (see {@link
   * ReliabilityException#ReliabilityException(ErrorCode, long)}).
   *
   * @param errorCode the error code
   * @param component the name of the component that refused, not blank
   * @param retryAfterNanos the retry-after hint in nanoseconds, or -1 if unknown
   */
  ResourceExhaustedException(ErrorCode errorCode, String component, long retryAfterNanos) {
    super(errorCode, retryAfterNanos);
    this.component = component;
  }

  @Override
  final Map<String, ?> lazyDetails() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("component", component);
    addDetails(all);
    retryAfter().ifPresent(d -> all.put("retry_after_ms", d.toMillis()));
    return all;
  }

  /**
   * Adds a hot-path rejection's own details, between {@code component} and {@code retry_after_ms}.
   *
   * @param details the details to add to
   */
  void addDetails(Map<String, Object> details) {}

  /**
   * Returns the name of the component that refused the call.
   *
   * @return the component name
   */
  public String component() {
    return component;
  }

  private static Map<String, Object> withComponent(
      String component, Map<String, ?> details, Duration retryAfter) {
    Checks.notBlank("component", component);
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("component", component);
    if (details != null) {
      all.putAll(details);
    }
    if (retryAfter != null) {
      all.put("retry_after_ms", retryAfter.toMillis());
    }
    return all;
  }
}
