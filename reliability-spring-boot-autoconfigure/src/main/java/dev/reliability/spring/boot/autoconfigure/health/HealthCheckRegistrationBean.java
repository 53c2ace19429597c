package dev.reliability.spring.boot.autoconfigure.health;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import java.util.Objects;

/**
 * A health check to register in the application's {@link HealthCheckRegistry} with its own name and
 * registration options (groups, criticality, kind, timeout, background schedule), in the manner of
 * Spring's {@code FilterRegistrationBean}. Declare it as a bean:
 *
 * <pre>{@code
 * @Bean
 * HealthCheckRegistrationBean deadlocks() {
 *   return HealthCheckRegistrationBean.of("deadlocks", ThreadHealthCheck.ofDefaults(),
 *       HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
 * }
 * }</pre>
 *
 * <p>A plain {@link HealthCheck} bean needs no such wrapper: it is registered under its bean name
 * with the default options (readiness, critical). Settings under {@code
 * reliability.health.<name>.*} still override the values given here. Immutable and thread-safe.
 */
public final class HealthCheckRegistrationBean {

  private final String name;
  private final HealthCheck check;
  private final HealthCheckConfig config;

  private HealthCheckRegistrationBean(String name, HealthCheck check, HealthCheckConfig config) {
    this.name = Objects.requireNonNull(name, "name");
    this.check = Objects.requireNonNull(check, "check");
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Returns a registration with the default options: readiness, critical.
   *
   * @param name the check's name in the registry: letters, digits, {@code -} and {@code _}
   * @param check the check
   * @return the registration; the registry checks the name when the application starts
   * @throws NullPointerException if an argument is null
   */
  public static HealthCheckRegistrationBean of(String name, HealthCheck check) {
    return new HealthCheckRegistrationBean(name, check, HealthCheckConfig.ofDefaults());
  }

  /**
   * Returns a registration with the given options.
   *
   * @param name the check's name in the registry: letters, digits, {@code -} and {@code _}
   * @param check the check
   * @param config the registration options
   * @return the registration; the registry checks the name when the application starts
   * @throws NullPointerException if an argument is null
   */
  public static HealthCheckRegistrationBean of(
      String name, HealthCheck check, HealthCheckConfig config) {
    return new HealthCheckRegistrationBean(name, check, config);
  }

  /**
   * Returns the check's name.
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
   * Returns the registration options.
   *
   * @return the options
   */
  public HealthCheckConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "HealthCheckRegistrationBean[" + name + "]";
  }
}
