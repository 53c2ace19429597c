package dev.reliability.spring.boot.autoconfigure.health;

import dev.reliability.health.HealthCheckRegistry;

/**
 * Adjusts the builder of the auto-configured {@link HealthCheckRegistry} before it is built: a time
 * source, a redactor, a performance source. Every bean of this type is applied, in {@code @Order}.
 * Settings from {@code reliability.health.*} still override values set here.
 */
@FunctionalInterface
public interface HealthCheckRegistryCustomizer {

  /**
   * Customises the builder.
   *
   * @param builder the registry's builder
   */
  void customize(HealthCheckRegistry.Builder builder);
}
