package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;

/**
 * The raw text of a setting as a {@link ConfigSource} found it, with where it came from.
 *
 * @param key the canonical key that was looked up, such as {@code
 *     reliability.circuitbreaker.payments.failure-threshold}
 * @param text the raw text, never null
 * @param origin where it came from, for messages, such as {@code environment variable
 *     RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD}
 */
public record ConfigValue(String key, String text, String origin) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if any component is null
   */
  public ConfigValue {
    Checks.notNull("key", key);
    Checks.notNull("text", text);
    Checks.notNull("origin", origin);
  }
}
