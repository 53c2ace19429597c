package dev.reliability.tracing.internal;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.ServiceTracing;
import dev.reliability.tracing.TracingAttributes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One server request from the filters' point of view: accept or mint the request ID, bind the
 * context, start the server span; at the end, write the access line, end the span and restore the
 * thread. Shared by the JDK and Servlet filters.
 *
 * <p>This class is internal and may change at any time. Used on one thread.
 */
public final class ServerObservation {

  /** HTTP semantic-convention attribute keys. */
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");

  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private static final Logger ACCESS = LoggerFactory.getLogger(RequestTracing.ACCESS_LOGGER);

  /** The access line's fields, in the order {@code logAccess} fills them. */
  private static final String[] ACCESS_FIELDS = {
    "method", "path", "status", "duration_ms", "error_code"
  };

  private final RequestTracing config;
  private final String method;
  private final String path;
  private final String requestId;
  private final long startNanos;
  private final Span span;
  private final Scope otelScope;
  private final ContextScope contextScope;
  private final TraceMdc traceMdc;

  private ServerObservation(
      RequestTracing config,
      String method,
      String path,
      String requestId,
      long startNanos,
      Span span,
      Scope otelScope,
      ContextScope contextScope,
      TraceMdc traceMdc) {
    this.config = config;
    this.method = method;
    this.path = path;
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.span = span;
    this.otelScope = otelScope;
    this.contextScope = contextScope;
    this.traceMdc = traceMdc;
  }

  /**
   * Starts observing a request and binds its context to the calling thread.
   *
   * @param config the filter configuration
   * @param method the HTTP method
   * @param path the raw (still percent-encoded) request path
   * @param route the low-cardinality route (context path or servlet mapping), or null
   * @param incomingId the {@code X-Request-ID} header, or null
   * @param deadlineValue the deadline header ({@link RequestTracing#deadlineHeader()}), or null
   * @param carrier the request, for reading {@code traceparent} and {@code baggage}
   * @param getter reads headers from the carrier
   * @param <C> the carrier type
   * @return the observation; call {@link #end} exactly once, on the same thread
   */
  public static <C> ServerObservation start(
      RequestTracing config,
      String method,
      String path,
      String route,
      String incomingId,
      String deadlineValue,
      C carrier,
      TextMapGetter<C> getter) {
    long start = config.timeSource().nanoTime();
    // Malformed values are ignored (and counted); a larger one than the cap is clipped.
    Deadline deadline = config.deadlineHeader().read(deadlineValue, config.timeSource());
    ServiceTracing tracing = config.tracing();
    Context parent = Context.root();
    String incoming = incomingId;
    if (tracing.isEnabled()) {
      parent = tracing.propagator().extract(parent, carrier, getter);
      if (incoming == null) {
        incoming = Baggage.fromContext(parent).getEntryValue(TracingAttributes.BAGGAGE_KEY);
      }
    }
    String requestId = config.sanitizer().sanitize(incoming);
    Span span = Span.getInvalid();
    Scope otelScope = Scope.noop();
    if (tracing.isEnabled()) {
      var builder =
          tracing
              .tracer()
              .spanBuilder(route == null ? method : method + " " + route)
              .setSpanKind(SpanKind.SERVER)
              .setParent(parent)
              .setAttribute(HTTP_METHOD, method)
              .setAttribute(URL_PATH, path)
              .setAttribute(TracingAttributes.REQUEST_ID, requestId);
      if (route != null) {
        builder.setAttribute(HTTP_ROUTE, route);
      }
      span = builder.startSpan();
      Baggage baggage =
          Baggage.fromContext(parent).toBuilder()
              .put(TracingAttributes.BAGGAGE_KEY, requestId)
              .build();
      otelScope = parent.with(span).with(baggage).makeCurrent();
    }
    RequestContext context =
        config.bindRequestLine()
            ? RequestContext.builder(requestId)
                .put("method", method)
                .put("path", path)
                .deadline(deadline)
                .build()
            : RequestContext.builder(requestId).deadline(deadline).build();
    ContextScope contextScope = context.bind();
    TraceMdc traceMdc = tracing.isEnabled() ? TraceMdc.put(span.getSpanContext()) : null;
    return new ServerObservation(
        config, method, path, requestId, start, span, otelScope, contextScope, traceMdc);
  }

  /**
   * Returns the request ID bound for this request.
   *
   * @return the accepted or minted ID
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Ends the observation: span status and end, access line, thread restored. Never throws.
   *
   * @param status the response status; 500 if the exchange ended with an exception before a status
   *     was sent
   * @param errorCode the error code a handler stored, or null
   * @param failure the exception that escaped the filter chain, or null
   */
  public void end(int status, String errorCode, Throwable failure) {
    long durationNanos = config.timeSource().nanoTime() - startNanos;
    try {
      if (span.isRecording()) {
        span.setAttribute(HTTP_STATUS, (long) status);
        if (errorCode != null) {
          span.setAttribute(TracingAttributes.ERROR_CODE, errorCode);
        }
        if (status >= 500) {
          span.setAttribute(ERROR_TYPE, errorCode != null ? errorCode : Integer.toString(status));
          span.setStatus(StatusCode.ERROR);
        }
        if (failure != null && status >= 500) {
          span.recordException(failure);
        }
      }
      if (config.accessLog()) {
        logAccess(status, errorCode, durationNanos);
      }
    } catch (RuntimeException e) {
      ACCESS.warn("Could not finish the observation of a request", e);
    } finally {
      if (traceMdc != null) {
        traceMdc.close();
      }
      contextScope.close();
      span.end();
      otelScope.close();
    }
  }

  private void logAccess(int status, String errorCode, long durationNanos) {
    boolean warn = status >= 500;
    if (warn ? !ACCESS.isWarnEnabled() : !ACCESS.isInfoEnabled()) {
      return;
    }
    long micros = durationNanos / 1_000;
    double millis = micros / 1000.0;
    // The fields travel in the MDC for this one call (SLF4J 1.7's API, so that a service that
    // resolves slf4j-api 1.7 keeps working); what the request had in the MDC is restored after.
    boolean requestLine = !config.bindRequestLine();
    String[] values = {
      requestLine ? method : null,
      requestLine ? path : null,
      Integer.toString(status),
      Double.toString(millis),
      errorCode
    };
    String[] previous = new String[ACCESS_FIELDS.length];
    try {
      for (int i = 0; i < ACCESS_FIELDS.length; i++) {
        if (values[i] != null) {
          previous[i] = MDC.get(ACCESS_FIELDS[i]);
          MDC.put(ACCESS_FIELDS[i], values[i]);
        }
      }
      if (warn) {
        ACCESS.warn("{} {} {} {}ms", method, path, status, millis);
      } else {
        ACCESS.info("{} {} {} {}ms", method, path, status, millis);
      }
    } finally {
      for (int i = 0; i < ACCESS_FIELDS.length; i++) {
        if (values[i] != null) {
          if (previous[i] == null) {
            MDC.remove(ACCESS_FIELDS[i]);
          } else {
            MDC.put(ACCESS_FIELDS[i], previous[i]);
          }
        }
      }
    }
  }
}
