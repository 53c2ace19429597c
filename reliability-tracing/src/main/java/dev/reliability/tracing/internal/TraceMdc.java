package dev.reliability.tracing.internal;

import dev.reliability.tracing.TracingAttributes;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Mirrors a span's trace and span IDs into the MDC ({@code trace_id}, {@code span_id}) and puts
 * back the previous values on close, so log lines carry them even through an async appender (the
 * MDC is copied when the event is created).
 *
 * <p>This class is internal and may change at any time. Instances are used on one thread.
 */
public final class TraceMdc implements AutoCloseable {

  private final String previousTraceId;
  private final String previousSpanId;
  private boolean closed;

  private TraceMdc(String previousTraceId, String previousSpanId) {
    this.previousTraceId = previousTraceId;
    this.previousSpanId = previousSpanId;
  }

  /**
   * Puts the IDs of {@code spanContext} into the MDC, or removes them if it is invalid.
   *
   * @param spanContext the span context
   * @return the handle that restores the previous values
   */
  public static TraceMdc put(SpanContext spanContext) {
    TraceMdc restore =
        new TraceMdc(
            MDC.get(TracingAttributes.TRACE_ID_MDC_KEY),
            MDC.get(TracingAttributes.SPAN_ID_MDC_KEY));
    if (spanContext.isValid()) {
      MDC.put(TracingAttributes.TRACE_ID_MDC_KEY, spanContext.getTraceId());
      MDC.put(TracingAttributes.SPAN_ID_MDC_KEY, spanContext.getSpanId());
    } else {
      MDC.remove(TracingAttributes.TRACE_ID_MDC_KEY);
      MDC.remove(TracingAttributes.SPAN_ID_MDC_KEY);
    }
    return restore;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    set(TracingAttributes.TRACE_ID_MDC_KEY, previousTraceId);
    set(TracingAttributes.SPAN_ID_MDC_KEY, previousSpanId);
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
