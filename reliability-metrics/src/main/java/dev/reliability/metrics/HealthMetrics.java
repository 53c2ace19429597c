package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthListener;
import dev.reliability.health.HealthStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Optional;

/**
 * Meters of a {@link HealthCheckRegistry}: the status of every check and of the three probes as
 * numbers that order from best to worst, so {@code max} aggregates to the worst.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.health.check.status}</td><td>gauge</td><td>{@code check}</td>
 *       <td>the check's last status: 0 healthy, 1 degraded, 2 unknown (also: not run yet), 3
 *       unhealthy; NaN once the check is unregistered</td></tr>
 *   <tr><td>{@code reliability.health.check.duration}</td><td>gauge, seconds</td><td>{@code
 *       check}</td><td>how long the check's last run took; NaN before the first run</td></tr>
 *   <tr><td>{@code reliability.health.probe.status}</td><td>gauge</td><td>{@code probe} ({@code
 *       liveness}, {@code readiness}, {@code startup})</td><td>what the probe answers now, same
 *       numbers</td></tr>
 * </table>
 *
 * <p>The check gauges read the registry's last results and run nothing. The probe gauges ask the
 * registry for the probe's report when they are read, as a probe request would: checks with a fresh
 * cached result are not run again, and the read waits at most the registry's probe timeout. Checks
 * registered after binding get their gauges when they first complete a run (the binder listens to
 * the registry).
 *
 * <pre>{@code
 * HealthMetrics.of(health).bindTo(meters);
 * }</pre>
 *
 * <p>Immutable and thread-safe; binding twice to one meter registry is harmless (Micrometer returns
 * the existing meters).
 */
public final class HealthMetrics implements MeterBinder {

  /** A check's last status, by {@code check}. */
  public static final String CHECK_STATUS = MetricNames.PREFIX + ".health.check.status";

  /** A check's last run time, by {@code check}. */
  public static final String CHECK_DURATION = MetricNames.PREFIX + ".health.check.duration";

  /** A probe's status, by {@code probe}. */
  public static final String PROBE_STATUS = MetricNames.PREFIX + ".health.probe.status";

  private static final List<String> PROBES =
      List.of(HealthGroups.LIVENESS, HealthGroups.READINESS, HealthGroups.STARTUP);

  private final HealthCheckRegistry registry;

  private HealthMetrics(HealthCheckRegistry registry) {
    this.registry = registry;
  }

  /**
   * Returns the binder for a health-check registry.
   *
   * @param registry the registry
   * @return the binder
   * @throws NullPointerException if {@code registry} is null
   */
  public static HealthMetrics of(HealthCheckRegistry registry) {
    return new HealthMetrics(Checks.notNull("registry", registry));
  }

  /**
   * Returns the number a status is exported as: 0 healthy, 1 degraded, 2 unknown, 3 unhealthy.
   *
   * @param status the status
   * @return its number
   */
  public static int value(HealthStatus status) {
    switch (Checks.notNull("status", status)) {
      case HEALTHY:
        return 0;
      case DEGRADED:
        return 1;
      case UNKNOWN:
        return 2;
      default:
        return 3;
    }
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Checks.notNull("meters", meters);
    for (String probe : PROBES) {
      Gauge.builder(PROBE_STATUS, registry, r -> value(r.report(probe).status()))
          .tag("probe", probe)
          .description("Status of a probe: 0 healthy, 1 degraded, 2 unknown, 3 unhealthy")
          .strongReference(true)
          .register(meters);
    }
    for (HealthCheckRegistration registration : registry.registrations()) {
      bindCheck(meters, registration.name());
    }
    registry.addListener(
        new HealthListener() {
          @Override
          public void onCheckCompleted(String check, HealthCheckResult result) {
            bindCheck(meters, check);
          }
        });
  }

  private void bindCheck(MeterRegistry meters, String check) {
    Gauge.builder(CHECK_STATUS, registry, r -> checkStatus(r, check))
        .tag("check", check)
        .description("Last status of a health check: 0 healthy, 1 degraded, 2 unknown, 3 unhealthy")
        .strongReference(true)
        .register(meters);
    Gauge.builder(CHECK_DURATION, registry, r -> checkDuration(r, check))
        .tag("check", check)
        .description("Duration of the last run of a health check")
        .baseUnit("seconds")
        .strongReference(true)
        .register(meters);
  }

  private static double checkStatus(HealthCheckRegistry registry, String check) {
    if (registry.registration(check).isEmpty()) {
      return Double.NaN;
    }
    Optional<HealthCheckResult> last = registry.lastResult(check);
    return last.isPresent() ? value(last.get().status()) : value(HealthStatus.UNKNOWN);
  }

  private static double checkDuration(HealthCheckRegistry registry, String check) {
    return registry.lastResult(check).map(r -> r.duration().toNanos() / 1e9).orElse(Double.NaN);
  }
}
