package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.internal.SystemResources;
import dev.reliability.health.internal.Thresholds;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * CPU use and load: degraded when the host's (or container's) recent CPU use reaches 90%, or, if a
 * load threshold is set, when the one-minute load average per processor reaches it. Never unhealthy
 * by default: a busy CPU slows a service down but is no reason to restart it or take it out of
 * rotation; set {@link Builder#unhealthyAt(double)} to change that.
 *
 * <p>Reads the JVM's {@code OperatingSystemMXBean} (container-aware on Java 17). Details: {@code
 * process_cpu_percent}, {@code system_cpu_percent}, {@code load_average}, {@code processors};
 * measurement {@code utilization} in percent. Immutable and thread-safe.
 */
public final class CpuHealthCheck implements HealthCheck {

  private final double degradedAt;
  private final double unhealthyAt;
  private final double loadPerProcessorDegradedAt;
  private final DoubleSupplier processCpu;
  private final DoubleSupplier systemCpu;
  private final DoubleSupplier loadAverage;
  private final IntSupplier processors;

  private CpuHealthCheck(Builder b) {
    this.degradedAt = b.degradedAt;
    this.unhealthyAt = b.unhealthyAt;
    this.loadPerProcessorDegradedAt = b.loadPerProcessorDegradedAt;
    this.processCpu = b.processCpu;
    this.systemCpu = b.systemCpu;
    this.loadAverage = b.loadAverage;
    this.processors = b.processors;
  }

  /**
   * Returns the check with the default thresholds.
   *
   * @return the check
   */
  public static CpuHealthCheck ofDefaults() {
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
    double process = processCpu.getAsDouble();
    double system = systemCpu.getAsDouble();
    double load = loadAverage.getAsDouble();
    int cpus = Math.max(1, processors.getAsInt());
    if (Double.isNaN(system) && Double.isNaN(process)) {
      return HealthCheckResult.unknown("CPU use is not available on this platform");
    }
    double cpu = Double.isNaN(system) ? process : system;
    HealthStatus status = Thresholds.atOrAbove(cpu, degradedAt, unhealthyAt);
    String message = "CPU " + Thresholds.percent(cpu) + " in use";
    double perProcessor = load / cpus;
    if (!Double.isNaN(perProcessor) && perProcessor >= loadPerProcessorDegradedAt) {
      status = status.worst(HealthStatus.DEGRADED);
      message += ", load " + Thresholds.round2(perProcessor) + " per processor";
    }
    HealthCheckResult.Builder b =
        HealthCheckResult.builder(status)
            .message(message)
            .detail("processors", cpus)
            .measurement("utilization", Thresholds.round2(cpu * 100), "percent");
    if (!Double.isNaN(process)) {
      b.detail("process_cpu_percent", Thresholds.round2(process * 100));
    }
    if (!Double.isNaN(system)) {
      b.detail("system_cpu_percent", Thresholds.round2(system * 100));
    }
    if (!Double.isNaN(load)) {
      b.detail("load_average", Thresholds.round2(load));
    }
    return b.build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  /** Builds a {@link CpuHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private double degradedAt = 0.90;
    private double unhealthyAt = Double.POSITIVE_INFINITY;
    private double loadPerProcessorDegradedAt = Double.POSITIVE_INFINITY;
    private DoubleSupplier processCpu = SystemResources::processCpuLoad;
    private DoubleSupplier systemCpu = SystemResources::systemCpuLoad;
    private DoubleSupplier loadAverage = SystemResources::loadAverage;
    private IntSupplier processors = SystemResources::processors;

    private Builder() {}

    /**
     * Sets the CPU use from which the check is degraded. Default 0.90.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder degradedAt(double fraction) {
      this.degradedAt = Checks.fraction("degradedAt", fraction);
      return this;
    }

    /**
     * Sets the CPU use from which the check is unhealthy. Default: never.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder unhealthyAt(double fraction) {
      this.unhealthyAt = Checks.fraction("unhealthyAt", fraction);
      return this;
    }

    /**
     * Sets the one-minute load average per processor from which the check is degraded. Default:
     * load is not judged.
     *
     * @param load more than zero, such as 2.0
     * @return this builder
     */
    public Builder loadPerProcessorDegradedAt(double load) {
      Checks.check(load > 0, "loadPerProcessorDegradedAt", "more than 0", load);
      this.loadPerProcessorDegradedAt = load;
      return this;
    }

    // For tests: fractions of 0..1, load, processors.
    Builder readings(
        DoubleSupplier processCpu,
        DoubleSupplier systemCpu,
        DoubleSupplier loadAverage,
        IntSupplier processors) {
      this.processCpu = processCpu;
      this.systemCpu = systemCpu;
      this.loadAverage = loadAverage;
      this.processors = processors;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     * @throws IllegalArgumentException if unhealthyAt is below degradedAt
     */
    public CpuHealthCheck build() {
      Checks.check(
          unhealthyAt >= degradedAt,
          "unhealthyAt",
          "at least degradedAt (" + degradedAt + ")",
          unhealthyAt);
      return new CpuHealthCheck(this);
    }
  }
}
