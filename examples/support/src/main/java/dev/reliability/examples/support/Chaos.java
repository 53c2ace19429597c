package dev.reliability.examples.support;

import dev.reliability.core.error.DataValidationException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The example backend's injected faults: the share of calls that fail and the latency added to each
 * call, as {@code POST /admin/chaos?failureRate=F&latencyMs=L} sets them in both example services.
 * {@code new Chaos(0, 0)} is healthy. Immutable and thread-safe.
 *
 * @param failureRate the share of calls that fail, 0.0 to 1.0
 * @param latencyMs the latency added to every call, in milliseconds
 */
public record Chaos(double failureRate, long latencyMs) {

  /** The longest latency that can be injected: ten minutes. */
  public static final long MAX_LATENCY_MS = 600_000;

  /** No faults. */
  public static final Chaos HEALTHY = new Chaos(0, 0);

  /** Checks the ranges. */
  public Chaos {
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
  public static Chaos parse(String failureRate, String latencyMs, Chaos current) {
    Map<String, String> errors = new LinkedHashMap<>();
    double rate = current.failureRate();
    long latency = current.latencyMs();
    if (failureRate != null) {
      rate = isPlainDecimal(failureRate, true) ? Double.parseDouble(failureRate) : Double.NaN;
      if (!(rate >= 0 && rate <= 1)) {
        errors.put(
            "failureRate",
            "must be a plain decimal number between 0.0 and 1.0, was \""
                + shorten(failureRate)
                + "\"");
      }
    }
    if (latencyMs != null) {
      latency = isPlainDecimal(latencyMs, false) ? Long.parseLong(latencyMs) : -1;
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

  /**
   * Returns whether text is a plain decimal number: ASCII digits, and with {@code fraction} at most
   * one point followed by digits. No sign, exponent, type suffix, hexadecimal form, spaces or
   * non-ASCII digits, all of which {@link Double#parseDouble} or {@link Long#parseLong} would take
   * ({@code -0.0}, {@code 1e-1}, {@code 0.5d}, {@code 0x1p-1}, Arabic-Indic digits). At most 20
   * characters (18 for whole numbers, which then always fit a long), so the parse stays cheap.
   */
  static boolean isPlainDecimal(String text, boolean fraction) {
    int n = text.length();
    if (n == 0 || n > (fraction ? 20 : 18)) {
      return false;
    }
    int digits = 0;
    int point = -1;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && fraction && point < 0 && digits > 0) {
        point = i;
      } else {
        return false;
      }
    }
    return point < 0 || point < n - 1;
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
  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"failure_rate\":%s,\"latency_ms\":%d}",
        Double.toString(failureRate),
        latencyMs);
  }
}
