package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.internal.Thresholds;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JVM's memory pools against thresholds: degraded when any pool reaches 90% of its maximum,
 * unhealthy at 98%.
 *
 * <p>Heap pools are judged by their use <em>after the last garbage collection</em> (the JVM's
 * collection usage), because the heap fills with garbage between collections and only what survives
 * a collection shows pressure; before the first collection they count as empty. Non-heap pools with
 * a maximum (code cache, compressed class space) are judged by their current use; pools without a
 * maximum (metaspace by default) are shown but not judged. Details: {@code heap_used_mb}, {@code
 * heap_max_mb}, and per pool {@code used_mb}, {@code max_mb}, {@code utilization}; measurement
 * {@code utilization} of the fullest pool in percent. Immutable and thread-safe.
 */
public final class JvmMemoryHealthCheck implements HealthCheck {

  private final double degradedAt;
  private final double unhealthyAt;
  private final Supplier<List<Pool>> pools;

  private JvmMemoryHealthCheck(Builder b) {
    this.degradedAt = b.degradedAt;
    this.unhealthyAt = b.unhealthyAt;
    this.pools = b.pools;
  }

  /**
   * Returns the check with the default thresholds.
   *
   * @return the check
   */
  public static JvmMemoryHealthCheck ofDefaults() {
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

  /** One memory pool as read: current use, maximum (-1 if none) and use after the last GC. */
  record Pool(String name, boolean heap, long used, long max, long usedAfterGc) {}

  @Override
  public HealthCheckResult check() {
    HealthStatus status = HealthStatus.HEALTHY;
    String fullest = null;
    double fullestShare = 0;
    long heapUsed = 0;
    long heapMax = 0;
    Map<String, Object> details = new LinkedHashMap<>();
    for (Pool p : pools.get()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("used_mb", Thresholds.mib(p.used()));
      if (p.heap()) {
        heapUsed += p.used();
        heapMax += Math.max(0, p.max());
      }
      if (p.max() > 0) {
        d.put("max_mb", Thresholds.mib(p.max()));
        double judged = (double) (p.heap() ? Math.max(0, p.usedAfterGc()) : p.used()) / p.max();
        d.put("utilization", Thresholds.round2(judged));
        HealthStatus s = Thresholds.atOrAbove(judged, degradedAt, unhealthyAt);
        status = status.worst(s);
        if (judged >= fullestShare) {
          fullestShare = judged;
          fullest = p.name();
        }
      }
      details.put(p.name(), d);
    }
    String message =
        fullest == null
            ? "no memory pool has a maximum"
            : "fullest pool "
                + fullest
                + " at "
                + Thresholds.percent(fullestShare)
                + Thresholds.crossed(
                    status, Thresholds.percent(degradedAt), Thresholds.percent(unhealthyAt));
    return HealthCheckResult.builder(status)
        .message(message)
        .detail("heap_used_mb", Thresholds.mib(heapUsed))
        .detail("heap_max_mb", Thresholds.mib(heapMax))
        .detail("pools", details)
        .measurement("utilization", Thresholds.round2(fullestShare * 100), "percent")
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.SYSTEM;
  }

  private static List<Pool> readPools() {
    List<Pool> list = new ArrayList<>();
    for (MemoryPoolMXBean bean : ManagementFactory.getMemoryPoolMXBeans()) {
      if (!bean.isValid()) {
        continue;
      }
      MemoryUsage usage = bean.getUsage();
      MemoryUsage afterGc =
          bean.isCollectionUsageThresholdSupported() ? bean.getCollectionUsage() : null;
      list.add(
          new Pool(
              bean.getName(),
              bean.getType() == MemoryType.HEAP,
              usage.getUsed(),
              usage.getMax(),
              afterGc == null ? 0 : afterGc.getUsed()));
    }
    return list;
  }

  /** Builds a {@link JvmMemoryHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private double degradedAt = 0.90;
    private double unhealthyAt = 0.98;
    private Supplier<List<Pool>> pools = JvmMemoryHealthCheck::readPools;

    private Builder() {}

    /**
     * Sets the share of a pool's maximum from which the check is degraded. Default 0.90.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder degradedAt(double fraction) {
      this.degradedAt = Checks.fraction("degradedAt", fraction);
      return this;
    }

    /**
     * Sets the share of a pool's maximum from which the check is unhealthy. Default 0.98.
     *
     * @param fraction between 0.0 and 1.0
     * @return this builder
     */
    public Builder unhealthyAt(double fraction) {
      this.unhealthyAt = Checks.fraction("unhealthyAt", fraction);
      return this;
    }

    // For tests.
    Builder pools(Supplier<List<Pool>> pools) {
      this.pools = pools;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     * @throws IllegalArgumentException if unhealthyAt is below degradedAt
     */
    public JvmMemoryHealthCheck build() {
      Thresholds.checkFractions("degradedAt", degradedAt, "unhealthyAt", unhealthyAt);
      return new JvmMemoryHealthCheck(this);
    }
  }
}
