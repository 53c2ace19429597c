package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.leak.GaugeTrend;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakReport;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link LeakDetector}'s verdict as a health check: degraded while a leak is suspected or
 * confirmed (or post-GC heap usage is over the detector's threshold), unhealthy when a leaking
 * gauge is projected to be exhausted sooner than the horizon (default: the detector's {@code
 * exhaustion-horizon}, 15 minutes), healthy otherwise, including during the detector's warm-up. A
 * started detector whose report is {@linkplain LeakReport#stale() stale} (no sample completed for
 * {@value LeakDetector#STALE_AFTER_INTERVALS} sample intervals) makes the check at least degraded,
 * with a message that starts with since when, such as {@code "leak report stale since
 * 2026-03-01T10:15:30Z: no sample has completed for 15s (3 sample intervals); last report: no leak
 * suspected"}: the last verdict can no longer be trusted, but a detector that cannot sample is no
 * reason to take the instance out of service.
 *
 * <p>The message is the detector's diagnosis; the details are the whole {@link LeakReport} ({@code
 * state}, {@code kinds}, {@code diagnosis}, {@code time_to_exhaustion_seconds}, {@code
 * heap_threshold_exceeded}, every gauge's trend and evidence, and the latest {@code suspects} and
 * {@code allocation_sites} when they were taken), so the detailed health view shows what leaks.
 * Measurement {@code heap_growth} in bytes per minute when the heap is watched.
 *
 * <p>Reads the detector's latest report and costs nothing; the detector samples on its own thread.
 * A leak does not heal, so a restart is a stop-gap: register it on liveness only if a leaking
 * instance should be restarted before it fails. Immutable and thread-safe.
 *
 * <pre>{@code
 * registry.register("leaks", LeakDetectorHealthCheck.of(detector));
 * }</pre>
 */
public final class LeakDetectorHealthCheck implements HealthCheck {

  private final LeakDetector detector;
  private final Duration horizon;

  private LeakDetectorHealthCheck(Builder b) {
    this.detector = b.detector;
    this.horizon = b.horizon == null ? b.detector.config().exhaustionHorizon() : b.horizon;
  }

  /**
   * Returns the check for a detector with its configured exhaustion horizon.
   *
   * @param detector the detector, started by its owner
   * @return the check
   * @throws NullPointerException if {@code detector} is null
   */
  public static LeakDetectorHealthCheck of(LeakDetector detector) {
    return builder(detector).build();
  }

  /**
   * Starts a check.
   *
   * @param detector the detector, started by its owner
   * @return a new builder
   * @throws NullPointerException if {@code detector} is null
   */
  public static Builder builder(LeakDetector detector) {
    return new Builder(Checks.notNull("detector", detector));
  }

  /**
   * Returns the projected time to exhaustion below which the check is unhealthy.
   *
   * @return the horizon
   */
  public Duration horizon() {
    return horizon;
  }

  @Override
  public HealthCheckResult check() {
    LeakReport report = detector.report();
    Optional<GaugeTrend> nearest = report.nearestExhaustion();
    HealthStatus status = HealthStatus.HEALTHY;
    String message = report.diagnosis();
    if (report.state().isLeak()) {
      status = HealthStatus.DEGRADED;
      if (nearest.isPresent() && nearest.get().timeToExhaustion().get().compareTo(horizon) < 0) {
        status = HealthStatus.UNHEALTHY;
      }
      if (nearest.isPresent()) {
        message +=
            "; "
                + nearest.get().name()
                + " exhausted in about "
                + DurationText.format(
                    Duration.ofSeconds(
                        Math.max(1, nearest.get().timeToExhaustion().get().toSeconds())));
      }
    }
    if (report.heapThresholdExceeded()) {
      status = status.worst(HealthStatus.DEGRADED);
      message +=
          "; heap usage after GC is over the threshold of "
              + report.heapThreshold() / (1024 * 1024)
              + " MB";
    }
    if (report.stale()) {
      status = status.worst(HealthStatus.DEGRADED);
      message = report.staleness() + "; last report: " + message;
    }
    HealthCheckResult.Builder result =
        HealthCheckResult.builder(status).message(message).details(report.toMap());
    report
        .heap()
        .ifPresent(
            heap ->
                result.measurement(
                    "heap_growth", Math.round(heap.growthPerMinute()), "bytes per minute"));
    return result.build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.INTERNAL;
  }

  /**
   * Returns true: the check reads only the detector's latest report in memory, so the registry runs
   * it on every probe and a probe always shows the current state.
   *
   * @return true
   */
  @Override
  public boolean live() {
    return true;
  }

  @Override
  public String toString() {
    return "LeakDetectorHealthCheck["
        + detector.name()
        + ", horizon "
        + DurationText.format(horizon)
        + "]";
  }

  /** Builds a {@link LeakDetectorHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final LeakDetector detector;
    private Duration horizon;

    private Builder(LeakDetector detector) {
      this.detector = detector;
    }

    /**
     * Sets the projected time to exhaustion below which the check is unhealthy. Default: the
     * detector's {@code exhaustion-horizon}.
     *
     * @param horizon zero (never unhealthy) or longer
     * @return this builder
     * @throws IllegalArgumentException if {@code horizon} is negative
     */
    public Builder horizon(Duration horizon) {
      this.horizon = Checks.notNegative("horizon", horizon);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public LeakDetectorHealthCheck build() {
      return new LeakDetectorHealthCheck(this);
    }
  }
}
