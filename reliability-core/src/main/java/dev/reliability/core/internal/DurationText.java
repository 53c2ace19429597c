package dev.reliability.core.internal;

import java.time.Duration;

/**
 * Formats durations the way settings are written: {@code 500ms}, {@code 60s}, {@code 2m}, {@code
 * 1h}; the largest unit that represents the duration exactly. Used in messages, so a rejected value
 * reads like the value a user would type. Stateless and thread-safe.
 */
public final class DurationText {

  private DurationText() {}

  /**
   * Formats a duration.
   *
   * @param d the duration
   * @return text such as {@code 1500ms} or {@code 2m}
   */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long nanos = d.getNano();
    long seconds = d.getSeconds();
    if (nanos == 0) {
      if (seconds == 0) {
        return "0s";
      }
      if (seconds % 86_400 == 0) {
        return seconds / 86_400 + "d";
      }
      if (seconds % 3_600 == 0) {
        return seconds / 3_600 + "h";
      }
      if (seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }
    if (nanos % 1_000_000 == 0 && seconds < 1_000_000) {
      return (seconds * 1_000 + nanos / 1_000_000) + "ms";
    }
    if (nanos % 1_000 == 0 && seconds < 1_000) {
      return (seconds * 1_000_000 + nanos / 1_000) + "us";
    }
    if (seconds < 1) {
      return nanos + "ns";
    }
    return d.toString();
  }
}
