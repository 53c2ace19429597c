package dev.reliability.tracing;

import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.time.TimeSource;

/**
 * What the server filters ({@link dev.reliability.tracing.httpserver.RequestContextFilter} for the
 * JDK {@code HttpServer}, {@link dev.reliability.tracing.servlet.RequestContextServletFilter} for
 * Jakarta Servlet containers) do with each request.
 *
 * <p>For every request a filter: takes the request ID from {@value TracingHeaders#REQUEST_ID} (or,
 * when tracing is on and the header is absent, from the {@value TracingAttributes#BAGGAGE_KEY}
 * baggage entry), keeps it if the {@link RequestIdSanitizer} accepts it or mints a fresh one;
 * returns it in the response's {@value TracingHeaders#REQUEST_ID} header; binds a {@link
 * dev.reliability.core.context.RequestContext} with the ID (and, by default, the method and path)
 * for the handler, which puts {@code request_id}, {@code method} and {@code path} into the MDC;
 * when tracing is on, continues the caller's trace from {@code traceparent}, starts a server span
 * with the request ID as attribute and baggage, and puts {@code trace_id}/{@code span_id} into the
 * MDC; reads the caller's deadline from the {@link DeadlineHeader} ({@value
 * DeadlineHeader#DEFAULT_NAME} by default: the time left in milliseconds, capped at 60 s) and binds
 * it with the context, so the handler's policies and outgoing calls honour it; and finally writes
 * one access-log line (logger {@value #ACCESS_LOGGER}) with method, path, status, duration and
 * error code.
 *
 * <p>Defaults: tracing off ({@link ServiceTracing#disabled()}), {@link
 * RequestIdSanitizer#ofDefaults()}, {@link TimeSource#system()}, access log on, method and path
 * bound, {@link DeadlineHeader#ofDefaults()}. Immutable and thread-safe.
 */
public final class RequestTracing {

  /** The logger of the access-log lines, at INFO (WARN for 5xx). */
  public static final String ACCESS_LOGGER = "dev.reliability.tracing.access";

  private static final RequestTracing DEFAULTS = builder().build();

  private final ServiceTracing tracing;
  private final RequestIdSanitizer sanitizer;
  private final TimeSource timeSource;
  private final boolean accessLog;
  private final boolean bindRequestLine;
  private final DeadlineHeader deadlineHeader;

  private RequestTracing(Builder b) {
    this.deadlineHeader = b.deadlineHeader;
    this.tracing = b.tracing;
    this.sanitizer = b.sanitizer;
    this.timeSource = b.timeSource;
    this.accessLog = b.accessLog;
    this.bindRequestLine = b.bindRequestLine;
  }

  /**
   * Returns the defaults: no tracing, default sanitizer, access log on.
   *
   * @return the shared default configuration
   */
  public static RequestTracing ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the tracing set-up.
   *
   * @return the tracing, possibly disabled
   */
  public ServiceTracing tracing() {
    return tracing;
  }

  /**
   * Returns the sanitizer for incoming request IDs.
   *
   * @return the sanitizer
   */
  public RequestIdSanitizer sanitizer() {
    return sanitizer;
  }

  /**
   * Returns the time source that measures request durations.
   *
   * @return the time source
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  /**
   * Returns whether one access-log line is written per request.
   *
   * @return true if on
   */
  public boolean accessLog() {
    return accessLog;
  }

  /**
   * Returns whether the method and path are bound into the request context (and so the MDC).
   *
   * @return true if on
   */
  public boolean bindRequestLine() {
    return bindRequestLine;
  }

  /**
   * Returns how the caller's deadline is read from the request.
   *
   * @return the deadline header's configuration
   */
  public DeadlineHeader deadlineHeader() {
    return deadlineHeader;
  }

  /** Builds a {@link RequestTracing}. Not thread-safe. */
  public static final class Builder {
    private ServiceTracing tracing = ServiceTracing.disabled();
    private RequestIdSanitizer sanitizer = RequestIdSanitizer.ofDefaults();
    private TimeSource timeSource = TimeSource.system();
    private boolean accessLog = true;
    private boolean bindRequestLine = true;
    private DeadlineHeader deadlineHeader = DeadlineHeader.ofDefaults();

    private Builder() {}

    /**
     * Sets how the caller's deadline is read: the header's name, the most time accepted, or off.
     * Default {@link DeadlineHeader#ofDefaults()}. The deadline is read on {@link #timeSource}.
     *
     * @param deadlineHeader the configuration; its counter counts this filter's malformed values
     * @return this builder
     */
    public Builder deadlineHeader(DeadlineHeader deadlineHeader) {
      this.deadlineHeader = Checks.notNull("deadlineHeader", deadlineHeader);
      return this;
    }

    /**
     * Sets the tracing set-up. Default {@link ServiceTracing#disabled()}.
     *
     * @param tracing the tracing
     * @return this builder
     */
    public Builder tracing(ServiceTracing tracing) {
      this.tracing = Checks.notNull("tracing", tracing);
      return this;
    }

    /**
     * Sets the sanitizer for incoming request IDs. Default {@link RequestIdSanitizer#ofDefaults()}.
     *
     * @param sanitizer the sanitizer; its counters count this filter's rejections
     * @return this builder
     */
    public Builder sanitizer(RequestIdSanitizer sanitizer) {
      this.sanitizer = Checks.notNull("sanitizer", sanitizer);
      return this;
    }

    /**
     * Sets the time source for request durations. Default {@link TimeSource#system()}.
     *
     * @param timeSource the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Checks.notNull("timeSource", timeSource);
      return this;
    }

    /**
     * Turns the access-log line on or off. Default on.
     *
     * @param on whether to log one line per request
     * @return this builder
     */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /**
     * Binds the method and path into the request context and MDC ({@code method}, {@code path}).
     * Default on.
     *
     * @param on whether to bind them
     * @return this builder
     */
    public Builder bindRequestLine(boolean on) {
      this.bindRequestLine = on;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public RequestTracing build() {
      return new RequestTracing(this);
    }
  }
}
