package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.Jitter;

/**
 * The retry delay arithmetic: backoff, then jitter. Pure functions of their arguments, so property
 * tests can check the bounds for every input.
 *
 * <p>Internal: may change at any time.
 */
public final class Delays {

  private Delays() {}

  /**
   * Returns the delay before a retry.
   *
   * @param backoff the backoff
   * @param jitter the jitter
   * @param retry the retry number, 1 for the first retry
   * @param previousNanos the previous delay of the same call, or 0 before the first retry (only
   *     decorrelated jitter uses it)
   * @param uniform a random number in {@code [0, 1)}
   * @param initialNanos the backoff's initial delay in nanoseconds
   * @param maxNanos the backoff's maximum delay in nanoseconds
   * @return the delay in nanoseconds, between 0 and {@code maxNanos}
   */
  public static long next(
      Backoff backoff,
      Jitter jitter,
      int retry,
      long previousNanos,
      double uniform,
      long initialNanos,
      long maxNanos) {
    double u = uniform < 0.0 ? 0.0 : (uniform >= 1.0 ? Math.nextDown(1.0) : uniform);
    long d = backoff.delayNanos(retry);
    switch (jitter) {
      case NONE:
        return d;
      case FULL:
        return scale(d, u);
      case EQUAL:
        {
          long half = d / 2;
          return half + scale(d - half, u);
        }
      default:
        {
          long base = Math.min(initialNanos, maxNanos);
          long prev = previousNanos <= 0 ? base : previousNanos;
          long upper = prev > Long.MAX_VALUE / 3 ? Long.MAX_VALUE : prev * 3;
          upper = Math.min(upper, maxNanos);
          if (upper <= base) {
            return base;
          }
          return base + scale(upper - base, u);
        }
    }
  }

  private static long scale(long span, double u) {
    long v = (long) (span * u);
    return v < 0 ? 0 : Math.min(v, span);
  }
}
