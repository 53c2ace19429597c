package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.internal.SystemResources;
import dev.reliability.health.internal.Thresholds;
import java.util.function.Supplier;

/**
 * The host's (or container's) physical memory in use: degraded from 90%, unhealthy from 95%. "In
 * use" is everything that is not available, where available counts reclaimable caches, as OSHI
 * reads it ({@code MemAvailable} on Linux); without OSHI, the JVM's free-memory figure is used.
 *
 * <p>Details: {@code available_mb}, {@code total_mb}, {@code utilization}; measurement {@code
 * utilization} in percent. Immutable and thread-safe.
 */
public final class SystemMemoryHealthCheck implements HealthCheck {

  private final double degradedAt;
  private final double unhealthyAt;
  private final Supplier<long[]> reading;

  private SystemMemoryHealthCheck(Builder b) {
    this.degradedAt = b.degradedAt;
    this.unhealthyAt = b.unhealthyAt;
    this.reading = b.reading;
  }

  /**
   * Returns the check with the default thresholds.
   *
   * @return the check
   */
  public static SystemMemoryHealthCheck ofDefaults() {
    return builder().build();
  }

  /**
   * Starts a check.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public HealthCheckResult check() {
    long[] r = reading.get();
    long available = r[0];
    long total = r[1];
    if (available < 0 || total <= 0) {
      return HealthCheckResult.unknown("system memory is not available on this platform");
    }
    double used = 1.0 - (double) available / total;
    HealthStatus status = Thresholds.atOrAbove(used, degradedAt, unhealthyAt);
    return HealthCheckResult.builder(status)
        .message(
            "system memory "
                + Thresholds.percent(used)
                + " in use, "
                + Thresholds.mib(available)
                + " MiB available"
                + Thresholds.crossed(
                    status, Thresholds.percent(degradedAt), Thresholds.percent(unhealthyAt)))
        .detail("available_mb", Thresholds.mib(available))
        .detail("total_mb", Thresholds.mib(total))
        .detail("utilization", Thresholds.round2(used))
        .measurement("utilization", Thresholds.round2(used * 100), "percent")
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  /** Builds a {@link SystemMemoryHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private double degradedAt = 0.90;
    private double unhealthyAt = 0.95;
    private Supplier<long[]> reading = SystemResources::systemMemory;

    private Builder() {}

    /**
     * Sets the share in use from which the check is degraded. Default 0.90.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder degradedAt(double fraction) {
      this.degradedAt = Checks.fraction("degradedAt", fraction);
      return this;
    }

    /**
     * Sets the share in use from which the check is unhealthy. Default 0.95.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder unhealthyAt(double fraction) {
      this.unhealthyAt = Checks.fraction("unhealthyAt", fraction);
      return this;
    }

    // For tests: {available, total} in bytes.
    Builder reading(Supplier<long[]> reading) {
      this.reading = reading;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     * @throws IllegalArgumentException if unhealthyAt is below degradedAt
     */
    public SystemMemoryHealthCheck build() {
      Thresholds.checkFractions("degradedAt", degradedAt, "unhealthyAt", unhealthyAt);
      return new SystemMemoryHealthCheck(this);
    }
  }
}
