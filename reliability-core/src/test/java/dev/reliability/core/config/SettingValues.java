package dev.reliability.core.config;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The values the settings property tests try: whole numbers, sizes, durations and decimals, from
 * far outside every range to the ranges settings use. The agreement itself is {@link
 * dev.reliability.test.SettingAgreement}.
 */
public final class SettingValues {

  private SettingValues() {}

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
