package dev.reliability.core.problem;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.Json;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An RFC 9457 problem-details body ({@code application/problem+json}) that is safe to send to a
 * client. Built by {@link ProblemDetailFactory}.
 *
 * <p>Members, in this order: {@code type}, {@code title}, {@code status}, {@code detail}, {@code
 * instance} (when known), and the extensions {@code error_code}, {@code request_id} (when known),
 * {@code retryable}, {@code retry_after_seconds} (when known), {@code details} (when not empty)
 * and, only in development mode, {@code debug} with the exception class and stack trace.
 *
 * <pre>
 * {"type":"about:blank","title":"A downstream service did not respond in time","status":504,
 *  "detail":"A downstream service did not respond in time","instance":"/api/quote",
 *  "error_code":"SERVICE_TIMEOUT","request_id":"7Kq2xWm9RtYb3NvA","retryable":true,
 *  "details":{"service":"backend","timeout_ms":2000}}
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ProblemDetail {

  /** The media type of the body. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /**
   * The name of the request attribute (JDK {@code HttpExchange} or Servlet request) under which a
   * server-side error handler stores the error code of the problem it sent, so that filters further
   * out (access logs, HTTP metrics) can record it without parsing the body.
   */
  public static final String ERROR_CODE_ATTRIBUTE = "dev.reliability.error-code";

  private final String type;
  private final String title;
  private final int status;
  private final String detail;
  private final String instance;
  private final String errorCode;
  private final String requestId;
  private final boolean retryable;
  private final Duration retryAfter;
  private final Map<String, Object> details;
  private final Map<String, Object> debug;

  ProblemDetail(
      String type,
      String title,
      int status,
      String detail,
      String instance,
      String errorCode,
      String requestId,
      boolean retryable,
      Duration retryAfter,
      Map<String, Object> details,
      Map<String, Object> debug) {
    this.type = Checks.notNull("type", type);
    this.title = Checks.notNull("title", title);
    this.status = status;
    this.detail = detail;
    this.instance = instance;
    this.errorCode = Checks.notNull("errorCode", errorCode);
    this.requestId = requestId;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
    this.details = details == null ? Map.of() : details;
    this.debug = debug == null ? Map.of() : debug;
  }

  /**
   * Returns the problem type URI ({@code about:blank} unless a type base is configured).
   *
   * @return the type
   */
  public String type() {
    return type;
  }

  /**
   * Returns the short summary of the error code.
   *
   * @return the title
   */
  public String title() {
    return title;
  }

  /**
   * Returns the HTTP status.
   *
   * @return the status, 400 to 599
   */
  public int status() {
    return status;
  }

  /**
   * Returns the explanation of this occurrence, safe for the client.
   *
   * @return the detail
   */
  public String detail() {
    return detail;
  }

  /**
   * Returns the request path or other URI of this occurrence, if known.
   *
   * @return the instance, or empty
   */
  public Optional<String> instance() {
    return Optional.ofNullable(instance);
  }

  /**
   * Returns the error code, such as {@code SERVICE_TIMEOUT}.
   *
   * @return the code
   */
  public String errorCode() {
    return errorCode;
  }

  /**
   * Returns the request ID, if known.
   *
   * @return the request ID, or empty
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * Returns whether the client may retry.
   *
   * @return true if a retry may succeed
   */
  public boolean retryable() {
    return retryable;
  }

  /**
   * Returns when a retry may succeed, if known.
   *
   * @return the hint, or empty
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Returns the value for a {@code Retry-After} header: whole seconds, rounded up, at least 1.
   *
   * @return the header value, or empty if there is no hint
   */
  public Optional<String> retryAfterHeader() {
    return retryAfter == null ? Optional.empty() : Optional.of(Long.toString(retryAfterSeconds()));
  }

  /**
   * Returns the structured details, redacted.
   *
   * @return the details, possibly empty
   */
  public Map<String, Object> details() {
    return details;
  }

  /**
   * Returns the debugging information (development mode only).
   *
   * @return exception class and stack trace, or empty outside development mode
   */
  public Map<String, Object> debug() {
    return debug;
  }

  /**
   * Returns the body as an ordered map, for frameworks that serialise it themselves.
   *
   * @return an immutable map with the members in order
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("title", title);
    m.put("status", status);
    m.put("detail", detail);
    if (instance != null) {
      m.put("instance", instance);
    }
    m.put("error_code", errorCode);
    if (requestId != null) {
      m.put("request_id", requestId);
    }
    m.put("retryable", retryable);
    if (retryAfter != null) {
      m.put("retry_after_seconds", retryAfterSeconds());
    }
    if (!details.isEmpty()) {
      m.put("details", details);
    }
    if (!debug.isEmpty()) {
      m.put("debug", debug);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns the body as compact JSON on one line.
   *
   * @return the JSON text
   */
  public String toJson() {
    return Json.write(toMap());
  }

  private long retryAfterSeconds() {
    long millis = retryAfter.toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
