package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link PolicyScheduler}: system time, {@link Thread#sleep}, one shared daemon
 * timer thread started on first use.
 *
 * <p>Internal: may change at any time.
 */
public enum SystemScheduler implements PolicyScheduler {
  /** The one instance. */
  INSTANCE;

  private static final class Timer {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread t = new Thread(task, "reliability-policy-timer");
                t.setDaemon(true);
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  @Override
  public TimeSource timeSource() {
    return TimeSource.system();
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    return Timer.EXECUTOR.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void sleepNanos(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } else if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  @Override
  public String toString() {
    return "PolicyScheduler.system()";
  }
}
