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
 * Open file descriptors against the process's limit: degraded from 80% of the limit, unhealthy from
 * 95%. A descriptor leak (sockets or files never closed) shows here long before the process fails
 * with "Too many open files".
 *
 * <p>Reads the JVM's {@code UnixOperatingSystemMXBean}, or OSHI where that bean is missing; unknown
 * where neither can answer (Windows has no such limit). Details: {@code open_file_descriptors},
 * {@code max_file_descriptors}, {@code utilization}; measurement {@code utilization} in percent.
 *
 * <p>Immutable and thread-safe.
 */
public final class FileDescriptorHealthCheck implements HealthCheck {

  private final double degradedAt;
  private final double unhealthyAt;
  private final Supplier<long[]> reading;

  private FileDescriptorHealthCheck(Builder b) {
    this.degradedAt = b.degradedAt;
    this.unhealthyAt = b.unhealthyAt;
    this.reading = b.reading;
  }

  /**
   * Returns the check with the default thresholds.
   *
   * @return the check
   */
  public static FileDescriptorHealthCheck ofDefaults() {
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
    long open = r[0];
    long max = r[1];
    if (open < 0 || max <= 0) {
      return HealthCheckResult.unknown("file descriptor counts are not available on this platform");
    }
    double used = (double) open / max;
    HealthStatus status = Thresholds.atOrAbove(used, degradedAt, unhealthyAt);
    return HealthCheckResult.builder(status)
        .message(
            open
                + " of "
                + max
                + " file descriptors open ("
                + Thresholds.percent(used)
                + ")"
                + Thresholds.crossed(
                    status, Thresholds.percent(degradedAt), Thresholds.percent(unhealthyAt)))
        .detail("open_file_descriptors", open)
        .detail("max_file_descriptors", max)
        .detail("utilization", Thresholds.round2(used))
        .measurement("utilization", Thresholds.round2(used * 100), "percent")
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  /** Builds a {@link FileDescriptorHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private double degradedAt = 0.80;
    private double unhealthyAt = 0.95;
    private Supplier<long[]> reading = SystemResources::openFileDescriptors;

    private Builder() {}

    /**
     * Sets the share of the limit from which the check is degraded. Default 0.80.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder degradedAt(double fraction) {
      this.degradedAt = Checks.fraction("degradedAt", fraction);
      return this;
    }

    /**
     * Sets the share of the limit from which the check is unhealthy. Default 0.95.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder unhealthyAt(double fraction) {
      this.unhealthyAt = Checks.fraction("unhealthyAt", fraction);
      return this;
    }

    // For tests: {open, max}.
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
    public FileDescriptorHealthCheck build() {
      Thresholds.checkFractions("degradedAt", degradedAt, "unhealthyAt", unhealthyAt);
      return new FileDescriptorHealthCheck(this);
    }
  }
}
