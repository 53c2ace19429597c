package dev.reliability.core.context;

/**
 * The binding of a {@link RequestContext} to a thread, ended by {@link #close()}.
 *
 * <p>Use with try-with-resources on the thread that opened it. Closing restores the context and the
 * MDC values that were current when the scope was opened; closing twice does nothing. Closing
 * scopes out of order still restores this scope's saved state and logs a warning, because it means
 * an inner scope was leaked.
 *
 * <p>Not thread-safe: a scope belongs to the thread that opened it, and closing it from another
 * thread is ignored with a warning.
 */
public interface ContextScope extends AutoCloseable {

  /** Restores the previous context and MDC values. Never throws. */
  @Override
  void close();
}
