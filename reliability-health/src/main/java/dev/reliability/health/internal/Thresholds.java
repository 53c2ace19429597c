package dev.reliability.health.internal;

import dev.reliability.core.internal.Checks;
import dev.reliability.health.HealthStatus;
import java.util.Locale;

/**
 * Threshold arithmetic shared by the resource checks.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
public final class Thresholds {

  private Thresholds() {}

  /**
   * Classifies a value against two rising thresholds.
   *
   * @param value the value; NaN gives {@link HealthStatus#UNKNOWN}
   * @param degradedAt the value from which the status is degraded
   * @param unhealthyAt the value from which the status is unhealthy
   * @return the status
   */
  public static HealthStatus atOrAbove(double value, double degradedAt, double unhealthyAt) {
    if (Double.isNaN(value)) {
      return HealthStatus.UNKNOWN;
    }
    if (value >= unhealthyAt) {
      return HealthStatus.UNHEALTHY;
    }
    return value >= degradedAt ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
  }

  /**
   * Checks a pair of fraction thresholds.
   *
   * @param degradedName the degraded threshold's name for messages
   * @param degradedAt the degraded threshold, between 0.0 and 1.0
   * @param unhealthyName the unhealthy threshold's name for messages
   * @param unhealthyAt the unhealthy threshold, between 0.0 and 1.0 and not below degradedAt
   * @throws IllegalArgumentException if a threshold breaks the rule
   */
  public static void checkFractions(
      String degradedName, double degradedAt, String unhealthyName, double unhealthyAt) {
    Checks.fraction(degradedName, degradedAt);
    Checks.fraction(unhealthyName, unhealthyAt);
    Checks.check(
        unhealthyAt >= degradedAt,
        unhealthyName,
        "at least " + degradedName + " (" + degradedAt + ")",
        unhealthyAt);
  }

  /**
   * Formats a fraction as a percentage with one decimal, such as {@code 85.0%}.
   *
   * @param fraction the fraction
   * @return the text
   */
  public static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /**
   * Rounds to two decimals, for JSON details.
   *
   * @param v the value
   * @return the rounded value
   */
  public static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /**
   * Converts bytes to MiB with two decimals.
   *
   * @param bytes the byte count
   * @return mebibytes
   */
  public static double mib(double bytes) {
    return round2(bytes / (1024.0 * 1024.0));
  }

  /**
   * Returns the message suffix naming the threshold a status crossed.
   *
   * @param status the status
   * @param degradedAt the degraded threshold as text
   * @param unhealthyAt the unhealthy threshold as text
   * @return such as {@code ", at or above the degraded threshold of 80.0%"}, or empty when healthy
   */
  public static String crossed(HealthStatus status, String degradedAt, String unhealthyAt) {
    switch (status) {
      case DEGRADED:
        return ", at or above the degraded threshold of " + degradedAt;
      case UNHEALTHY:
        return ", at or above the unhealthy threshold of " + unhealthyAt;
      default:
        return "";
    }
  }
}
