package dev.reliability.health.internal;

import dev.reliability.core.time.TimeSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting against a {@link TimeSource}. With the system time source a wait lasts exactly as long as
 * asked; with any other source (a manual clock in tests) it waits in short real-time slices and
 * re-reads the source after each, so a test that advances the clock from another thread releases
 * the waiter within a few milliseconds and no test has to sleep.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
public final class Waits {

  /** The longest real-time slice when the time source is not the system's. */
  static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private Waits() {}

  /**
   * Returns how long to block in one go before re-reading the time source.
   *
   * @param time the time source
   * @param remainingNanos the time left, more than zero
   * @return the slice in nanoseconds
   */
  public static long sliceNanos(TimeSource time, long remainingNanos) {
    return time == TimeSource.system() ? remainingNanos : Math.min(remainingNanos, POLL_NANOS);
  }

  /**
   * Blocks until the time source reaches a deadline.
   *
   * @param time the time source
   * @param deadlineNanos the deadline, a {@link TimeSource#nanoTime()} reading
   * @throws InterruptedException if interrupted while waiting
   */
  public static void sleepUntil(TimeSource time, long deadlineNanos) throws InterruptedException {
    while (true) {
      long remaining = deadlineNanos - time.nanoTime();
      if (remaining <= 0) {
        return;
      }
      TimeUnit.NANOSECONDS.sleep(sliceNanos(time, remaining));
    }
  }

  /**
   * Waits for a future for at most one slice. With the system time source this is one timed wait
   * that wakes as soon as the future completes; with another source it parks for the slice without
   * registering as a waiter on the future, because hundreds of threads repeatedly timing out of
   * {@link CompletableFuture#get(long, TimeUnit)} on one future cost quadratic time.
   *
   * @param future the future
   * @param time the time source
   * @param remainingNanos the time left before the caller's deadline, more than zero
   * @return true if the future is done
   * @throws InterruptedException if interrupted while waiting
   */
  public static boolean awaitSlice(
      CompletableFuture<?> future, TimeSource time, long remainingNanos)
      throws InterruptedException {
    if (time != TimeSource.system()) {
      LockSupport.parkNanos(sliceNanos(time, remainingNanos));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      return future.isDone();
    }
    try {
      future.get(remainingNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return future.isDone();
    } catch (ExecutionException e) {
      return true;
    }
  }
}
