package dev.reliability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

class JitterProperties {

  @Property
  void jitteredIntervalStaysWithinTheSpread(
      @ForAll @LongRange(min = 1, max = 86_400_000_000_000L) long interval,
      @ForAll @DoubleRange(min = 0.0, max = 0.5) double jitter,
      @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double u) {
    long next = CheckRunner.jittered(interval, jitter, u);

    assertThat(next).isPositive();
    assertThat((double) next).isBetween(interval * (1 - jitter) - 1, interval * (1 + jitter) + 1);
  }

  @Property
  void noJitterKeepsTheInterval(
      @ForAll @LongRange(min = 1, max = 86_400_000_000_000L) long interval,
      @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double u) {
    assertThat(CheckRunner.jittered(interval, 0.0, u)).isEqualTo(interval);
  }
}
