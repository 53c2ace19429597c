package dev.reliability.spring.boot.autoconfigure;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigValue;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The library's {@link ConfigSource} over Spring's {@link Environment}: every canonical key of the
 * configuration reference ({@code reliability.circuitbreaker.payments.failure-threshold}) can be
 * set in {@code application.yml}, a profile, an environment variable or any other property source
 * Spring knows, with Spring's precedence and relaxed binding. A value's origin names where Spring
 * found it ({@code class path resource [application.yml] - 12:28}), so a validation message points
 * at the line to fix.
 *
 * <p>Thread-safe; reads the environment on every lookup.
 */
public final class SpringConfigSource implements ConfigSource {

  private final Environment environment;

  private SpringConfigSource(Environment environment) {
    this.environment = environment;
  }

  /**
   * Returns a source that reads this environment.
   *
   * @param environment the application's environment
   * @return the source
   */
  public static SpringConfigSource of(Environment environment) {
    return new SpringConfigSource(Objects.requireNonNull(environment, "environment"));
  }

  @Override
  public Optional<ConfigValue> get(String key) {
    String value = environment.getProperty(key);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(new ConfigValue(key, value, originOf(key)));
  }

  /** Where Spring found the key, or "Spring environment key <key>" when it cannot say. */
  private String originOf(String key) {
    if (environment instanceof ConfigurableEnvironment configurable) {
      for (PropertySource<?> source : configurable.getPropertySources()) {
        if (source.containsProperty(key)) {
          Origin origin = OriginLookup.getOrigin(source, key);
          return origin != null ? origin.toString() : source.getName() + " key " + key;
        }
      }
    }
    return "Spring environment key " + key;
  }
}
