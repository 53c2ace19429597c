package dev.reliability.core.time;

import java.time.Instant;

/**
 * The one source of time for every component of this library that measures or waits.
 *
 * <p>Components take a {@code TimeSource} through their builders and default to {@link #system()}.
 * Tests pass a {@code ManualTimeSource} and advance it instead of sleeping, so a timeout, a
 * half-open transition or a leak trend can be observed exactly.
 *
 * <p>{@link #nanoTime()} is for measuring elapsed time (monotonic, arbitrary origin); {@link
 * #now()} is wall-clock time for timestamps shown to people. Implementations must be thread-safe
 * and must not block.
 */
public interface TimeSource {

  /**
   * Returns the current value of a monotonic clock in nanoseconds, with an arbitrary origin. Only
   * differences between two readings are meaningful.
   *
   * @return the monotonic time in nanoseconds
   */
  long nanoTime();

  /**
   * Returns the current wall-clock time.
   *
   * @return the current instant
   */
  Instant now();

  /**
   * Returns the current wall-clock time in milliseconds since the epoch. The default derives it
   * from {@link #now()}; the system source reads it without allocating.
   *
   * @return milliseconds since 1970-01-01T00:00:00Z
   */
  default long currentTimeMillis() {
    return now().toEpochMilli();
  }

  /**
   * Returns the time source backed by {@link System#nanoTime()} and {@link
   * System#currentTimeMillis()}.
   *
   * @return the shared system time source
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}
