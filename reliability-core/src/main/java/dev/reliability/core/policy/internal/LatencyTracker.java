package dev.reliability.core.policy.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent latencies of a policy's runs, in log-linear buckets, for a percentile such as the hedge
 * delay. Lock-free and allocation-free after construction.
 *
 * <p><b>Buckets.</b> Latencies are kept in microseconds: values below 16 have a bucket each; above,
 * each power of two is split into 16 buckets, so a bucket's width is at most 1/16 of its lower
 * bound (a percentile is read at most 6.25% high). Values beyond about 19 hours share the last
 * bucket.
 *
 * <p><b>Decay.</b> Time is cut into windows of a fixed length; window {@code e} is {@code (now -
 * origin) / window}. Two banks of buckets take turns by the parity of {@code e}. Each cell holds
 * its window's number (high 40 bits) and a count (low 24 bits, saturating), so a cell left from an
 * older window reads as zero and is reset by the next sample: no thread ever clears a bank.
 * Percentiles read the current and the previous window, so a sample counts for one to two windows.
 *
 * <p><b>The compare-and-set of a cell, and its invariant:</b> a cell changes only from {@code (e,
 * n)} to {@code (e, n + 1)} (a sample of window {@code e}, below saturation) or from {@code (d, n)}
 * with {@code d < e} to {@code (e, 1)} (the first sample of a newer window). So a cell's window
 * never goes back, a count is never lost to a concurrent sample of the same window, and a count of
 * a window is never added to another window's. A sample whose window is older than the cell's is
 * dropped (its time was read before a newer sample's). {@code LatencyTrackerModelCheckTest} checks
 * this with Lincheck.
 *
 * <p>Reads are not a snapshot: a percentile computed while samples arrive sees some of them, which
 * is all a delay needs.
 *
 * <p>Internal: may change at any time.
 */
final class LatencyTracker {

  static final int SUB_BITS = 4;
  static final int SUB = 1 << SUB_BITS;
  private static final int MAX_EXPONENT = 36;

  /** Buckets per bank. */
  static final int BUCKETS = SUB + (MAX_EXPONENT - SUB_BITS) * SUB;

  private static final int COUNT_BITS = 24;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

  private final AtomicLongArray cells = new AtomicLongArray(2 * BUCKETS);
  private final long origin;
  private final long windowNanos;

  /**
   * Creates a tracker.
   *
   * @param origin the time the first window starts, in nanoseconds of the policy's time source
   * @param windowNanos the window's length
   */
  LatencyTracker(long origin, long windowNanos) {
    this.origin = origin;
    this.windowNanos = windowNanos;
  }

  /** Returns the bucket of a latency. */
  static int bucket(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    if (micros < SUB) {
      return (int) micros;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(micros);
    if (exponent >= MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
    return SUB + (exponent - SUB_BITS) * SUB + sub;
  }

  /** Returns the highest latency in nanoseconds that falls into a bucket. */
  static long upperBoundNanos(int bucket) {
    if (bucket < SUB) {
      return bucket * 1000L + 999;
    }
    int exponent = (bucket - SUB) / SUB + SUB_BITS;
    long sub = (bucket - SUB) % SUB;
    long lowMicros = (SUB + sub) << (exponent - SUB_BITS);
    long width = 1L << (exponent - SUB_BITS);
    return (lowMicros + width) * 1000L - 1;
  }

  long window(long now) {
    long e = (now - origin) / windowNanos;
    return Math.max(0, e);
  }

  /**
   * Records one latency.
   *
   * @param nanos the latency
   * @param now the time it ended
   */
  void record(long nanos, long now) {
    recordInWindow(bucket(nanos), window(now));
  }

  /** Records a sample of window {@code e} into a bucket; the cell's compare-and-set loop. */
  void recordInWindow(int bucket, long e) {
    int i = (int) (e & 1) * BUCKETS + bucket;
    while (true) {
      long cell = cells.get(i);
      long w = cell >>> COUNT_BITS;
      long next;
      if (w == e) {
        if ((cell & COUNT_MASK) == COUNT_MASK) {
          return; // saturated
        }
        next = cell + 1;
      } else if (w < e) {
        next = (e << COUNT_BITS) | 1;
      } else {
        return; // the cell already belongs to a newer window
      }
      if (cells.compareAndSet(i, cell, next)) {
        return;
      }
    }
  }

  /** Returns the samples of window {@code e} in a bucket. */
  long countInWindow(int bucket, long e) {
    if (e < 0) {
      return 0;
    }
    long cell = cells.get((int) (e & 1) * BUCKETS + bucket);
    return (cell >>> COUNT_BITS) == e ? cell & COUNT_MASK : 0;
  }

  /**
   * Returns the number of samples of the current and the previous window.
   *
   * @param now the current time
   * @return the count
   */
  long count(long now) {
    long e = window(now);
    long total = 0;
    for (int b = 0; b < BUCKETS; b++) {
      total += countInWindow(b, e) + countInWindow(b, e - 1);
    }
    return total;
  }

  /**
   * Returns a percentile of the current and the previous window's samples.
   *
   * @param percentile the fraction, such as 0.95
   * @param minSamples the samples needed
   * @param now the current time
   * @return the upper bound of the percentile's bucket in nanoseconds, or -1 with fewer samples
   */
  long percentileNanos(double percentile, long minSamples, long now) {
    long e = window(now);
    long total = count(now);
    if (total < minSamples || total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(percentile * total);
    long seen = 0;
    int last = 0;
    for (int b = 0; b < BUCKETS; b++) {
      long n = countInWindow(b, e) + countInWindow(b, e - 1);
      if (n > 0) {
        seen += n;
        last = b;
        if (seen >= rank) {
          return upperBoundNanos(b);
        }
      }
    }
    // The windows moved between the two passes: the highest bucket still holding samples.
    return upperBoundNanos(last);
  }
}
