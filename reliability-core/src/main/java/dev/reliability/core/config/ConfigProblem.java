package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;

/**
 * One invalid or missing setting found while binding configuration.
 *
 * @param key the full key, such as {@code reliability.circuitbreaker.payments.failure-threshold}
 * @param value the rejected text as shown to people (masked when the key names a secret), or null
 *     when a required setting is missing
 * @param origin where the value came from, such as {@code environment variable
 *     RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD}, {@code builder} or {@code none}
 * @param rule what the value must be, such as {@code "a whole number between 1 and 10000"}
 */
public record ConfigProblem(String key, String value, String origin, String rule) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if key, origin or rule is null
   */
  public ConfigProblem {
    Checks.notNull("key", key);
    Checks.notNull("origin", origin);
    Checks.notNull("rule", rule);
  }

  /**
   * Returns the problem as one line: {@code <key> must be <rule>, was "<value>" (from <origin>)}.
   *
   * @return the description
   */
  public String describe() {
    if (value == null) {
      return key + " is required and must be " + rule + ", was not set";
    }
    return key + " must be " + rule + ", was \"" + value + "\" (from " + origin + ")";
  }
}
