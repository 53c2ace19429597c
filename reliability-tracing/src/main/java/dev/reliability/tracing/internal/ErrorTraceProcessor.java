package dev.reliability.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the local part of traces that fail even when the head sampler did not sample them.
 *
 * <p>Sampled spans go straight to the delegate (the exporting processor). Spans recorded but not
 * sampled (see {@link ErrorTraceSampler}) are held per trace until the trace's local root span (the
 * span whose parent is remote or absent) ends: if any held span has status {@code ERROR}, all of
 * them are handed to the delegate marked as sampled; otherwise they are dropped. At most {@code
 * maxTraces} traces and {@code maxSpansPerTrace} spans per trace are held; beyond that the oldest
 * trace is dropped and counted.
 *
 * <p>What this cannot do, because the head decision was made before the outcome was known: keep
 * spans of <em>other</em> services in the same trace (they saw "not sampled" and recorded nothing),
 * or spans that end after the local root span ends. Keeping whole error traces across services
 * needs tail sampling in an OpenTelemetry Collector.
 *
 * <p>This class is internal and may change at any time. Thread-safe; the lock is held only to
 * update the map, never while exporting.
 */
public final class ErrorTraceProcessor implements SpanProcessor {

  private final SpanProcessor delegate;
  private final int maxTraces;
  private final int maxSpansPerTrace;
  private final Map<String, List<ReadableSpan>> held;
  private final LongAdder droppedTraces = new LongAdder();
  private final LongAdder keptTraces = new LongAdder();

  /**
   * Wraps the exporting processor.
   *
   * @param delegate the processor that exports sampled spans
   * @param maxTraces how many unsampled traces to hold at once
   * @param maxSpansPerTrace how many spans to hold per trace
   */
  public ErrorTraceProcessor(SpanProcessor delegate, int maxTraces, int maxSpansPerTrace) {
    this.delegate = delegate;
    this.maxTraces = maxTraces;
    this.maxSpansPerTrace = maxSpansPerTrace;
    this.held =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, List<ReadableSpan>> eldest) {
            if (size() > ErrorTraceProcessor.this.maxTraces) {
              droppedTraces.increment();
              return true;
            }
            return false;
          }
        };
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (delegate.isStartRequired()) {
      delegate.onStart(parentContext, span);
    }
  }

  @Override
  public boolean isStartRequired() {
    return delegate.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    SpanContext context = span.getSpanContext();
    if (context.isSampled()) {
      delegate.onEnd(span);
      return;
    }
    SpanContext parent = span.getParentSpanContext();
    boolean localRoot = !parent.isValid() || parent.isRemote();
    List<ReadableSpan> trace;
    synchronized (held) {
      if (localRoot) {
        trace = held.remove(context.getTraceId());
      } else {
        List<ReadableSpan> list =
            held.computeIfAbsent(context.getTraceId(), k -> new ArrayList<>());
        if (list.size() < maxSpansPerTrace) {
          list.add(span);
        }
        return;
      }
    }
    List<ReadableSpan> all = trace == null ? new ArrayList<>(1) : trace;
    all.add(span);
    boolean failed = false;
    for (ReadableSpan s : all) {
      if (s.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR) {
        failed = true;
        break;
      }
    }
    if (failed) {
      keptTraces.increment();
      for (ReadableSpan s : all) {
        delegate.onEnd(new Kept(s));
      }
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /**
   * Returns how many unsampled traces were dropped because too many were held.
   *
   * @return the count
   */
  public long droppedTraces() {
    return droppedTraces.sum();
  }

  /**
   * Returns how many unsampled traces were exported because they failed.
   *
   * @return the count
   */
  public long keptTraces() {
    return keptTraces.sum();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  private static SpanContext sampled(SpanContext c) {
    return c.isRemote()
        ? SpanContext.createFromRemoteParent(
            c.getTraceId(), c.getSpanId(), TraceFlags.getSampled(), c.getTraceState())
        : SpanContext.create(
            c.getTraceId(), c.getSpanId(), TraceFlags.getSampled(), c.getTraceState());
  }

  /** A finished, unsampled span presented as sampled so the exporting processor takes it. */
  private static final class Kept implements ReadableSpan {
    private final ReadableSpan span;
    private final SpanContext context;

    Kept(ReadableSpan span) {
      this.span = span;
      this.context = sampled(span.getSpanContext());
    }

    @Override
    public SpanContext getSpanContext() {
      return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
      return span.getParentSpanContext();
    }

    @Override
    public String getName() {
      return span.getName();
    }

    @Override
    public SpanData toSpanData() {
      return new DelegatingSpanData(span.toSpanData()) {
        @Override
        public SpanContext getSpanContext() {
          return context;
        }
      };
    }

    @Override
    @SuppressWarnings("deprecation")
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
      return span.getInstrumentationLibraryInfo();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return span.getInstrumentationScopeInfo();
    }

    @Override
    public boolean hasEnded() {
      return span.hasEnded();
    }

    @Override
    public long getLatencyNanos() {
      return span.getLatencyNanos();
    }

    @Override
    public SpanKind getKind() {
      return span.getKind();
    }

    @Override
    public <T> T getAttribute(AttributeKey<T> key) {
      return span.getAttribute(key);
    }

    @Override
    public Attributes getAttributes() {
      return span.getAttributes();
    }
  }
}
