package dev.reliability.core.leak;

import java.util.Locale;

/** The unit of a gauge's values, used to format growth rates and limits. Immutable, thread-safe. */
public enum GaugeUnit {
  /** Bytes of memory. */
  BYTES,
  /** A count of things: threads, classes, descriptors, entries. */
  COUNT;

  /**
   * Formats an amount in this unit for people: {@code 1.5 MB} or {@code 42}.
   *
   * @param amount the amount, possibly negative or fractional
   * @return the text
   */
  public String format(double amount) {
    if (this == COUNT) {
      return Math.rint(amount) == amount && Math.abs(amount) < 1e15
          ? Long.toString((long) amount)
          : String.format(Locale.ROOT, "%.1f", amount);
    }
    double abs = Math.abs(amount);
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (abs >= 1024 && u < units.length - 1) {
      abs /= 1024;
      u++;
    }
    String sign = amount < 0 ? "-" : "";
    return u == 0
        ? sign + String.format(Locale.ROOT, "%.0f B", abs)
        : sign + String.format(Locale.ROOT, "%.1f %s", abs, units[u]);
  }

  /**
   * Returns the lower-case name used in JSON, such as {@code bytes}.
   *
   * @return the JSON name
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
