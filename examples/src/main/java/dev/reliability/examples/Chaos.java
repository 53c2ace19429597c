package dev.reliability.examples;

import dev.reliability.core.error.DataValidationException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The backend's injected faults: the share of calls that fail and the latency added to each call.
 * {@code new Chaos(0, 0)} is healthy. Immutable and thread-safe.
 *
 * @param failureRate the share of calls that fail, 0.0 to 1.0
 * @param latencyMs the latency added to every call, in milliseconds
 */
record Chaos(double failureRate, long latencyMs) {

  /** The longest latency that can be injected: ten minutes. */
  static final long MAX_LATENCY_MS = 600_000;

  /** No faults. */
  static final Chaos HEALTHY = new Chaos(0, 0);

  Chaos {
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new IllegalArgumentException(
          "failureRate must be between 0.0 and 1.0, was " + failureRate);
    }
    if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
      throw new IllegalArgumentException(
          "latencyMs must be between 0 and " + MAX_LATENCY_MS + ", was " + latencyMs);
    }
  }

  /**
   * Reads the query parameters {@code failureRate} and {@code latencyMs}; a missing one keeps its
   * current value.
   *
   * @param failureRate the raw parameter, or null
   * @param latencyMs the raw parameter, or null
   * @param current the values to keep for missing parameters
   * @return the new state
   * @throws DataValidationException naming every invalid parameter
   */
  static Chaos parse(String failureRate, String latencyMs, Chaos current) {
    Map<String, String> errors = new LinkedHashMap<>();
    double rate = current.failureRate();
    long latency = current.latencyMs();
    if (failureRate != null) {
      try {
        rate = Double.parseDouble(failureRate.strip());
      } catch (NumberFormatException e) {
        rate = Double.NaN;
      }
      if (!(rate >= 0 && rate <= 1)) {
        errors.put(
            "failureRate",
            "must be a number between 0.0 and 1.0, was \"" + shorten(failureRate) + "\"");
      }
    }
    if (latencyMs != null) {
      try {
        latency = Long.parseLong(latencyMs.strip());
      } catch (NumberFormatException e) {
        latency = -1;
      }
      if (latency < 0 || latency > MAX_LATENCY_MS) {
        errors.put(
            "latencyMs",
            "must be a whole number of milliseconds between 0 and "
                + MAX_LATENCY_MS
                + ", was \""
                + shorten(latencyMs)
                + "\"");
      }
    }
    if (!errors.isEmpty()) {
      StringBuilder message = new StringBuilder();
      errors.forEach(
          (parameter, rule) ->
              message
                  .append(message.length() == 0 ? "" : "; ")
                  .append(parameter)
                  .append(' ')
                  .append(rule));
      throw new DataValidationException(message.toString(), errors);
    }
    return new Chaos(rate, latency);
  }

  private static String shorten(String raw) {
    String s = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString();
  }

  /**
   * Returns the state as a JSON object.
   *
   * @return {@code {"failure_rate":..,"latency_ms":..}}
   */
  String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"failure_rate\":%s,\"latency_ms\":%d}",
        Double.toString(failureRate),
        latencyMs);
  }
}
