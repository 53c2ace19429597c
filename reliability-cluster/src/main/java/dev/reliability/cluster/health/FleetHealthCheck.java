package dev.reliability.cluster.health;

import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetStatus;
import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;

/**
 * The health of a {@link FleetEngine}'s connection: healthy while the limits are shared, degraded
 * (not unhealthy: the service still serves, on local shares) while the engine fails. Details: the
 * engine's name and kind, the status, since when, the fallbacks so far and the last failure
 * (redacted, at most 256 characters).
 *
 * <pre>{@code
 * registry.register("fleet", FleetHealthCheck.of(fleet));
 * }</pre>
 *
 * <p>A {@linkplain #live() live} check: it reads the engine's state in memory and never calls the
 * engine, so a probe cannot hang on it. A {@link HealthCheckKind#DEPENDENCY}: it stays off the
 * liveness probe. Immutable and thread-safe.
 */
public final class FleetHealthCheck implements HealthCheck {

  private final FleetEngine engine;

  private FleetHealthCheck(FleetEngine engine) {
    this.engine = engine;
  }

  /**
   * Returns the check of an engine.
   *
   * @param engine the engine
   * @return the check
   */
  public static FleetHealthCheck of(FleetEngine engine) {
    return new FleetHealthCheck(Checks.notNull("engine", engine));
  }

  @Override
  public HealthCheckResult check() {
    FleetStatus status = engine.status();
    HealthCheckResult.Builder result =
        status == FleetStatus.SHARED
            ? HealthCheckResult.builder(HealthStatus.HEALTHY).message("limits shared by the fleet")
            : HealthCheckResult.builder(HealthStatus.DEGRADED)
                .message("engine unavailable: limits use this instance's local shares");
    result
        .detail("engine", engine.name())
        .detail("backend", engine.engine())
        .detail("status", status.name().toLowerCase(java.util.Locale.ROOT))
        .detail("since", engine.statusSince().toString())
        .detail("fallbacks", engine.fallbacks());
    engine.lastFailure().ifPresent(f -> result.detail("lastFailure", f));
    return result.build();
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.DEPENDENCY;
  }

  @Override
  public boolean live() {
    return true;
  }
}
