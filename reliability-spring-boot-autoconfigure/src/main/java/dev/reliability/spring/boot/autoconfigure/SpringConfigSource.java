package dev.reliability.spring.boot.autoconfigure;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigValue;
import dev.reliability.spring.boot.autoconfigure.policy.internal.PolicyKeys;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The library's {@link ConfigSource} over Spring's {@link Environment}: every canonical key of the
 * configuration reference ({@code reliability.circuitbreaker.payments.failure-threshold}) can be
 * set in {@code application.yml}, a profile, an environment variable or any other property source
 * Spring knows, with Spring's precedence and relaxed binding ({@code failureThreshold}, {@code
 * RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURETHRESHOLD}). A value's origin names where Spring found
 * it ({@code class path resource [application.yml] - 12:28}), so a validation message points at the
 * line to fix.
 *
 * <p><b>Policies in application.yml.</b> A policy's setting can also be written under the policy:
 * {@code reliability.policies.<name>.<component>.<setting>} (and {@code
 * reliability.keyed-policies.<name>.<component>.<setting>}, {@code
 * reliability.keyed-policies.<name>.max-keys}) answers the canonical key {@code
 * reliability.<component>.<name>.<setting>} ({@code reliability.keyed.<name>.max-keys}). When both
 * spellings are set, the canonical key wins, whatever the property sources: it is the key operators
 * are told to override with. A component block under a policy ({@code
 * reliability.policies.quote-backend.timelimiter.timeout: 2s}) also turns the component on, as if
 * its {@code enabled} key were {@code true}, unless {@code enabled} is set.
 *
 * <p>Thread-safe; reads the environment on every lookup.
 */
public final class SpringConfigSource implements ConfigSource {

  private static final String ENABLED = ".enabled";

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

  /**
   * Returns a source that answers the canonical keys of one template's name from {@code
   * reliability.templates.<template>.<component>.<setting>} and from nothing else, to build the
   * template's configuration with {@code PolicyConfig.withOverrides(source, template)}. A component
   * block turns the component on, as for a policy.
   *
   * @param template the template's name
   * @return the template's source
   */
  public ConfigSource template(String template) {
    Objects.requireNonNull(template, "template");
    return key -> {
      Optional<String> form = PolicyKeys.templateForm(key, template);
      if (form.isEmpty()) {
        return Optional.empty();
      }
      return declared(key, List.of(form.get()));
    };
  }

  @Override
  public Optional<ConfigValue> get(String key) {
    Optional<ConfigValue> direct = lookup(key);
    if (direct.isPresent()) {
      return direct;
    }
    return declared(key, PolicyKeys.declaredForms(key));
  }

  /** The first form that is set, under the canonical key; else a component block's "enabled". */
  private Optional<ConfigValue> declared(String key, List<String> forms) {
    for (String form : forms) {
      Optional<ConfigValue> found = lookup(form);
      if (found.isPresent()) {
        ConfigValue v = found.get();
        return Optional.of(new ConfigValue(key, v.text(), form + " in " + v.origin()));
      }
    }
    if (key.endsWith(ENABLED)) {
      for (String form : forms) {
        String block = form.substring(0, form.length() - ENABLED.length());
        if (block.chars().filter(c -> c == '.').count() == 3 && hasDescendants(block)) {
          return Optional.of(new ConfigValue(key, "true", "the block " + block));
        }
      }
    }
    return Optional.empty();
  }

  private Optional<ConfigValue> lookup(String key) {
    ConfigurationPropertyName name = propertyName(key);
    if (name == null) {
      String value = environment.getProperty(key);
      return value == null
          ? Optional.empty()
          : Optional.of(new ConfigValue(key, value, originOf(key)));
    }
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(name);
      if (property != null && property.getValue() != null) {
        Origin origin = property.getOrigin();
        String where =
            origin != null ? origin.toString() : source.getUnderlyingSource() + " key " + key;
        // A placeholder ("${WS_MAX_CONNECTIONS:1000}") is resolved, as Spring's binder does.
        String text = environment.resolvePlaceholders(String.valueOf(property.getValue()));
        return Optional.of(new ConfigValue(key, text, where));
      }
    }
    return Optional.empty();
  }

  private boolean hasDescendants(String block) {
    ConfigurationPropertyName name = propertyName(block);
    if (name == null) {
      return false;
    }
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
        return true;
      }
    }
    return false;
  }

  /** Spring's name for a key, relaxed ("quoteBackend" matches "quote-backend"); null if none. */
  private static ConfigurationPropertyName propertyName(String key) {
    ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(key);
    if (name != null) {
      return name;
    }
    ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(key, '.');
    return adapted.isEmpty() || !adapted.toString().equalsIgnoreCase(key) ? null : adapted;
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
