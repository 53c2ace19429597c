package dev.reliability.tracing.internal;

import io.micrometer.context.ThreadLocalAccessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Lets Micrometer's context-propagation library carry OpenTelemetry's current {@link Context} (the
 * active span and baggage) across threads, together with its {@code trace_id}/{@code span_id} MDC
 * mirror. Registered through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor},
 * so the wrappers of {@code dev.reliability.core.context.ContextPropagation} and the
 * fault-tolerance policies carry the span without configuration. OpenTelemetry's own {@code
 * Context.taskWrapping} does the same for plain executors; this accessor exists so one snapshot
 * carries everything.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe; each call
 * affects the calling thread only.
 */
public final class OtelContextAccessor implements ThreadLocalAccessor<Context> {

  /** The key under which the OpenTelemetry context appears in a snapshot. */
  public static final String KEY = "dev.reliability.opentelemetry-context";

  private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();

  /** Creates the accessor; called by {@link java.util.ServiceLoader}. */
  public OtelContextAccessor() {}

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public Context getValue() {
    Context current = Context.current();
    return current == Context.root() ? null : current;
  }

  @Override
  public void setValue(Context value) {
    push(value);
  }

  @Override
  public void setValue() {
    push(Context.root());
  }

  @Override
  public void restore(Context previousValue) {
    pop();
  }

  @Override
  public void restore() {
    pop();
  }

  private static void push(Context context) {
    Scope scope = context.makeCurrent();
    TraceMdc mdc = TraceMdc.put(Span.fromContext(context).getSpanContext());
    TOP.set(new Frame(scope, mdc, TOP.get()));
  }

  private static void pop() {
    Frame top = TOP.get();
    if (top == null) {
      return;
    }
    top.mdc.close();
    top.scope.close();
    if (top.parent == null) {
      TOP.remove();
    } else {
      TOP.set(top.parent);
    }
  }

  private record Frame(Scope scope, TraceMdc mdc, Frame parent) {}
}
