package dev.reliability.health;

import java.util.Set;

/**
 * One check as registered: its name, the check, the kind in force and the configuration in force
 * after binding code values with configuration.
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthCheckRegistration {

  private final String name;
  private final HealthCheck check;
  private final HealthCheckKind kind;
  private final HealthCheckConfig config;

  HealthCheckRegistration(
      String name, HealthCheck check, HealthCheckKind kind, HealthCheckConfig config) {
    this.name = name;
    this.check = check;
    this.kind = kind;
    this.config = config;
  }

  /**
   * Returns the check's name, unique in its registry.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the check.
   *
   * @return the check
   */
  public HealthCheck check() {
    return check;
  }

  /**
   * Returns the kind in force: the configured kind, else the check's own.
   *
   * @return the kind
   */
  public HealthCheckKind kind() {
    return kind;
  }

  /**
   * Returns the configuration in force, with every value resolved.
   *
   * @return the configuration
   */
  public HealthCheckConfig config() {
    return config;
  }

  /**
   * Returns the groups the check belongs to.
   *
   * @return the groups
   */
  public Set<String> groups() {
    return config.groups();
  }

  @Override
  public String toString() {
    return "HealthCheckRegistration[" + name + ", " + kind + ", " + config + "]";
  }
}
