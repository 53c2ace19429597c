package dev.reliability.metrics.export;

import dev.reliability.core.internal.Checks;

/**
 * One finding of a {@link CapabilityReport}: a meter that a backend would drop, reject or truncate.
 *
 * @param backend the backend
 * @param meter the meter name (Micrometer's dot name), or {@code *} for a finding about all meters
 * @param message what would happen and why
 */
public record CapabilityWarning(Backend backend, String meter, String message) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public CapabilityWarning {
    Checks.notNull("backend", backend);
    Checks.notNull("meter", meter);
    Checks.notNull("message", message);
  }

  @Override
  public String toString() {
    return backend.key() + " " + meter + ": " + message;
  }
}
