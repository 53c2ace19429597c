package dev.reliability.test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Measures the CPU time one call takes on the calling thread, for tests that bound the cost of
 * hostile input (fuzz tests, linear-time checks): wall-clock time would count the scheduler's
 * pauses and other threads' work.
 *
 * <p>{@link #measure(long, Supplier)} runs the call once and, when that run reaches the bound, once
 * more and reports the second run: a one-time cost (class loading, a fuzzer's instrumentation,
 * deoptimisation) is not the input's fault, while a slow input is slow the second time too.
 *
 * <p>Thread CPU time must be supported by the JVM (it is on HotSpot on Linux, macOS and Windows).
 * Stateless and thread-safe: each call measures its own thread.
 */
public final class CpuTime {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final CpuTime THREAD = new CpuTime(THREADS::getCurrentThreadCpuTime);

  private final LongSupplier clock;

  CpuTime(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * A call's value and the CPU time it took.
   *
   * @param value what the first run returned
   * @param nanos CPU nanoseconds of the run that counts: the first, or the second when the first
   *     reached the bound
   * @param <T> the value's type
   */
  public record Measured<T>(T value, long nanos) {}

  /**
   * Runs {@code call} on this thread and returns its value and CPU time; when the first run takes
   * {@code boundNanos} or more, runs it again and reports the second run's time.
   *
   * @param boundNanos the CPU time at which a run counts as slow, more than 0
   * @param call the work to measure; it runs once or twice
   * @param <T> the value's type
   * @return the first run's value and the time of the run that counts
   */
  public static <T> Measured<T> measure(long boundNanos, Supplier<T> call) {
    return THREAD.run(boundNanos, call);
  }

  /**
   * Returns whether this JVM measures the CPU time of the current thread.
   *
   * @return true when {@link #measure} reports real CPU time
   */
  public static boolean isSupported() {
    return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
  }

  <T> Measured<T> run(long boundNanos, Supplier<T> call) {
    if (boundNanos <= 0) {
      throw new IllegalArgumentException("boundNanos must be more than 0, was " + boundNanos);
    }
    long start = clock.getAsLong();
    T value = call.get();
    long nanos = clock.getAsLong() - start;
    if (nanos >= boundNanos) {
      start = clock.getAsLong();
      call.get();
      nanos = clock.getAsLong() - start;
    }
    return new Measured<>(value, nanos);
  }
}
