package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reliability.core.internal.DurationText;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Checks that a builder setter and a configuration source agree on a setting: a value is accepted
 * in code exactly when its text is accepted from a source, a value accepted both ways is the same
 * value, and a refusal in code carries the source path's key and rule. Shared by the property tests
 * of each config family.
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
   */
  public static <T> void agree(Case<T> c, T value, String text) {
    Setting<T> setting = c.setting();
    Throwable inCode = catchThrowable(() -> c.setter().accept(value));
    Throwable fromText = catchThrowable(() -> setting.parse(text));
    assertThat(inCode == null)
        .as(
            "%s = %s accepted in code (%s) as from a source (%s)",
            setting.name(), text, inCode, fromText)
        .isEqualTo(fromText == null);
    if (inCode == null) {
      assertThat(setting.parse(text)).isEqualTo(value);
    } else {
      assertThat(inCode)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(setting.name() + " must be " + setting.rule() + ", was ");
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

  /**
   * Returns whole numbers: any int, and many near the ranges settings use.
   *
   * @return the arbitrary
   */
  public static Arbitrary<Integer> ints() {
    return Arbitraries.oneOf(
        Arbitraries.integers(),
        Arbitraries.integers().between(-3, 1_100),
        Arbitraries.integers().between(-3, 1_100_000_000));
  }

  /**
   * Returns long whole numbers: any long, and many near the ranges sizes use.
   *
   * @return the arbitrary
   */
  public static Arbitrary<Long> longs() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.longs().between(-3, 1L << 42),
        Arbitraries.longs().between(-3, 1L << 31));
  }

  /**
   * Returns durations from negative to centuries, in units from nanoseconds to days.
   *
   * @return the arbitrary
   */
  public static Arbitrary<Duration> durations() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-10_000, 400L * 86_400_000).map(Duration::ofMillis),
        Arbitraries.longs().between(-100, 1_000_000_000L).map(Duration::ofNanos),
        Arbitraries.longs().map(Duration::ofNanos),
        Arbitraries.longs().between(-10, 400).map(Duration::ofDays));
  }

  /**
   * Returns decimal numbers from -2 to 200 with up to six decimals; never negative zero.
   *
   * @return the arbitrary
   */
  public static Arbitrary<Double> decimals() {
    return Arbitraries.oneOf(
            Arbitraries.doubles().between(-2.0, 200.0).ofScale(6),
            Arbitraries.doubles().between(-0.1, 1.1).ofScale(4))
        .map(d -> d + 0.0);
  }
}
