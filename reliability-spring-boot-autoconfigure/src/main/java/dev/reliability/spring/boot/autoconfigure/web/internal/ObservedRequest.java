package dev.reliability.spring.boot.autoconfigure.web.internal;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * What the request-ID filters add to the request's Spring observation and to the MDC so that
 * Micrometer Tracing (and the OpenTelemetry bridge) agree with the request context: the request ID
 * as the high-cardinality key {@value #REQUEST_ID_KEY} (a span attribute, never a metric tag), and
 * the current OpenTelemetry span's IDs as {@code trace_id}/{@code span_id} in the MDC, the names
 * the library's JSON logging writes.
 *
 * <p>This class is internal and may change at any time. Stateless; used on the request's thread.
 */
public final class ObservedRequest {

  /** The span attribute that carries the request ID, as the library's own server spans name it. */
  public static final String REQUEST_ID_KEY = "request.id";

  static final String TRACE_ID_MDC_KEY = "trace_id";
  static final String SPAN_ID_MDC_KEY = "span_id";

  private static final boolean OTEL_PRESENT = present("io.opentelemetry.api.trace.Span");

  private ObservedRequest() {}

  /**
   * Puts the request ID on the observation, if there is one.
   *
   * @param context the request's observation context, or null when observations are off
   * @param requestId the request ID
   */
  public static void tag(Observation.Context context, String requestId) {
    if (context != null) {
      context.addHighCardinalityKeyValue(KeyValue.of(REQUEST_ID_KEY, requestId));
    }
  }

  /**
   * Mirrors the current OpenTelemetry span's IDs into the MDC when there is a valid one and the MDC
   * lacks them.
   *
   * @return the handle that removes what was put; close it on the same thread
   */
  public static Runnable putTraceIds() {
    if (!OTEL_PRESENT || MDC.get(TRACE_ID_MDC_KEY) != null) {
      return () -> {};
    }
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return () -> {};
    }
    MDC.put(TRACE_ID_MDC_KEY, span.getTraceId());
    MDC.put(SPAN_ID_MDC_KEY, span.getSpanId());
    return () -> {
      MDC.remove(TRACE_ID_MDC_KEY);
      MDC.remove(SPAN_ID_MDC_KEY);
    };
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, ObservedRequest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
