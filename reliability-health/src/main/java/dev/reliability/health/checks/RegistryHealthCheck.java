package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.ComponentHealth;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistration;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthReport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A composite: reports another registry's group as one check, so a subsystem or a library can keep
 * its own registry and still count towards the application's probes.
 *
 * <pre>{@code
 * registry.register("search", RegistryHealthCheck.of(searchModule.healthRegistry()));
 * }</pre>
 *
 * <p>The status is the other group's aggregate (including the other registry's lifecycle, so mark
 * its startup complete too); the message names its failing checks, and the detail {@code checks}
 * maps each of its checks to its status. The kind is {@link HealthCheckKind#DEPENDENCY} when the
 * group holds a dependency check at registration time, else {@link HealthCheckKind#INTERNAL}. Give
 * the registration a timeout longer than the other registry's probe timeout. Thread-safe.
 */
public final class RegistryHealthCheck implements HealthCheck {

  private final HealthCheckRegistry registry;
  private final String group;

  private RegistryHealthCheck(HealthCheckRegistry registry, String group) {
    this.registry = registry;
    this.group = group;
  }

  /**
   * Returns a check of another registry's readiness.
   *
   * @param registry the other registry
   * @return the check
   */
  public static RegistryHealthCheck of(HealthCheckRegistry registry) {
    return of(registry, HealthGroups.READINESS);
  }

  /**
   * Returns a check of one group of another registry.
   *
   * @param registry the other registry
   * @param group the group, or {@link HealthCheckRegistry#ALL}
   * @return the check
   */
  public static RegistryHealthCheck of(HealthCheckRegistry registry, String group) {
    Checks.notNull("registry", registry);
    Checks.notNull("group", group);
    return new RegistryHealthCheck(registry, group);
  }

  @Override
  public HealthCheckResult check() {
    HealthReport report = registry.report(group);
    Map<String, Object> checks = new LinkedHashMap<>();
    StringBuilder failing = new StringBuilder();
    for (ComponentHealth c : report.checks()) {
      checks.put(c.name(), c.result().status().label());
      if (c.result().status() != dev.reliability.health.HealthStatus.HEALTHY) {
        failing
            .append(failing.length() == 0 ? "" : ", ")
            .append(c.name())
            .append(' ')
            .append(c.result().status().label());
      }
    }
    String message =
        !report.message().isEmpty()
            ? report.message()
            : failing.length() > 0 ? failing.toString() : "";
    return HealthCheckResult.builder(report.status())
        .message(message)
        .detail("registry", registry.name())
        .detail("group", group)
        .detail("checks", checks)
        .build();
  }

  @Override
  public HealthCheckKind kind() {
    for (HealthCheckRegistration r : registry.registrations()) {
      if ((group.equals(HealthCheckRegistry.ALL) || r.groups().contains(group))
          && r.kind().isDependency()) {
        return HealthCheckKind.DEPENDENCY;
      }
    }
    return HealthCheckKind.INTERNAL;
  }
}
