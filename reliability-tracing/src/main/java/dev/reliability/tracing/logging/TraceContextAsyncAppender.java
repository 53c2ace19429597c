package dev.reliability.tracing.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.reliability.tracing.TracingAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Logback's {@link AsyncAppender} that fixes the request and trace IDs of each event on the thread
 * that logs it, before the event is queued.
 *
 * <p>Logback copies the MDC when the async appender prepares an event on the calling thread, so
 * {@code request_id} (and any MDC field) is already right. The current OpenTelemetry span is not in
 * the MDC unless something put it there; writers that read it when the event is <em>written</em>
 * see the worker thread's span, which is wrong (opentelemetry-java-instrumentation #13069). This
 * appender adds {@code trace_id} and {@code span_id} of {@link Span#current()} to the event's MDC
 * map on the calling thread when they are missing or belong to another span. If another appender
 * already copied the event's MDC, the event is left as it is; make this appender the root logger's
 * only one, as the shipped {@code reliability/logback-json.xml} does.
 *
 * <p>Everything else (queue, worker, discarding) is Logback's {@link AsyncAppender}.
 */
public class TraceContextAsyncAppender extends AsyncAppender {

  /** Creates the appender. */
  public TraceContextAsyncAppender() {}

  @Override
  protected void preprocess(ILoggingEvent event) {
    if (event instanceof LoggingEvent loggingEvent) {
      attachTraceIds(loggingEvent);
    }
    super.preprocess(event);
  }

  private static void attachTraceIds(LoggingEvent event) {
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return;
    }
    String traceId = span.getTraceId();
    String spanId = span.getSpanId();
    if (traceId.equals(MDC.get(TracingAttributes.TRACE_ID_MDC_KEY))
        && spanId.equals(MDC.get(TracingAttributes.SPAN_ID_MDC_KEY))) {
      return;
    }
    Map<String, String> copy = MDC.getCopyOfContextMap();
    Map<String, String> mdc = copy == null ? new HashMap<>() : new HashMap<>(copy);
    mdc.put(TracingAttributes.TRACE_ID_MDC_KEY, traceId);
    mdc.put(TracingAttributes.SPAN_ID_MDC_KEY, spanId);
    try {
      event.setMDCPropertyMap(mdc);
    } catch (IllegalStateException alreadyCopied) {
      // Another appender read the MDC first; the event keeps that copy.
    }
  }
}
