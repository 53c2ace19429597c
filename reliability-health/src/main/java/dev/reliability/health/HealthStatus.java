package dev.reliability.health;

import java.util.Locale;

/**
 * The status of one health check or of an aggregate, from best to worst.
 *
 * <p>{@link #UNKNOWN} is the status of a check that has not run yet, or whose last result is too
 * old to trust; aggregation treats it as worse than {@link #DEGRADED} and better than {@link
 * #UNHEALTHY}, and the HTTP endpoints answer it with 503, because nobody can vouch for the
 * component. JSON output writes the {@linkplain #label() lower-case label}, as in {@code "status":
 * "healthy"}. Thread-safe (an enum).
 */
public enum HealthStatus {
  /** Working as intended. */
  HEALTHY,
  /** Working, with reduced capacity or a failing non-critical dependency. */
  DEGRADED,
  /** Not known yet, or no longer known. */
  UNKNOWN,
  /** Not working. */
  UNHEALTHY;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * Returns the worse of this status and another.
   *
   * @param other the other status
   * @return the worse status
   */
  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /**
   * Returns whether this status is worse than another.
   *
   * @param other the other status
   * @return true if this status comes later in the order healthy, degraded, unknown, unhealthy
   */
  public boolean isWorseThan(HealthStatus other) {
    return ordinal() > other.ordinal();
  }

  /**
   * Returns the lower-case name used in JSON and messages, such as {@code "healthy"}.
   *
   * @return the label
   */
  public String label() {
    return label;
  }
}
