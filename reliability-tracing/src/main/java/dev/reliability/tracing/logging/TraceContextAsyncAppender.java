package dev.reliability.tracing.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.reliability.tracing.TracingAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
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
 * <p>When {@linkplain #setNeverBlock(boolean) never-block} is on (as in the shipped configuration),
 * an event that finds the queue full is dropped on the logging thread instead of waiting for the
 * writer, and counted: {@link #getDiscardedCount()}; the first drop also leaves a warning in
 * Logback's status messages. A request thread therefore never waits for a slow stdout or a slow
 * masker, at the price of lost lines under overload. The count is exact with one logging thread;
 * with several, an event that loses the race for the last free slot is dropped by Logback without
 * being counted, so the count is a lower bound.
 *
 * <p>Everything else (queue, worker, level-based discarding) is Logback's {@link AsyncAppender}.
 * Thread-safe.
 */
public class TraceContextAsyncAppender extends AsyncAppender {

  private final LongAdder discarded = new LongAdder();
  private final AtomicBoolean warned = new AtomicBoolean();

  /** Creates the appender. */
  public TraceContextAsyncAppender() {}

  /**
   * Returns how many events were dropped because the queue was full in never-block mode.
   *
   * @return the number of dropped events since start; a lower bound under concurrent logging
   */
  public long getDiscardedCount() {
    return discarded.sum();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (isNeverBlock() && getRemainingCapacity() == 0) {
      discarded.increment();
      // The flag only ever goes from false to true, so exactly one drop (the first) warns.
      if (warned.compareAndSet(false, true)) {
        addWarn(
            "The queue of "
                + getQueueSize()
                + " events is full; dropping events instead of blocking the logging thread"
                + " (see getDiscardedCount())");
      }
      return;
    }
    super.append(event);
  }

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
