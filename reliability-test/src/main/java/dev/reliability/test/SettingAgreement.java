package dev.reliability.test;

import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.DurationText;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Checks that a builder setter and a configuration source agree on a {@link Setting}: a value is
 * accepted in code exactly when its text is accepted from a source, a value accepted both ways is
 * the same value, and a refusal in code carries the source path's key and rule. For property tests
 * of configs built on {@code Setting}s, this library's and a user's own.
 *
 * <p>Stateless and thread-safe; a disagreement is an {@link AssertionError} naming the setting, the
 * value and what each path did.
 */
public final class SettingAgreement {

  private SettingAgreement() {}

  /**
   * A setting and the builder setter that takes its value.
   *
   * @param setting the setting
   * @param setter sets the value on a fresh builder
   * @param <T> the value type
   */
  public record Case<T>(Setting<T> setting, Consumer<T> setter) {}

  /**
   * Asserts that the setter and the setting agree on a value.
   *
   * @param c the setting and its setter
   * @param value the value set in code
   * @param text the same value as a source would hold it
   * @param <T> the value type
   * @throws AssertionError when they disagree
   */
  public static <T> void agree(Case<T> c, T value, String text) {
    Setting<T> setting = c.setting();
    Throwable inCode = thrownBy(() -> c.setter().accept(value));
    Throwable fromText = thrownBy(() -> setting.parse(text));
    if ((inCode == null) != (fromText == null)) {
      throw new AssertionError(
          String.format(
              "%s = %s accepted in code (%s) as from a source (%s)",
              setting.name(), text, inCode, fromText));
    }
    if (inCode == null) {
      T parsed = setting.parse(text);
      if (!Objects.equals(parsed, value)) {
        throw new AssertionError(
            setting.name() + " = " + text + ": code holds " + value + ", a source " + parsed);
      }
      return;
    }
    String expected = setting.name() + " must be " + setting.rule() + ", was ";
    if (!(inCode instanceof IllegalArgumentException)
        || inCode.getMessage() == null
        || !inCode.getMessage().startsWith(expected)) {
      throw new AssertionError(
          setting.name() + " = " + text + ": expected a refusal starting \"" + expected + "\"",
          inCode);
    }
  }

  /**
   * Returns a duration as a source would hold it.
   *
   * @param d the duration
   * @return its text
   */
  public static String text(Duration d) {
    return DurationText.format(d);
  }

  /**
   * Returns a decimal number as a source would hold it, without an exponent.
   *
   * @param d the number
   * @return its text
   */
  public static String text(double d) {
    return BigDecimal.valueOf(d).toPlainString();
  }

  private static Throwable thrownBy(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException | Error e) {
      return e;
    }
  }
}
