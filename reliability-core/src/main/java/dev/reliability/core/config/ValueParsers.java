package dev.reliability.core.config;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Parsers for the value forms that settings use: durations, data sizes, percentages, booleans and
 * numbers.
 *
 * <ul>
 *   <li><b>Durations</b>: a number followed by {@code ns}, {@code us}, {@code ms}, {@code s},
 *       {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 60s}, {@code 1.5s}), or ISO-8601
 *       ({@code PT1M}). A bare number uses the setting's default unit, which is how seed-style
 *       settings such as {@code CB_RECOVERY_TIMEOUT=60} (seconds) keep working.
 *   <li><b>Sizes</b>: bytes as a number with an optional unit {@code B}, {@code KB}, {@code MB},
 *       {@code GB}, {@code TB} (powers of 1024, as the JVM's {@code -Xmx} and Spring's {@code
 *       DataSize} read them) or {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}; case does not
 *       matter ({@code 500MB}, {@code 512k} is rejected: the unit must be spelled out).
 *   <li><b>Percentages</b>: {@code 80%} or a fraction {@code 0.8}; both give {@code 0.8}. A bare
 *       number above 1 is rejected, because {@code 80} could mean either.
 *   <li><b>Booleans</b>: {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}, in any
 *       case; anything else is rejected rather than read as false.
 * </ul>
 *
 * <p>Every method throws {@link IllegalArgumentException} whose message says what is allowed.
 * Stateless and thread-safe.
 */
public final class ValueParsers {

  /** The rule shown when a duration cannot be parsed. */
  public static final String DURATION_RULE = "a duration such as 500ms, 60s, 5m, 1h or PT1M";

  /** The rule shown when a size cannot be parsed. */
  public static final String SIZE_RULE = "a size such as 512KB, 500MB, 2GB or a number of bytes";

  /** The rule shown when a percentage cannot be parsed. */
  public static final String PERCENTAGE_RULE = "a percentage such as 80% or a fraction such as 0.8";

  /**
   * The longest duration any parser accepts: {@code Long.MAX_VALUE} nanoseconds, about 292 years,
   * so that every parsed duration converts to nanoseconds without overflow. Settings declare much
   * lower bounds of their own.
   */
  public static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

  /** The rule shown when a boolean cannot be parsed. */
  public static final String BOOLEAN_RULE = "true or false (also yes/no, on/off, 1/0)";

  private ValueParsers() {}

  /**
   * Parses a duration whose bare numbers are in milliseconds.
   *
   * @param text the text to parse
   * @return the duration, never negative
   * @throws IllegalArgumentException if the text is not a duration or is negative
   */
  public static Duration parseDuration(String text) {
    return parseDuration(text, ChronoUnit.MILLIS);
  }

  /**
   * Parses a duration.
   *
   * @param text the text to parse
   * @param bareNumberUnit the unit of a number written without one
   * @return the duration, never negative
   * @throws IllegalArgumentException if the text is not a duration or is negative
   */
  public static Duration parseDuration(String text, ChronoUnit bareNumberUnit) {
    Checks.notNull("text", text);
    Checks.notNull("bareNumberUnit", bareNumberUnit);
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException(DURATION_RULE);
    }
    char first = Character.toUpperCase(s.charAt(0));
    if (first == 'P'
        || ((first == '-' || first == '+')
            && s.length() > 1
            && Character.toUpperCase(s.charAt(1)) == 'P')) {
      try {
        return withinLimits(Duration.parse(s));
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new IllegalArgumentException(DURATION_RULE);
      }
    }
    int unitStart = numberEnd(s);
    if (unitStart == 0) {
      throw new IllegalArgumentException(DURATION_RULE);
    }
    String number = s.substring(0, unitStart);
    String unit = s.substring(unitStart).strip().toLowerCase(Locale.ROOT);
    long nanosPerUnit;
    switch (unit) {
      case "":
        nanosPerUnit = bareNumberUnit.getDuration().toNanos();
        break;
      case "ns":
        nanosPerUnit = 1L;
        break;
      case "us":
      case "µs":
        nanosPerUnit = 1_000L;
        break;
      case "ms":
        nanosPerUnit = 1_000_000L;
        break;
      case "s":
        nanosPerUnit = 1_000_000_000L;
        break;
      case "m":
      case "min":
        nanosPerUnit = 60_000_000_000L;
        break;
      case "h":
        nanosPerUnit = 3_600_000_000_000L;
        break;
      case "d":
        nanosPerUnit = 86_400_000_000_000L;
        break;
      default:
        throw new IllegalArgumentException(DURATION_RULE);
    }
    BigDecimal nanos = decimal(number, DURATION_RULE).multiply(BigDecimal.valueOf(nanosPerUnit));
    if (nanos.signum() < 0) {
      throw new IllegalArgumentException(DURATION_RULE + ", not negative");
    }
    BigInteger whole = nanos.toBigInteger();
    if (whole.bitLength() >= Long.SIZE) {
      throw new IllegalArgumentException(DURATION_RULE + ", " + TOO_LONG);
    }
    return withinLimits(Duration.ofNanos(whole.longValueExact()));
  }

  private static final String TOO_LONG = "not longer than " + DurationText.format(MAX_DURATION);

  private static Duration withinLimits(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(DURATION_RULE + ", not negative");
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(DURATION_RULE + ", " + TOO_LONG);
    }
    return d;
  }

  /**
   * Parses a data size into bytes.
   *
   * @param text the text to parse
   * @return the number of bytes, zero or more
   * @throws IllegalArgumentException if the text is not a size, is negative or overflows a long
   */
  public static long parseSize(String text) {
    Checks.notNull("text", text);
    String s = text.strip();
    int unitStart = numberEnd(s);
    if (unitStart == 0) {
      throw new IllegalArgumentException(SIZE_RULE);
    }
    String unit = s.substring(unitStart).strip().toUpperCase(Locale.ROOT);
    long multiplier;
    switch (unit) {
      case "":
      case "B":
        multiplier = 1L;
        break;
      case "KB":
      case "KIB":
        multiplier = 1L << 10;
        break;
      case "MB":
      case "MIB":
        multiplier = 1L << 20;
        break;
      case "GB":
      case "GIB":
        multiplier = 1L << 30;
        break;
      case "TB":
      case "TIB":
        multiplier = 1L << 40;
        break;
      default:
        throw new IllegalArgumentException(SIZE_RULE);
    }
    BigDecimal bytes =
        decimal(s.substring(0, unitStart), SIZE_RULE).multiply(BigDecimal.valueOf(multiplier));
    if (bytes.signum() < 0) {
      throw new IllegalArgumentException(SIZE_RULE + ", not negative");
    }
    try {
      return bytes.setScale(0, RoundingMode.DOWN).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          SIZE_RULE + ", not larger than " + Long.MAX_VALUE + " bytes");
    }
  }

  /**
   * Parses a percentage into a fraction between 0.0 and 1.0.
   *
   * @param text {@code 80%}, {@code 80.5%} or a fraction such as {@code 0.8}
   * @return the fraction
   * @throws IllegalArgumentException if the text is not a percentage between 0% and 100%
   */
  public static double parsePercentage(String text) {
    Checks.notNull("text", text);
    String s = text.strip();
    boolean percent = s.endsWith("%");
    String number = percent ? s.substring(0, s.length() - 1).strip() : s;
    if (number.isEmpty() || numberEnd(number) != number.length()) {
      throw new IllegalArgumentException(PERCENTAGE_RULE);
    }
    double value = decimal(number, PERCENTAGE_RULE).doubleValue();
    double fraction = percent ? value / 100.0 : value;
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException(PERCENTAGE_RULE + " between 0% and 100%");
    }
    return fraction;
  }

  /**
   * Parses a boolean strictly.
   *
   * @param text the text to parse
   * @return the boolean
   * @throws IllegalArgumentException for anything but the accepted spellings
   */
  public static boolean parseBoolean(String text) {
    Checks.notNull("text", text);
    switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
      case "on":
      case "1":
        return true;
      case "false":
      case "no":
      case "off":
      case "0":
        return false;
      default:
        throw new IllegalArgumentException(BOOLEAN_RULE);
    }
  }

  /**
   * Parses a whole number that fits an {@code int}.
   *
   * @param text the text to parse; an underscore between digits is allowed ({@code 10_000})
   * @return the number
   * @throws IllegalArgumentException if the text is not a whole number in the int range
   */
  public static int parseInt(String text) {
    long value = parseLong(text);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
    }
    return (int) value;
  }

  /**
   * Parses a whole number that fits a {@code long}.
   *
   * @param text the text to parse; an underscore between digits is allowed ({@code 10_000})
   * @return the number
   * @throws IllegalArgumentException if the text is not a whole number in the long range
   */
  public static long parseLong(String text) {
    Checks.notNull("text", text);
    String s = text.strip();
    if (!s.matches("[+-]?\\d+(_\\d+)*")) {
      throw new IllegalArgumentException("a whole number");
    }
    try {
      return Long.parseLong(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
    }
  }

  /**
   * Parses a finite decimal number.
   *
   * @param text the text to parse, such as {@code 0.5} or {@code 2}
   * @return the number
   * @throws IllegalArgumentException if the text is not a finite decimal number
   */
  public static double parseDouble(String text) {
    Checks.notNull("text", text);
    String s = text.strip();
    if (s.isEmpty() || numberEnd(s) != s.length()) {
      throw new IllegalArgumentException("a decimal number");
    }
    return decimal(s, "a decimal number").doubleValue();
  }

  /** Returns the index just after a leading signed decimal number, or 0 if there is none. */
  private static int numberEnd(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int digits = 0;
    while (i < n
        && (isDigit(s.charAt(i))
            || (s.charAt(i) == '_' && digits > 0 && i + 1 < n && isDigit(s.charAt(i + 1))))) {
      if (isDigit(s.charAt(i))) {
        digits++;
      }
      i++;
    }
    if (i < n && s.charAt(i) == '.') {
      int j = i + 1;
      int fraction = 0;
      while (j < n && isDigit(s.charAt(j))) {
        j++;
        fraction++;
      }
      if (fraction > 0) {
        i = j;
        digits += fraction;
      }
    }
    return digits == 0 ? 0 : i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static BigDecimal decimal(String number, String rule) {
    String digits = number.replace("_", "");
    if (digits.length() > 40) {
      throw new IllegalArgumentException(rule);
    }
    try {
      return new BigDecimal(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(rule);
    }
  }
}
