package dev.reliability.spring.boot.autoconfigure.health.internal;

import dev.reliability.health.HealthStatus;
import java.util.Locale;
import org.springframework.boot.health.contributor.Status;

/**
 * The mapping between the library's {@link HealthStatus} and Actuator's {@link Status}.
 *
 * <p>To Actuator, a check's contribution (its status after criticality: a failing non-critical
 * check contributes degraded) maps as: healthy to {@code UP}; degraded to {@code DEGRADED}, a
 * status of its own that Actuator answers with 200, so a degraded check never fails a probe;
 * unknown and unhealthy to {@code DOWN} (503), as the library's probes answer both with 503. From
 * Actuator: {@code UP} is healthy, {@code DOWN} and {@code OUT_OF_SERVICE} unhealthy, {@code
 * UNKNOWN} unknown, and any other code degraded.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
public final class ActuatorStatus {

  /** The code of the degraded status: {@value}. */
  public static final String DEGRADED_CODE = "DEGRADED";

  private ActuatorStatus() {}

  /**
   * Returns Actuator's status for a contribution.
   *
   * @param status the contribution
   * @param message the result's message, as the status's description; may be empty
   * @return the status
   */
  public static Status toActuator(HealthStatus status, String message) {
    String description = message == null ? "" : message;
    switch (status) {
      case HEALTHY:
        return description.isEmpty() ? Status.UP : new Status(Status.UP.getCode(), description);
      case DEGRADED:
        return new Status(DEGRADED_CODE, description);
      default:
        return new Status(Status.DOWN.getCode(), description);
    }
  }

  /**
   * Returns the library's status for an Actuator status.
   *
   * @param status Actuator's status
   * @return the library's status
   */
  public static HealthStatus fromActuator(Status status) {
    String code = status.getCode().toUpperCase(Locale.ROOT);
    if (code.equals(Status.UP.getCode())) {
      return HealthStatus.HEALTHY;
    }
    if (code.equals(Status.DOWN.getCode()) || code.equals(Status.OUT_OF_SERVICE.getCode())) {
      return HealthStatus.UNHEALTHY;
    }
    if (code.equals(Status.UNKNOWN.getCode())) {
      return HealthStatus.UNKNOWN;
    }
    return HealthStatus.DEGRADED;
  }
}
