package dev.reliability.core.context;

import dev.reliability.core.internal.Checks;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextScheduledExecutorService;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Carries the calling thread's context (the {@link RequestContext} with its MDC mirror, and every
 * other value registered with Micrometer's context-propagation library, such as an OpenTelemetry
 * span when reliability-tracing is present) into tasks that run on other threads.
 *
 * <p>Built on context-propagation's {@link ContextSnapshot}: the context is <em>captured when a
 * task is submitted</em> (or when a function is wrapped), not when a pool thread picks it up, and
 * is restored on the pool thread only while the task runs. A task submitted without a context runs
 * without one even if the pool thread still held a stale one ({@code clearMissing}), and after
 * every task the pool thread's thread-locals and MDC are back to what they were, so nothing leaks
 * into an unrelated task on a reused thread. {@link ContextHygiene} checks that in tests.
 *
 * <pre>{@code
 * ExecutorService pool = ContextPropagation.wrap(Executors.newFixedThreadPool(4));
 * try (ContextScope scope = RequestContext.of("req-42").bind()) {
 *   pool.submit(() -> log.info("on a pool thread"));   // MDC request_id=req-42
 *   CompletableFuture.supplyAsync(() -> load(), pool)
 *       .thenApplyAsync(ContextPropagation.wrapFunction(v -> enrich(v)), pool);
 * }
 * }</pre>
 *
 * <p>{@code CompletableFuture}: {@code supplyAsync(supplier, wrappedExecutor)} and {@code
 * runAsync(task, wrappedExecutor)} carry the caller's context. Every later stage, async or not, is
 * started by whichever thread completes the stage before it, so a wrapped executor would capture
 * <em>that</em> thread's context: wrap the stage's function instead ({@link #wrapFunction}, {@link
 * #wrapConsumer}, {@link #wrapBiFunction}, {@link #wrapBiConsumer}), which captures when the chain
 * is built. {@code supplyAsync(supplier)} without an executor runs on the common pool, so wrap the
 * supplier ({@link #wrapSupplier}).
 *
 * <p>Stateless and thread-safe. The wrappers are thread-safe if the wrapped object is.
 */
public final class ContextPropagation {

  private static final ContextSnapshotFactory FACTORY =
      ContextSnapshotFactory.builder()
          .contextRegistry(ContextRegistry.getInstance())
          .clearMissing(true)
          .build();

  private ContextPropagation() {}

  /**
   * Returns the snapshot factory the wrappers use: the global {@link ContextRegistry} with {@code
   * clearMissing} on. Components that capture context themselves should use it too.
   *
   * @return the shared factory
   */
  public static ContextSnapshotFactory snapshotFactory() {
    return FACTORY;
  }

  /**
   * Captures the calling thread's context.
   *
   * @return a snapshot to restore elsewhere with {@link ContextSnapshot#setThreadLocals()}
   */
  public static ContextSnapshot capture() {
    return FACTORY.captureAll();
  }

  /**
   * Wraps an executor so each task runs with the context of the thread that submitted it.
   *
   * @param executor the executor
   * @return the wrapping executor
   */
  public static Executor wrap(Executor executor) {
    Checks.notNull("executor", executor);
    if (executor instanceof ScheduledExecutorService s) {
      return wrap(s);
    }
    if (executor instanceof ExecutorService s) {
      return wrap(s);
    }
    return new ContextExecutor(executor);
  }

  /**
   * Wraps an executor service so each task runs with the context of the thread that submitted it.
   * Shutting the wrapper down shuts down the wrapped service.
   *
   * @param executor the executor service
   * @return the wrapping executor service
   */
  public static ExecutorService wrap(ExecutorService executor) {
    Checks.notNull("executor", executor);
    if (executor instanceof ScheduledExecutorService s) {
      return wrap(s);
    }
    return ContextExecutorService.wrap(executor, FACTORY::captureAll);
  }

  /**
   * Wraps a scheduled executor service so each task, including every run of a periodic task, runs
   * with the context of the thread that scheduled it.
   *
   * @param executor the scheduled executor service
   * @return the wrapping scheduled executor service
   */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    Checks.notNull("executor", executor);
    return ContextScheduledExecutorService.wrap(executor, FACTORY::captureAll);
  }

  /**
   * Returns an executor service that starts a new virtual thread per task (Java 21 and later), each
   * running with the context of the thread that submitted the task.
   *
   * @return the wrapping executor service; close or shut it down when done
   * @throws UnsupportedOperationException on Java versions before 21
   */
  public static ExecutorService newVirtualThreadPerTaskExecutor() {
    try {
      ExecutorService vt =
          (ExecutorService)
              Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      return wrap(vt);
    } catch (NoSuchMethodException e) {
      throw new UnsupportedOperationException(
          "virtual threads need Java 21 or later, running on Java " + Runtime.version().feature());
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("could not create a virtual-thread executor", e);
    }
  }

  /**
   * Wraps a task so it runs with the calling thread's current context.
   *
   * @param task the task
   * @return the wrapped task, capturing now
   */
  public static Runnable wrap(Runnable task) {
    Checks.notNull("task", task);
    return capture().wrap(task);
  }

  /**
   * Wraps a task so it runs with the calling thread's current context.
   *
   * @param task the task
   * @param <T> the result type
   * @return the wrapped task, capturing now
   */
  public static <T> Callable<T> wrapCallable(Callable<T> task) {
    Checks.notNull("task", task);
    return capture().wrap(task);
  }

  /**
   * Wraps a supplier so it runs with the calling thread's current context.
   *
   * @param supplier the supplier
   * @param <T> the result type
   * @return the wrapped supplier, capturing now
   */
  public static <T> Supplier<T> wrapSupplier(Supplier<T> supplier) {
    Checks.notNull("supplier", supplier);
    ContextSnapshot snapshot = capture();
    return () -> {
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        return supplier.get();
      }
    };
  }

  /**
   * Wraps a function so it runs with the calling thread's current context.
   *
   * @param function the function
   * @param <T> the argument type
   * @param <R> the result type
   * @return the wrapped function, capturing now
   */
  public static <T, R> Function<T, R> wrapFunction(Function<T, R> function) {
    Checks.notNull("function", function);
    ContextSnapshot snapshot = capture();
    return t -> {
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        return function.apply(t);
      }
    };
  }

  /**
   * Wraps a consumer so it runs with the calling thread's current context.
   *
   * @param consumer the consumer
   * @param <T> the argument type
   * @return the wrapped consumer, capturing now
   */
  public static <T> Consumer<T> wrapConsumer(Consumer<T> consumer) {
    Checks.notNull("consumer", consumer);
    return capture().wrap(consumer);
  }

  /**
   * Wraps a two-argument function (for {@code handle}, {@code thenCombine}) so it runs with the
   * calling thread's current context.
   *
   * @param function the function
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @param <R> the result type
   * @return the wrapped function, capturing now
   */
  public static <T, U, R> BiFunction<T, U, R> wrapBiFunction(BiFunction<T, U, R> function) {
    Checks.notNull("function", function);
    ContextSnapshot snapshot = capture();
    return (t, u) -> {
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        return function.apply(t, u);
      }
    };
  }

  /**
   * Wraps a two-argument consumer (for {@code whenComplete}) so it runs with the calling thread's
   * current context.
   *
   * @param consumer the consumer
   * @param <T> the first argument type
   * @param <U> the second argument type
   * @return the wrapped consumer, capturing now
   */
  public static <T, U> BiConsumer<T, U> wrapBiConsumer(BiConsumer<T, U> consumer) {
    Checks.notNull("consumer", consumer);
    ContextSnapshot snapshot = capture();
    return (t, u) -> {
      try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
        consumer.accept(t, u);
      }
    };
  }

  private static final class ContextExecutor implements Executor {
    private final Executor delegate;

    ContextExecutor(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable command) {
      delegate.execute(capture().wrap(Checks.notNull("command", command)));
    }

    @Override
    public String toString() {
      return "ContextPropagation.wrap(" + delegate + ")";
    }
  }
}
