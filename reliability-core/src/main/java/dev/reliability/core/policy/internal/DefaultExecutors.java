package dev.reliability.core.policy.internal;

import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor a policy runs time-limited attempts and asynchronous retries on when the user gives
 * none: a new virtual thread per task on Java 21 and later (reached reflectively, the code targets
 * Java 17), otherwise a cached pool of daemon threads that the policy shuts down on close. Neither
 * bounds its threads itself: the time limit bounds the synchronous attempts it hands over ({@code
 * max-concurrent-attempts}, counting attempts that run on after their time), so calls that ignore
 * the interrupt cannot take a thread each.
 *
 * <p>Internal: may change at any time.
 */
final class DefaultExecutors {

  private static final ThreadFactory VIRTUAL = virtualFactoryOrNull("reliability-policy-");

  private DefaultExecutors() {}

  /** Returns whether virtual threads are available. */
  static boolean virtualThreadsAvailable() {
    return VIRTUAL != null;
  }

  /**
   * Returns a new default executor for a policy.
   *
   * @param policy the policy's name, for thread names
   * @return the executor; an {@link ExecutorService} must be shut down by its owner
   */
  static Executor create(String policy) {
    ThreadFactory virtual = virtualFactoryOrNull("reliability-policy-" + policy + "-");
    if (virtual != null) {
      return new ThreadPerTask(virtual);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
              Thread t =
                  new Thread(task, "reliability-policy-" + policy + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return pool;
  }

  private static ThreadFactory virtualFactoryOrNull(String prefix) {
    try {
      Method ofVirtual = Thread.class.getMethod("ofVirtual");
      Object builder = ofVirtual.invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
      return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Starts a new thread per task. */
  private static final class ThreadPerTask implements Executor {
    private final ThreadFactory factory;

    ThreadPerTask(ThreadFactory factory) {
      this.factory = factory;
    }

    @Override
    public void execute(Runnable task) {
      factory.newThread(task).start();
    }

    @Override
    public String toString() {
      return "virtual thread per task";
    }
  }

  static boolean owned(Executor executor) {
    return executor instanceof ExecutorService;
  }
}
