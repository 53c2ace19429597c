package dev.reliability.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks for builders, with the project's one message shape: {@code "<setting> must be
 * <rule>, was <value>"}.
 *
 * <p>Every builder in this library validates through these methods, so a user sees the same wording
 * whichever component rejected the value, and tests can assert exact messages. Null checks throw
 * {@link NullPointerException} naming the parameter; every other check throws {@link
 * IllegalArgumentException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Checks {

  private Checks() {}

  /**
   * Returns {@code value} if it is not null.
   *
   * @param name the parameter or setting name used in the message
   * @param value the value to check
   * @param <T> the value's type
   * @return {@code value}
   * @throws NullPointerException with message {@code "<name> must not be null"}
   */
  public static <T> T notNull(String name, T value) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  /**
   * Returns {@code value} if it is not null and not blank.
   *
   * @param name the parameter or setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is empty or only whitespace
   */
  public static String notBlank(String name, String value) {
    notNull(name, value);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, was \"" + value + "\"");
    }
    return value;
  }

  /**
   * Returns {@code value} if it is at least one.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is at least one.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public static long positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is zero or more.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public static int notNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is zero or more.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public static long notNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if {@code min <= value <= max}.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is outside the range
   */
  public static int inRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if {@code min <= value <= max}.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is outside the range
   */
  public static long inRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if {@code min <= value <= max} and it is a number.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is NaN or outside the range
   */
  public static double inRange(String name, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is a fraction between 0.0 and 1.0 inclusive.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws IllegalArgumentException if {@code value} is NaN or outside {@code [0.0, 1.0]}
   */
  public static double fraction(String name, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(
          name + " must be a fraction between 0.0 and 1.0, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is longer than zero.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public static Duration positive(String name, Duration value) {
    notNull(name, value);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          name + " must be longer than zero, was " + DurationText.format(value));
    }
    return value;
  }

  /**
   * Returns {@code value} if it is zero or longer.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public static Duration notNegative(String name, Duration value) {
    notNull(name, value);
    if (value.isNegative()) {
      throw new IllegalArgumentException(
          name + " must be zero or longer, was " + DurationText.format(value));
    }
    return value;
  }

  /**
   * Returns {@code value} if it is not longer than {@code max}, so that later arithmetic on it (in
   * nanoseconds or milliseconds) cannot overflow.
   *
   * @param name the setting name used in the message
   * @param value the value to check
   * @param max the longest allowed value
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException with message {@code "<name> must be at most <max>, was
   *     <value>"} if {@code value} is longer than {@code max}
   */
  public static Duration atMost(String name, Duration value, Duration max) {
    notNull(name, value);
    if (value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name
              + " must be at most "
              + DurationText.format(max)
              + ", was "
              + DurationText.format(value));
    }
    return value;
  }

  /**
   * Throws {@link IllegalArgumentException} with the standard message unless {@code condition}
   * holds.
   *
   * @param condition the rule that must hold
   * @param name the setting name used in the message
   * @param rule what the rule requires, completing "must be ..."
   * @param value the rejected value, shown after "was"
   * @throws IllegalArgumentException if {@code condition} is false
   */
  public static void check(boolean condition, String name, String rule, Object value) {
    if (!condition) {
      throw new IllegalArgumentException(name + " must be " + rule + ", was " + value);
    }
  }

  /** The most characters of a rejected value that an error message shows. */
  public static final int SHOWN_MAX = 256;

  /**
   * Returns a rejected value as an error message shows it: whole up to {@link #SHOWN_MAX}
   * characters, else its start and its length, so that a huge value cannot flood the message and
   * the logs.
   */
  public static String shortened(String text) {
    if (text.length() <= SHOWN_MAX) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(SHOWN_MAX - 1)) ? SHOWN_MAX - 1 : SHOWN_MAX;
    return text.substring(0, end) + "... (" + text.length() + " characters)";
  }
}
