package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PolicyScheduler} on the system clock that fires tasks on a user's executor.
 *
 * <p>Internal: may change at any time.
 */
public final class ExecutorScheduler implements PolicyScheduler {

  private final ScheduledExecutorService executor;

  /**
   * Creates the scheduler.
   *
   * @param executor the user's executor, not shut down by this class
   */
  public ExecutorScheduler(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @Override
  public TimeSource timeSource() {
    return TimeSource.system();
  }

  @Override
  public Future<?> schedule(Runnable task, long delayNanos) {
    return executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void sleepNanos(long nanos) throws InterruptedException {
    SystemScheduler.INSTANCE.sleepNanos(nanos);
  }

  @Override
  public String toString() {
    return "PolicyScheduler.of(" + executor + ")";
  }
}
