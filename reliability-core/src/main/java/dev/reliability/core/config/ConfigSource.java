package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where settings come from: system properties, environment variables, a map, or a chain of them.
 *
 * <p><b>Naming.</b> Every setting has one canonical key, lower-case words separated by dots and
 * dashes: {@code reliability.circuitbreaker.payments.failure-threshold}. The environment variable
 * for a key is the key upper-cased with every character that is not a letter or digit turned into
 * {@code _}: {@code RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD} (see {@link
 * #environmentVariableName(String)}).
 *
 * <p><b>Precedence</b> of {@link #standard()}: a system property wins over an environment variable.
 * {@link ConfigBinder} adds the rest: a per-instance key wins over the shared key, and a value
 * found in any source wins over the value a builder set in code, which wins over the library's
 * default.
 *
 * <p>Sources are read on every lookup and never cache; implementations must be thread-safe.
 */
@FunctionalInterface
public interface ConfigSource {

  /**
   * Looks up a setting by its canonical key.
   *
   * @param key the canonical key
   * @return the raw value with its origin, or empty if this source does not set it
   */
  Optional<ConfigValue> get(String key);

  /**
   * Returns a source backed by {@link System#getProperty(String)}, using the canonical keys as
   * property names.
   *
   * @return the system property source
   */
  static ConfigSource systemProperties() {
    return key -> {
      String value = System.getProperty(key);
      return value == null
          ? Optional.empty()
          : Optional.of(new ConfigValue(key, value, "system property " + key));
    };
  }

  /**
   * Returns a source backed by the process environment, using {@link
   * #environmentVariableName(String)}.
   *
   * @return the environment source
   */
  static ConfigSource environment() {
    return environment(System::getenv);
  }

  /**
   * Returns an environment source over a given map, for tests and for environments read from a
   * file.
   *
   * @param variables environment variable names to values
   * @return the environment source
   */
  static ConfigSource environment(Map<String, String> variables) {
    Checks.notNull("variables", variables);
    Map<String, String> copy = Map.copyOf(variables);
    return environment(copy::get);
  }

  private static ConfigSource environment(Function<String, String> lookup) {
    return key -> {
      String name = environmentVariableName(key);
      String value = lookup.apply(name);
      return value == null
          ? Optional.empty()
          : Optional.of(new ConfigValue(key, value, "environment variable " + name));
    };
  }

  /**
   * Returns a source over a map keyed by canonical keys, such as values read from a properties
   * file.
   *
   * @param name a name for messages, such as {@code application.properties}
   * @param values canonical keys to values
   * @return the map source
   */
  static ConfigSource fromMap(String name, Map<String, String> values) {
    Checks.notBlank("name", name);
    Checks.notNull("values", values);
    Map<String, String> copy = Map.copyOf(values);
    return key -> {
      String value = copy.get(key);
      return value == null
          ? Optional.empty()
          : Optional.of(new ConfigValue(key, value, name + " key " + key));
    };
  }

  /**
   * Returns a source that sets nothing.
   *
   * @return the empty source
   */
  static ConfigSource empty() {
    return key -> Optional.empty();
  }

  /**
   * Returns system properties, then environment variables: the source every component reads when
   * none is given.
   *
   * @return the standard source
   */
  static ConfigSource standard() {
    return chain(systemProperties(), environment());
  }

  /**
   * Returns a source that asks each source in turn and answers with the first that sets the key.
   *
   * @param sources the sources, highest precedence first
   * @return the chained source
   */
  static ConfigSource chain(ConfigSource... sources) {
    Checks.notNull("sources", sources);
    List<ConfigSource> list = new ArrayList<>(sources.length);
    for (ConfigSource s : sources) {
      list.add(Checks.notNull("source", s));
    }
    List<ConfigSource> chain = List.copyOf(list);
    return key -> {
      for (ConfigSource s : chain) {
        Optional<ConfigValue> v = s.get(key);
        if (v.isPresent()) {
          return v;
        }
      }
      return Optional.empty();
    };
  }

  /**
   * Returns a source that also answers a key from an alias when the key itself is not set, for
   * migrating from older names. The alias is looked up in this source the same way as a key, so
   * with {@link #environment()} an alias such as {@code CB_FAILURE_THRESHOLD} is read from the
   * environment variable of that name. The key wins when both are set.
   *
   * <pre>{@code
   * ConfigSource source = ConfigSource.standard()
   *     .withAliases(Map.of("reliability.circuitbreaker.failure-threshold", "CB_FAILURE_THRESHOLD"));
   * }</pre>
   *
   * @param keyToAlias canonical key to the older name
   * @return the aliasing source
   */
  default ConfigSource withAliases(Map<String, String> keyToAlias) {
    Checks.notNull("keyToAlias", keyToAlias);
    Map<String, String> copy = Map.copyOf(keyToAlias);
    ConfigSource self = this;
    return key -> {
      Optional<ConfigValue> v = self.get(key);
      if (v.isPresent()) {
        return v;
      }
      String alias = copy.get(key);
      if (alias == null) {
        return Optional.empty();
      }
      return self.get(alias)
          .map(a -> new ConfigValue(key, a.text(), a.origin() + " (alias of " + key + ")"));
    };
  }

  /**
   * Returns the environment variable name for a canonical key: upper case, with every character
   * that is not an ASCII letter or digit replaced by {@code _}.
   *
   * @param key the canonical key, such as {@code reliability.health.check-timeout}
   * @return the variable name, such as {@code RELIABILITY_HEALTH_CHECK_TIMEOUT}
   */
  static String environmentVariableName(String key) {
    Checks.notNull("key", key);
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        sb.append(Character.toUpperCase(c));
      } else {
        sb.append('_');
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }
}
