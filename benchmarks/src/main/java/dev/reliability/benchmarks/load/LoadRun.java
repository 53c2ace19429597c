package dev.reliability.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * What one limiter's run of a closed-loop load measured: per second, a latency histogram of the
 * successful admitted calls (microseconds) and the counts of successes, limiter rejections, 503
 * answers and errors; every 100 ms, the limiter's limit. The windows of the tables (steady state,
 * after the knee moved) are cut from these with {@code from} and {@code to} in seconds into the
 * run.
 *
 * <p>Immutable once built.
 */
final class LoadRun {

  /** Mean, minimum and maximum of the limit samples in a window; NaN when there are none. */
  record LimitStats(double mean, int min, int max) {}

  private final String limiter;
  private final List<Histogram> seconds;
  private final long[] successes;
  private final long[] rejections;
  private final long[] dropped;
  private final long[] errors;
  private final int[] limits;

  private LoadRun(Builder b) {
    this.limiter = b.limiter;
    this.seconds = List.copyOf(b.histograms);
    this.successes = toArray(b.successes);
    this.rejections = toArray(b.rejections);
    this.dropped = toArray(b.dropped);
    this.errors = toArray(b.errors);
    this.limits = b.limits.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The limiter's name. */
  String limiter() {
    return limiter;
  }

  /** Whole seconds measured. */
  int length() {
    return seconds.size();
  }

  /** Latency of the successful calls in seconds [from, to), microseconds. */
  Histogram latency(int from, int to) {
    Histogram sum = new Histogram(3);
    for (int s = Math.max(0, from); s < Math.min(to, seconds.size()); s++) {
      sum.add(seconds.get(s));
    }
    return sum;
  }

  /** The value at {@code percentile} (0 to 100) of second {@code s}, in ms; NaN if empty. */
  double percentileMillis(int s, double percentile) {
    Histogram h = seconds.get(s);
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** Successful admitted calls per second over seconds [from, to). */
  double goodput(int from, int to) {
    return perSecond(successes, from, to);
  }

  /** Successful admitted calls in second {@code s}. */
  long successesIn(int s) {
    return successes[s];
  }

  /** Calls sent to the server (successes, 503s, errors) in second {@code s}. */
  long sentIn(int s) {
    return successes[s] + dropped[s] + errors[s];
  }

  /** Limiter rejections in second {@code s}. */
  long rejectionsIn(int s) {
    return rejections[s];
  }

  /** Limiter rejections per second over seconds [from, to). */
  double rejectionRate(int from, int to) {
    return perSecond(rejections, from, to);
  }

  /** 503 answers per second over seconds [from, to). */
  double droppedRate(int from, int to) {
    return perSecond(dropped, from, to);
  }

  /** Errors (broken connections, other statuses) over seconds [from, to). */
  long errors(int from, int to) {
    long sum = 0;
    for (int s = Math.max(0, from); s < Math.min(to, errors.length); s++) {
      sum += errors[s];
    }
    return sum;
  }

  /** Calls sent to the server (admitted: successes, 503s, errors) per second in [from, to). */
  double sentRate(int from, int to) {
    return goodput(from, to) + droppedRate(from, to) + perSecond(errors, from, to);
  }

  /** The limit samples, one per 100 ms; sample {@code i} was taken at {@code (i + 1) / 10} s. */
  int[] limits() {
    return limits.clone();
  }

  /** Mean, minimum and maximum limit sampled in seconds (from, to]. */
  LimitStats limitStats(int from, int to) {
    return limitStats(limits, from, to);
  }

  /**
   * The first time, in seconds into the run, from which every limit sample at or after it (and at
   * or after {@code after}) stays within {@code tolerance} (0.25 for 25%) of {@code target}; empty
   * if the last sample is outside.
   */
  OptionalDouble settledAt(double after, double target, double tolerance) {
    return Convergence.settledAt(
        limits,
        ClosedLoopLoad.SAMPLES_PER_SECOND,
        after,
        target,
        tolerance,
        ClosedLoopLoad.SAMPLES_PER_SECOND);
  }

  /** The first time at or after {@code after} the limit was within the band, if ever. */
  OptionalDouble firstWithin(double after, double target, double tolerance) {
    return Convergence.firstWithin(
        limits, ClosedLoopLoad.SAMPLES_PER_SECOND, after, target, tolerance);
  }

  /** The share of the limit samples at or after {@code after} within the band. */
  double shareWithin(double after, double target, double tolerance) {
    return Convergence.shareWithin(
        limits, ClosedLoopLoad.SAMPLES_PER_SECOND, after, target, tolerance);
  }

  static LimitStats limitStats(int[] samples, int from, int to) {
    int first = Math.max(0, from * ClosedLoopLoad.SAMPLES_PER_SECOND);
    int last = Math.min(samples.length, to * ClosedLoopLoad.SAMPLES_PER_SECOND);
    long sum = 0;
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    int n = 0;
    for (int i = first; i < last; i++) {
      if (samples[i] < 0) {
        continue;
      }
      sum += samples[i];
      min = Math.min(min, samples[i]);
      max = Math.max(max, samples[i]);
      n++;
    }
    return n == 0 ? new LimitStats(Double.NaN, -1, -1) : new LimitStats((double) sum / n, min, max);
  }

  private static double perSecond(long[] counts, int from, int to) {
    int first = Math.max(0, from);
    int last = Math.min(to, counts.length);
    if (last <= first) {
      return Double.NaN;
    }
    long sum = 0;
    for (int s = first; s < last; s++) {
      sum += counts[s];
    }
    return (double) sum / (last - first);
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** Collects a run second by second. Not thread-safe: the sampling thread owns it. */
  static final class Builder {
    private final String limiter;
    private final List<Histogram> histograms;
    private final List<Long> successes = new ArrayList<>();
    private final List<Long> rejections = new ArrayList<>();
    private final List<Long> dropped = new ArrayList<>();
    private final List<Long> errors = new ArrayList<>();
    private final List<Integer> limits = new ArrayList<>();

    Builder(String limiter, int expectedSeconds) {
      this.limiter = limiter;
      this.histograms = new ArrayList<>(expectedSeconds);
    }

    Builder limitSample(int limit) {
      limits.add(limit);
      return this;
    }

    Builder second(Histogram latency, long ok, long rejected, long unavailable, long failed) {
      histograms.add(latency);
      successes.add(ok);
      rejections.add(rejected);
      dropped.add(unavailable);
      errors.add(failed);
      return this;
    }

    LoadRun build() {
      return new LoadRun(this);
    }
  }
}
