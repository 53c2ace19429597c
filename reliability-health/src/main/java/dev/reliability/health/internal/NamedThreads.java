package dev.reliability.health.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates daemon threads named {@code <prefix>-<n>}, so a thread dump shows which registry and
 * which role a thread belongs to.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class NamedThreads implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();

  /**
   * Creates the factory.
   *
   * @param prefix the name prefix, such as {@code reliability-health-orders-check}
   */
  public NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}
