package dev.reliability.health.checks;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionStatistics;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bounded {@link ConnectionRegistry} (WebSocket connections, say) as a health check: degraded
 * when the slots in use (connections plus reservations) reach {@link Builder#degradedAt(double)} of
 * the capacity (90% by default), because new clients are about to be refused; unhealthy only when
 * {@link Builder#unhealthyAt(double)} is set and reached (off by default: a full registry refuses
 * new connections cleanly, and the instance still serves the ones it holds).
 *
 * <p>Details: {@code registry}, {@code active}, {@code reserved}, {@code max_connections}, {@code
 * utilization} (0 to 1), {@code accepted}, {@code rejected} (by reason, lower case) and {@code
 * dropped_messages}; measurement {@code connections}. Reads the registry's lock-free statistics, so
 * a run costs a few counter reads. An {@link HealthCheckKind#INTERNAL} check. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * health.register("websocket-connections", ConnectionRegistryHealthCheck.of(connections));
 * }</pre>
 */
public final class ConnectionRegistryHealthCheck implements HealthCheck {

  private final ConnectionRegistry<?> registry;
  private final double degradedAt;
  private final double unhealthyAt;

  private ConnectionRegistryHealthCheck(Builder b) {
    this.registry = b.registry;
    this.degradedAt = b.degradedAt;
    this.unhealthyAt = b.unhealthyAt;
  }

  /**
   * Returns the check with the defaults: degraded at 90% of the capacity, never unhealthy.
   *
   * @param registry the registry
   * @return the check
   * @throws NullPointerException if {@code registry} is null
   */
  public static ConnectionRegistryHealthCheck of(ConnectionRegistry<?> registry) {
    return builder(registry).build();
  }

  /**
   * Starts a check.
   *
   * @param registry the registry
   * @return a new builder
   * @throws NullPointerException if {@code registry} is null
   */
  public static Builder builder(ConnectionRegistry<?> registry) {
    return new Builder(Checks.notNull("registry", registry));
  }

  @Override
  public HealthCheckResult check() {
    ConnectionStatistics stats = registry.statistics();
    int max = stats.maxConnections();
    int used = stats.active() + stats.reserved();
    double utilization = max == 0 ? 0 : (double) used / max;
    HealthStatus status = HealthStatus.HEALTHY;
    String state = "";
    if (utilization >= unhealthyAt) {
      status = HealthStatus.UNHEALTHY;
      state = "; at or over the unhealthy threshold of " + percent(unhealthyAt);
    } else if (utilization >= degradedAt) {
      status = HealthStatus.DEGRADED;
      state =
          used >= max
              ? "; full, new connections are refused"
              : "; near capacity (degraded at " + percent(degradedAt) + ")";
    }
    Map<String, Long> rejected = new LinkedHashMap<>();
    for (Map.Entry<RejectReason, Long> e : stats.rejected().entrySet()) {
      rejected.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
    }
    return HealthCheckResult.builder(status)
        .message(
            "connection registry "
                + stats.name()
                + ": "
                + stats.active()
                + " of "
                + max
                + " connections open"
                + (stats.reserved() > 0 ? ", " + stats.reserved() + " reserved" : "")
                + state)
        .detail("registry", stats.name())
        .detail("active", stats.active())
        .detail("reserved", stats.reserved())
        .detail("max_connections", max)
        .detail("utilization", utilization)
        .detail("accepted", stats.accepted())
        .detail("rejected", rejected)
        .detail("dropped_messages", stats.droppedMessages())
        .measurement("connections", stats.active(), "")
        .build();
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.INTERNAL;
  }

  /**
   * Returns true: the check reads only the registry's counters in memory, so the registry runs it
   * on every probe and a probe always shows the current state.
   *
   * @return true
   */
  @Override
  public boolean live() {
    return true;
  }

  @Override
  public String toString() {
    return "ConnectionRegistryHealthCheck["
        + registry.name()
        + ", degraded at "
        + percent(degradedAt)
        + (unhealthyAt > 1 ? "" : ", unhealthy at " + percent(unhealthyAt))
        + "]";
  }

  /** Builds a {@link ConnectionRegistryHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final ConnectionRegistry<?> registry;
    private double degradedAt = 0.9;
    private double unhealthyAt = Double.POSITIVE_INFINITY;

    private Builder(ConnectionRegistry<?> registry) {
      this.registry = registry;
    }

    /**
     * Sets the share of the capacity in use at which the check reports degraded. Default 0.9.
     *
     * @param fraction greater than 0, at most 1
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is out of range
     */
    public Builder degradedAt(double fraction) {
      Checks.check(fraction > 0 && fraction <= 1, "degradedAt", "in (0, 1]", fraction);
      this.degradedAt = fraction;
      return this;
    }

    /**
     * Sets the share of the capacity in use at which the check reports unhealthy. Default: never.
     *
     * @param fraction greater than 0, at most 1
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is out of range
     */
    public Builder unhealthyAt(double fraction) {
      Checks.check(fraction > 0 && fraction <= 1, "unhealthyAt", "in (0, 1]", fraction);
      this.unhealthyAt = fraction;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     * @throws IllegalArgumentException if the unhealthy threshold is below the degraded one
     */
    public ConnectionRegistryHealthCheck build() {
      Checks.check(
          unhealthyAt >= degradedAt,
          "unhealthyAt",
          "at least degradedAt (" + degradedAt + ")",
          unhealthyAt);
      return new ConnectionRegistryHealthCheck(this);
    }
  }
}
