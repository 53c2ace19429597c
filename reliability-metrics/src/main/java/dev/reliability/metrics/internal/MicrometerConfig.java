package dev.reliability.metrics.internal;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigValue;
import java.util.Map;
import java.util.Optional;

/**
 * Answers Micrometer's registry config lookups ({@code otlp.resourceAttributes}) from a {@link
 * ConfigSource} under this library's naming ({@code reliability.metrics.otlp.resource-attributes}),
 * with {@code reliability.metrics.step} as a shared fallback for every backend's {@code step}.
 * Values validated by a declared setting are passed in {@code overrides} in the form Micrometer
 * parses.
 *
 * <p>Internal: may change at any time.
 */
public final class MicrometerConfig {

  private final ConfigSource source;
  private final String prefix;
  private final Map<String, String> overrides;

  /**
   * Creates the bridge.
   *
   * @param source where values come from
   * @param prefix this library's prefix, {@code reliability.metrics}
   * @param overrides Micrometer keys to already validated values
   */
  public MicrometerConfig(ConfigSource source, String prefix, Map<String, String> overrides) {
    this.source = source;
    this.prefix = prefix;
    this.overrides = Map.copyOf(overrides);
  }

  /**
   * Looks up a Micrometer key.
   *
   * @param micrometerKey such as {@code datadog.apiKey}
   * @return the value, or null when not set
   */
  public String get(String micrometerKey) {
    String override = overrides.get(micrometerKey);
    if (override != null) {
      return override;
    }
    String key = canonicalKey(micrometerKey);
    Optional<ConfigValue> value = source.get(key);
    if (value.isEmpty() && micrometerKey.endsWith(".step")) {
      value = source.get(prefix + ".step");
    }
    return value.map(ConfigValue::text).orElse(null);
  }

  /**
   * Returns this library's key for a Micrometer key: camelCase words become dash-separated.
   *
   * @param micrometerKey such as {@code otlp.resourceAttributes}
   * @return such as {@code reliability.metrics.otlp.resource-attributes}
   */
  public String canonicalKey(String micrometerKey) {
    StringBuilder sb = new StringBuilder(prefix.length() + micrometerKey.length() + 8);
    sb.append(prefix).append('.');
    for (int i = 0; i < micrometerKey.length(); i++) {
      char c = micrometerKey.charAt(i);
      if (Character.isUpperCase(c)) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
