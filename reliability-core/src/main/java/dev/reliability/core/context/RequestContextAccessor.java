package dev.reliability.core.context;

import io.micrometer.context.ThreadLocalAccessor;

/**
 * Lets Micrometer's context-propagation library capture and restore the {@link RequestContext}
 * (with its MDC mirror) across threads.
 *
 * <p>Registered through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}, so
 * {@code ContextRegistry.getInstance()} and every {@code ContextSnapshotFactory} built on it find
 * it without configuration. Register it yourself only in a {@code ContextRegistry} you create.
 * Setting a value binds the context exactly like {@link RequestContext#bind()}; restoring closes
 * that binding, so the pool thread's MDC is back to what it was before the task.
 *
 * <p>Stateless and thread-safe; each call affects the calling thread only.
 */
public final class RequestContextAccessor implements ThreadLocalAccessor<RequestContext> {

  /** The key under which the request context appears in a {@code ContextSnapshot}. */
  public static final String KEY = "dev.reliability.request-context";

  /** Creates the accessor; called by {@link java.util.ServiceLoader}. */
  public RequestContextAccessor() {}

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public RequestContext getValue() {
    return ContextStorage.current();
  }

  @Override
  public void setValue(RequestContext value) {
    ContextStorage.push(value);
  }

  @Override
  public void setValue() {
    ContextStorage.push(null);
  }

  @Override
  public void restore(RequestContext previousValue) {
    ContextStorage.popTop();
  }

  @Override
  public void restore() {
    ContextStorage.popTop();
  }
}
