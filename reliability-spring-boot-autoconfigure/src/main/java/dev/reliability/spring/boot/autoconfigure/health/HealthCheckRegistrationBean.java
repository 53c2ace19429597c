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
  private final boolean fallback;

  private HealthCheckRegistrationBean(
      String name, HealthCheck check, HealthCheckConfig config, boolean fallback) {
    this.name = Objects.requireNonNull(name, "name");
    this.check = Objects.requireNonNull(check, "check");
    this.config = Objects.requireNonNull(config, "config");
    this.fallback = fallback;
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
    return new HealthCheckRegistrationBean(name, check, HealthCheckConfig.ofDefaults(), false);
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
    return new HealthCheckRegistrationBean(name, check, config, false);
  }

  /**
   * Returns a registration that gives way to the application: it is registered only if no other
   * check (a {@link HealthCheck} bean, another registration, or one registered in code) has its
   * name. The built-in checks of the auto-configuration are registered this way, so a check of the
   * application named {@code deadlocks} replaces the built-in one.
   *
   * @param name the check's name in the registry: letters, digits, {@code -} and {@code _}
   * @param check the check
   * @param config the registration options
   * @return the registration
   * @throws NullPointerException if an argument is null
   */
  public static HealthCheckRegistrationBean fallback(
      String name, HealthCheck check, HealthCheckConfig config) {
    return new HealthCheckRegistrationBean(name, check, config, true);
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

  /**
   * Returns whether this registration gives way to any other check of its name.
   *
   * @return true if made by {@link #fallback}
   */
  public boolean isFallback() {
    return fallback;
  }

  @Override
  public String toString() {
    return "HealthCheckRegistrationBean[" + name + (fallback ? ", fallback]" : "]");
  }
}
