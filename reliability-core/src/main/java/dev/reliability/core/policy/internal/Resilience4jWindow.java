package dev.reliability.core.policy.internal;

import io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics;
import io.github.resilience4j.core.metrics.Metrics;
import io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics;
import io.github.resilience4j.core.metrics.Snapshot;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A window that Resilience4j's public window classes keep: the time-based window ({@link
 * SlidingTimeWindowMetrics}, on the policy's clock) and count-based windows larger than {@link
 * CountWindow#MAX_SIZE} ({@link FixedSizeSlidingWindowMetrics}). The verdict applies Resilience4j's
 * rule (rates in percent as {@code float}, -1 below the minimum calls, a threshold reached when the
 * rate is at or above it), so the rule stays Resilience4j's. Both classes lock on each call; the
 * usual count-based window is a {@link CountWindow}, which does not.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
final class Resilience4jWindow implements Window {

  private final Metrics metrics;
  private final int minimumCalls;
  private final float failureRatePercent;
  private final float slowCallRatePercent;

  private Resilience4jWindow(
      Metrics metrics, int minimumCalls, float failureRatePercent, float slowCallRatePercent) {
    this.metrics = metrics;
    this.minimumCalls = minimumCalls;
    this.failureRatePercent = failureRatePercent;
    this.slowCallRatePercent = slowCallRatePercent;
  }

  /** A count-based window of {@code size} calls; the minimum is at most the size. */
  static Resilience4jWindow counting(
      int size, int minimumCalls, float failureRatePercent, float slowCallRatePercent) {
    return new Resilience4jWindow(
        new FixedSizeSlidingWindowMetrics(size),
        Math.min(minimumCalls, size),
        failureRatePercent,
        slowCallRatePercent);
  }

  /** A time-based window of {@code seconds} seconds on a clock. */
  static Resilience4jWindow timed(
      int seconds,
      Clock clock,
      int minimumCalls,
      float failureRatePercent,
      float slowCallRatePercent) {
    return new Resilience4jWindow(
        new SlidingTimeWindowMetrics(seconds, clock),
        minimumCalls,
        failureRatePercent,
        slowCallRatePercent);
  }

  /**
   * Shares this window's Resilience4j store, so outcomes recorded in either count in both; only the
   * thresholds differ. The minimum is clamped by the caller as at creation.
   */
  @Override
  public Resilience4jWindow withThresholds(
      int minimumCalls, float failureRatePercent, float slowCallRatePercent) {
    return new Resilience4jWindow(metrics, minimumCalls, failureRatePercent, slowCallRatePercent);
  }

  @Override
  public int add(int outcome, long nanos) {
    boolean slow = (outcome & CountWindow.SLOW) != 0;
    Metrics.Outcome o;
    if ((outcome & CountWindow.FAILURE) == CountWindow.FAILURE) {
      o = slow ? Metrics.Outcome.SLOW_ERROR : Metrics.Outcome.ERROR;
    } else {
      o = slow ? Metrics.Outcome.SLOW_SUCCESS : Metrics.Outcome.SUCCESS;
    }
    Snapshot s = metrics.record(nanos, TimeUnit.NANOSECONDS, o);
    float failureRate = failureRate(s);
    float slowCallRate = slowCallRate(s);
    if (failureRate == -1f || slowCallRate == -1f) {
      return TOO_FEW;
    }
    return failureRate >= failureRatePercent || slowCallRate >= slowCallRatePercent
        ? EXCEEDED
        : BELOW;
  }

  private float failureRate(Snapshot s) {
    int calls = s.getTotalNumberOfCalls();
    return calls == 0 || calls < minimumCalls ? -1f : s.getFailureRate();
  }

  private float slowCallRate(Snapshot s) {
    int calls = s.getTotalNumberOfCalls();
    return calls == 0 || calls < minimumCalls ? -1f : s.getSlowCallRate();
  }

  @Override
  public float failureRate() {
    return failureRate(metrics.getSnapshot());
  }

  @Override
  public float slowCallRate() {
    return slowCallRate(metrics.getSnapshot());
  }

  @Override
  public int bufferedCalls() {
    return metrics.getSnapshot().getTotalNumberOfCalls();
  }
}
