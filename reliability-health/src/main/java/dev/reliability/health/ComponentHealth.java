package dev.reliability.health;

import dev.reliability.core.internal.Checks;
import java.util.Set;

/**
 * One check's part in a {@link HealthReport}: its name, result, and whether it is critical.
 *
 * @param name the check's name
 * @param result the result the report used
 * @param critical whether the check is critical; a non-critical check makes the report at most
 *     degraded
 * @param kind the check's kind
 * @param groups the groups the check belongs to
 */
public record ComponentHealth(
    String name,
    HealthCheckResult result,
    boolean critical,
    HealthCheckKind kind,
    Set<String> groups) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public ComponentHealth {
    Checks.notNull("name", name);
    Checks.notNull("result", result);
    Checks.notNull("kind", kind);
    groups = Set.copyOf(Checks.notNull("groups", groups));
  }

  /**
   * Returns the status this check contributes to the report: its own status if critical, else at
   * most {@link HealthStatus#DEGRADED}.
   *
   * @return the contributed status
   */
  public HealthStatus contribution() {
    HealthStatus s = result.status();
    return critical || s == HealthStatus.HEALTHY ? s : HealthStatus.DEGRADED;
  }
}
