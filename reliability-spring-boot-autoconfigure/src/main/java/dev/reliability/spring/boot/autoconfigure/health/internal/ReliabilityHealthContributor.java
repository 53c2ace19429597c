package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.ComponentHealth;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthLifecycle;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The registry's checks as Actuator contributors: one composite (named {@code reliability} after
 * its bean) with one indicator per check, so {@code /actuator/health} shows every check and {@code
 * /actuator/health/reliability/<check>} one of them; plus an indicator {@code lifecycle} that is
 * out of service while the registry's lifecycle is starting or draining.
 *
 * <p>An indicator does not run its check: it reads the check's part of its first group's report,
 * and one walk of the composite by Actuator asks the registry for each group's report at most once.
 * So a probe costs what a probe of the registry's own endpoint costs: cached results are reused for
 * their TTL, background checks are read, and live checks run once per probe. Checks read from
 * Actuator's own indicators and the checks of Spring's availability states are left out: Actuator
 * has them already.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class ReliabilityHealthContributor implements CompositeHealthContributor {

  /** The name of the lifecycle's indicator: {@value}. */
  public static final String LIFECYCLE = "lifecycle";

  private final HealthCheckRegistry registry;

  /**
   * Creates the contributor.
   *
   * @param registry the registry whose checks it shows
   */
  public ReliabilityHealthContributor(HealthCheckRegistry registry) {
    this.registry = registry;
  }

  /**
   * Returns whether a registration is shown in Actuator: every check but those that mirror
   * Actuator's own indicators or Spring's availability states.
   *
   * @param registration the registration
   * @return true if Actuator shows it
   */
  public static boolean exported(HealthCheckRegistration registration) {
    return !(registration.check() instanceof ActuatorIndicatorCheck)
        && !(registration.check() instanceof AvailabilityStateHealthCheck);
  }

  /**
   * Returns the registry.
   *
   * @return the registry
   */
  public HealthCheckRegistry registry() {
    return registry;
  }

  @Override
  public HealthContributor getContributor(String name) {
    Reports reports = new Reports();
    Optional<HealthCheckRegistration> registration = registry.registration(name);
    if (registration.isPresent() && exported(registration.get())) {
      return new CheckIndicator(registration.get(), reports);
    }
    return LIFECYCLE.equals(name) ? new LifecycleIndicator(registry.lifecycle()) : null;
  }

  @Override
  public Stream<Entry> stream() {
    // One walk of Actuator over this composite: the indicators share one set of reports.
    Reports reports = new Reports();
    List<HealthCheckRegistration> registrations = registry.registrations();
    Stream<Entry> checks =
        registrations.stream()
            .filter(ReliabilityHealthContributor::exported)
            .map(r -> new Entry(r.name(), new CheckIndicator(r, reports)));
    boolean lifecycleTaken = registrations.stream().anyMatch(r -> r.name().equals(LIFECYCLE));
    return lifecycleTaken
        ? checks
        : Stream.concat(
            checks, Stream.of(new Entry(LIFECYCLE, new LifecycleIndicator(registry.lifecycle()))));
  }

  /** The reports of one walk, by group; asked lazily, each at most once. */
  private final class Reports {
    private final Map<String, HealthReport> byGroup = new HashMap<>();

    synchronized HealthReport of(String group) {
      return byGroup.computeIfAbsent(group, registry::report);
    }
  }

  private static final class CheckIndicator implements HealthIndicator {
    private final HealthCheckRegistration registration;
    private final Reports reports;

    CheckIndicator(HealthCheckRegistration registration, Reports reports) {
      this.registration = registration;
      this.reports = reports;
    }

    @Override
    public Health health() {
      String group = registration.groups().iterator().next();
      Optional<ComponentHealth> component;
      try {
        component = reports.of(group).check(registration.name());
      } catch (IllegalArgumentException e) {
        component = Optional.empty(); // unregistered since the walk began
      }
      if (component.isEmpty()) {
        return Health.unknown().withDetail("message", "not registered").build();
      }
      ComponentHealth c = component.get();
      HealthCheckResult result = c.result();
      HealthStatus contribution = c.contribution();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("status", result.status().label());
      details.put("critical", c.critical());
      details.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
      details.put("groups", List.copyOf(c.groups()));
      details.put("duration_ms", result.duration().toNanos() / 1_000_000.0);
      result.checkedAt().ifPresent(t -> details.put("checked_at", t.toString()));
      if (!result.details().isEmpty()) {
        details.put("details", result.details());
      }
      return Health.status(ActuatorStatus.toActuator(contribution, result.message()))
          .withDetails(details)
          .build();
    }
  }

  private static final class LifecycleIndicator implements HealthIndicator {
    private final HealthLifecycle lifecycle;

    LifecycleIndicator(HealthLifecycle lifecycle) {
      this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
      HealthLifecycle.Phase phase = lifecycle.phase();
      Status status =
          phase == HealthLifecycle.Phase.RUNNING
              ? Status.UP
              : new Status(
                  Status.OUT_OF_SERVICE.getCode(),
                  phase == HealthLifecycle.Phase.STARTING
                      ? "startup not complete"
                      : "shutting down");
      return Health.status(status)
          .withDetail("phase", phase.name().toLowerCase(Locale.ROOT))
          .build();
    }
  }
}
