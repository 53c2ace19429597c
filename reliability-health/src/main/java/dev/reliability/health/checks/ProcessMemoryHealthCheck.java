package dev.reliability.health.checks;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.config.ValueParsers;
import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthSettings;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.internal.SystemResources;
import dev.reliability.health.internal.Thresholds;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The process's resident memory (RSS, as OSHI reads it) against a threshold: degraded above {@code
 * reliability.health.memory-threshold} (default 500 MiB, the older {@code
 * HEALTH_MEMORY_THRESHOLD_MB}), and unhealthy above an optional second threshold.
 *
 * <p>Resident memory includes the heap, metaspace, thread stacks, direct buffers and native
 * allocations, so it catches leaks the heap check cannot see. Size the threshold to the container's
 * memory limit (for example 80% of it); 500 MiB suits small services only. Details: {@code
 * memory_mb}, {@code threshold_mb}; measurement {@code memory} in MiB. Unknown where resident
 * memory cannot be read. Immutable and thread-safe.
 */
public final class ProcessMemoryHealthCheck implements HealthCheck {

  private static final long MIB = 1024L * 1024L;
  private static final long MAX_THRESHOLD = 1L << 50;

  /** The prefix of the check's setting. */
  public static final String CONFIG_PREFIX = HealthSettings.PREFIX;

  /** The resident memory above which the check is degraded; bare numbers are megabytes. */
  public static final Setting<Long> MEMORY_THRESHOLD =
      Setting.of("memory-threshold", "size", ProcessMemoryHealthCheck::parseThreshold)
          .defaultValue(500 * MIB)
          .rule(
              v -> v >= MIB && v <= MAX_THRESHOLD,
              "a size between 1MB and 1024TB such as 500MB or 2GB (a bare number is megabytes)")
          .description("Resident memory above which the process-memory check is degraded")
          .build();

  /** Bare numbers are megabytes; anything else is a size with its unit. */
  private static long parseThreshold(String text) {
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return ValueParsers.parseSize(text + "MB");
    }
    return ValueParsers.parseSize(text);
  }

  /** Every setting declared here. */
  public static final List<Setting<?>> SETTINGS = List.of(MEMORY_THRESHOLD);

  private final long degradedAbove;
  private final long unhealthyAbove;
  private final DoubleSupplier reading;

  private ProcessMemoryHealthCheck(
      long degradedAbove, long unhealthyAbove, DoubleSupplier reading) {
    this.degradedAbove = degradedAbove;
    this.unhealthyAbove = unhealthyAbove;
    this.reading = reading;
  }

  /**
   * Returns the check with the threshold from configuration or 500 MiB.
   *
   * @return the check
   * @throws ConfigurationException if the configured threshold is invalid
   */
  public static ProcessMemoryHealthCheck ofDefaults() {
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

  /**
   * Returns the threshold in force.
   *
   * @return bytes of resident memory above which the check is degraded
   */
  public long threshold() {
    return degradedAbove;
  }

  @Override
  public HealthCheckResult check() {
    double rss = reading.getAsDouble();
    if (Double.isNaN(rss)) {
      return HealthCheckResult.unknown("resident memory is not available on this platform");
    }
    HealthStatus status =
        rss > unhealthyAbove
            ? HealthStatus.UNHEALTHY
            : rss > degradedAbove ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    double mb = Thresholds.mib(rss);
    String message = "resident memory " + mb + " MiB";
    if (status == HealthStatus.DEGRADED) {
      message += ", above the threshold of " + Thresholds.mib(degradedAbove) + " MiB";
    } else if (status == HealthStatus.UNHEALTHY) {
      message += ", above the unhealthy threshold of " + Thresholds.mib(unhealthyAbove) + " MiB";
    }
    return HealthCheckResult.builder(status)
        .message(message)
        .detail("memory_mb", mb)
        .detail("threshold_mb", Thresholds.mib(degradedAbove))
        .measurement("memory", mb, "MiB")
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  /** Builds a {@link ProcessMemoryHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private Long threshold;
    private long unhealthyAbove = Long.MAX_VALUE;
    private ConfigSource configSource = ConfigSource.standard();
    private DoubleSupplier reading = SystemResources::residentMemoryBytes;

    private Builder() {}

    /**
     * Sets the resident memory above which the check is degraded. Default 500 MiB; configuration
     * overrides it.
     *
     * @param bytes 1 MiB to 1024 TiB ({@link #MEMORY_THRESHOLD})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder threshold(long bytes) {
      this.threshold = MEMORY_THRESHOLD.check(bytes);
      return this;
    }

    /**
     * Sets the resident memory above which the check is unhealthy. Default: never.
     *
     * @param bytes at least 1 MiB
     * @return this builder
     */
    public Builder unhealthyAbove(long bytes) {
      Checks.check(bytes >= MIB, "unhealthyAbove", "at least 1MB", bytes);
      this.unhealthyAbove = bytes;
      return this;
    }

    /**
     * Sets where {@code reliability.health.memory-threshold} is read from. Default {@link
     * ConfigSource#standard()}.
     *
     * @param source the source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("configSource", source);
      return this;
    }

    // For tests: resident bytes, NaN when unavailable.
    Builder reading(DoubleSupplier reading) {
      this.reading = reading;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     * @throws ConfigurationException if the configured threshold is invalid
     * @throws IllegalArgumentException if the unhealthy threshold is below the threshold
     */
    public ProcessMemoryHealthCheck build() {
      ConfigBinder config = ConfigBinder.of(configSource, HealthSettings.PREFIX);
      long degraded = config.get(MEMORY_THRESHOLD, threshold);
      config.throwIfInvalid();
      Checks.check(
          unhealthyAbove >= degraded,
          "unhealthyAbove",
          "at least memory-threshold (" + degraded + ")",
          unhealthyAbove);
      return new ProcessMemoryHealthCheck(degraded, unhealthyAbove, reading);
    }
  }
}
