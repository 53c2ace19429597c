package dev.reliability.benchmarks.load;

import java.util.OptionalDouble;

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
   * x target); empty when the last sample lies outside, or when no sample follows {@code after}.
   * Sample {@code i} was taken at {@code (i + 1) / samplesPerSecond} seconds. Negative samples (no
   * limit) are outside every band.
   *
   * @param samples the limit, sampled at a fixed rate from the start of the run
   * @param samplesPerSecond the sampling rate
   * @param after seconds into the run from which to look (the time the knee moved)
   * @param target the limit the band is centred on
   * @param tolerance the band's half-width as a fraction of the target (0.25 for 25%)
   */
  static OptionalDouble settledAt(
      int[] samples, int samplesPerSecond, double after, double target, double tolerance) {
    int first = (int) Math.ceil(after * samplesPerSecond - 1e-9) - 1;
    first = Math.max(0, first);
    if (first >= samples.length) {
      return OptionalDouble.empty();
    }
    double band = tolerance * target;
    int settled = -1;
    for (int i = samples.length - 1; i >= first; i--) {
      if (samples[i] < 0 || Math.abs(samples[i] - target) > band) {
        break;
      }
      settled = i;
    }
    return settled < 0
        ? OptionalDouble.empty()
        : OptionalDouble.of((double) (settled + 1) / samplesPerSecond);
  }
}
