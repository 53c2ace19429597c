package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import java.util.Objects;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

/**
 * Spring Boot's availability state as a live check, so the registry's probes fail whenever Spring's
 * do: readiness is unhealthy while Spring refuses traffic (before the application is ready, during
 * shutdown, or when the application publishes {@code ReadinessState.REFUSING_TRAFFIC} itself);
 * liveness is unhealthy while Spring's liveness state is broken.
 *
 * <p>This class is internal and may change at any time. Thread-safe; reads one field.
 */
public final class AvailabilityStateHealthCheck implements HealthCheck {

  private final ApplicationAvailability availability;
  private final boolean readiness;

  private AvailabilityStateHealthCheck(ApplicationAvailability availability, boolean readiness) {
    this.availability = Objects.requireNonNull(availability, "availability");
    this.readiness = readiness;
  }

  /**
   * Returns the check of Spring's readiness state.
   *
   * @param availability the application's availability
   * @return the check
   */
  public static AvailabilityStateHealthCheck readiness(ApplicationAvailability availability) {
    return new AvailabilityStateHealthCheck(availability, true);
  }

  /**
   * Returns the check of Spring's liveness state.
   *
   * @param availability the application's availability
   * @return the check
   */
  public static AvailabilityStateHealthCheck liveness(ApplicationAvailability availability) {
    return new AvailabilityStateHealthCheck(availability, false);
  }

  @Override
  public HealthCheckResult check() {
    if (readiness) {
      ReadinessState state = availability.getReadinessState();
      return state == ReadinessState.ACCEPTING_TRAFFIC
          ? HealthCheckResult.healthy("accepting traffic")
          : HealthCheckResult.unhealthy("Spring readiness state is " + state);
    }
    LivenessState state = availability.getLivenessState();
    return state == LivenessState.CORRECT
        ? HealthCheckResult.healthy("correct")
        : HealthCheckResult.unhealthy("Spring liveness state is " + state);
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.INTERNAL;
  }

  @Override
  public boolean live() {
    return true;
  }
}
