package dev.reliability.benchmarks.load;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Settling time of a sampled limit: when it entered, for good, a band around a target.
 *
 * <p>Stateless.
 */
final class Convergence {

  private Convergence() {}

  /**
   * The time, in seconds into the run, of the first sample after {@code after} from which every
   * later sample lies within {@code tolerance} of {@code target} (|limit - target| &lt;= tolerance
   * x target); empty when the last sample lies outside, when no sample follows {@code after}, or
   * when fewer than {@code minimumHold} samples at the end lie inside (a limit that only passes
   * through the band as the run ends has not settled). Sample {@code i} was taken at {@code (i + 1)
   * / samplesPerSecond} seconds. Negative samples (no limit) are outside every band.
   *
   * @param samples the limit, sampled at a fixed rate from the start of the run
   * @param samplesPerSecond the sampling rate
   * @param after seconds into the run from which to look (the time the knee moved)
   * @param target the limit the band is centred on
   * @param tolerance the band's half-width as a fraction of the target (0.25 for 25%)
   * @param minimumHold the fewest samples at the end of the run that must lie in the band
   */
  static OptionalDouble settledAt(
      int[] samples,
      int samplesPerSecond,
      double after,
      double target,
      double tolerance,
      int minimumHold) {
    int first = firstIndex(samplesPerSecond, after);
    int settled = -1;
    for (int i = samples.length - 1; i >= first; i--) {
      if (!within(samples[i], target, tolerance)) {
        break;
      }
      settled = i;
    }
    return settled < 0 || samples.length - settled < minimumHold
        ? OptionalDouble.empty()
        : OptionalDouble.of((double) (settled + 1) / samplesPerSecond);
  }

  /**
   * The time, in seconds into the run, of the first sample at or after {@code after} within {@code
   * tolerance} of {@code target}; empty if none is.
   */
  static OptionalDouble firstWithin(
      int[] samples, int samplesPerSecond, double after, double target, double tolerance) {
    for (int i = firstIndex(samplesPerSecond, after); i < samples.length; i++) {
      if (within(samples[i], target, tolerance)) {
        return OptionalDouble.of((double) (i + 1) / samplesPerSecond);
      }
    }
    return OptionalDouble.empty();
  }

  /**
   * The share (0 to 1) of the samples at or after {@code after} that lie within {@code tolerance}
   * of {@code target}; NaN if there are none.
   */
  static double shareWithin(
      int[] samples, int samplesPerSecond, double after, double target, double tolerance) {
    int first = firstIndex(samplesPerSecond, after);
    if (first >= samples.length) {
      return Double.NaN;
    }
    int in = 0;
    for (int i = first; i < samples.length; i++) {
      if (within(samples[i], target, tolerance)) {
        in++;
      }
    }
    return (double) in / (samples.length - first);
  }

  /**
   * The first index at or after {@code from} from which every later value is at most {@code
   * threshold}; empty when the last value is above it or when {@code from} is past the end.
   */
  static OptionalInt staysAtMostFrom(double[] values, int from, double threshold) {
    int settled = -1;
    for (int i = values.length - 1; i >= Math.max(0, from); i--) {
      if (!(values[i] <= threshold)) {
        break;
      }
      settled = i;
    }
    return settled < 0 ? OptionalInt.empty() : OptionalInt.of(settled);
  }

  private static int firstIndex(int samplesPerSecond, double after) {
    return Math.max(0, (int) Math.ceil(after * samplesPerSecond - 1e-9) - 1);
  }

  private static boolean within(int sample, double target, double tolerance) {
    return sample >= 0 && Math.abs(sample - target) <= tolerance * target;
  }
}
