package dev.reliability.tracing;

/** The HTTP header names this module reads and writes. Thread-safe (constants only). */
public final class TracingHeaders {

  /** The request ID header, accepted from callers and returned on every response. */
  public static final String REQUEST_ID = "X-Request-ID";

  /** The W3C Trace Context header carrying trace and span IDs. */
  public static final String TRACEPARENT = "traceparent";

  /** The W3C Baggage header; carries the request ID as {@value TracingAttributes#BAGGAGE_KEY}. */
  public static final String BAGGAGE = "baggage";

  /**
   * The default deadline header: the time the caller has left, in whole milliseconds; the name is
   * configurable through {@link dev.reliability.core.context.DeadlineHeader}.
   */
  public static final String REQUEST_TIMEOUT_MS =
      dev.reliability.core.context.DeadlineHeader.DEFAULT_NAME;

  private TracingHeaders() {}
}
