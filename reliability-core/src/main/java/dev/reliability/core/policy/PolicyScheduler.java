package dev.reliability.core.policy;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.ExecutorScheduler;
import dev.reliability.core.policy.internal.SystemScheduler;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one clock and timer of a policy: it reads time for the circuit breaker, the rate limiter and
 * deadlines, waits between synchronous retries, and fires time limits and delayed asynchronous
 * retries.
 *
 * <p>{@link #system()} is the production scheduler. Tests use a {@code ManualScheduler}, whose time
 * only moves when the test advances it: an open breaker half-opens, a backoff wait ends and a time
 * limit fires exactly when the test says, without sleeping.
 *
 * <p>Implementations must be thread-safe.
 */
public interface PolicyScheduler {

  /**
   * Returns the time source every time reading of the policy uses.
   *
   * @return the time source
   */
  TimeSource timeSource();

  /**
   * Runs a task once after a delay, on a timer thread. Tasks must be short and must not block; the
   * policy hands real work to its executor.
   *
   * @param task the task
   * @param delayNanos the delay in nanoseconds of {@link #timeSource()}; zero or less means as soon
   *     as possible
   * @return a future whose {@code cancel} stops the task if it has not run yet
   */
  Future<?> schedule(Runnable task, long delayNanos);

  /**
   * Blocks the calling thread for a while, as {@link Thread#sleep(long)} does, by the time of
   * {@link #timeSource()}.
   *
   * @param nanos how long, in nanoseconds; zero or less returns at once
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleepNanos(long nanos) throws InterruptedException;

  /**
   * Returns the production scheduler: the system clock, {@link Thread#sleep(long)}, and one shared
   * daemon timer thread named {@code reliability-policy-timer}, started on first use (like the
   * JDK's own delayer thread behind {@code CompletableFuture.orTimeout}). Cancelled tasks are
   * removed from its queue at once.
   *
   * @return the shared system scheduler
   */
  static PolicyScheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /**
   * Returns a scheduler on the system clock that fires tasks on the given executor. The caller owns
   * the executor and shuts it down.
   *
   * @param executor the timer executor
   * @return the scheduler
   */
  static PolicyScheduler of(ScheduledExecutorService executor) {
    return new ExecutorScheduler(Checks.notNull("executor", executor));
  }
}
