package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.Jitter;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class DelaysProperties {

  @Provide
  Arbitrary<Backoff> backoffs() {
    Arbitrary<Long> initial = Arbitraries.longs().between(0, 60_000);
    Arbitrary<Long> extra = Arbitraries.longs().between(0, 600_000);
    Arbitrary<Double> multiplier = Arbitraries.doubles().between(1.0, 100.0);
    Arbitrary<Backoff.Kind> kind = Arbitraries.of(Backoff.Kind.class);
    return Combinators.combine(kind, initial, extra, multiplier)
        .as((k, i, e, m) -> Backoff.of(k, Duration.ofMillis(i), m, Duration.ofMillis(i + e)));
  }

  @Property
  void everyDelayStaysBetweenZeroAndTheCap(
      @ForAll("backoffs") Backoff backoff,
      @ForAll Jitter jitter,
      @ForAll @IntRange(min = -5, max = 10_000) int retry,
      @ForAll @LongRange(min = 0, max = 10_000_000_000L) long previous,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double uniform) {
    long max = backoff.maxDelay().toNanos();
    long d =
        Delays.next(
            backoff, jitter, retry, previous, uniform, backoff.initialDelay().toNanos(), max);
    assertThat(d).isBetween(0L, max);
  }

  @Property
  void backoffNeverShrinksAsRetriesGrow(
      @ForAll("backoffs") Backoff backoff, @ForAll @IntRange(min = 1, max = 5_000) int retry) {
    assertThat(backoff.delayNanos(retry + 1)).isGreaterThanOrEqualTo(backoff.delayNanos(retry));
  }

  @Property
  void fullJitterStaysWithinTheBackoff(
      @ForAll("backoffs") Backoff backoff,
      @ForAll @IntRange(min = 1, max = 100) int retry,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double uniform) {
    long d = backoff.delayNanos(retry);
    long j = next(backoff, Jitter.FULL, retry, 0, uniform);
    assertThat(j).isBetween(0L, d);
  }

  @Property
  void equalJitterKeepsAtLeastHalfTheBackoff(
      @ForAll("backoffs") Backoff backoff,
      @ForAll @IntRange(min = 1, max = 100) int retry,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double uniform) {
    long d = backoff.delayNanos(retry);
    long j = next(backoff, Jitter.EQUAL, retry, 0, uniform);
    assertThat(j).isBetween(d / 2, d);
  }

  @Property
  void decorrelatedJitterStaysBetweenTheInitialDelayAndThreeTimesThePrevious(
      @ForAll("backoffs") Backoff backoff,
      @ForAll @LongRange(min = 0, max = 100_000_000_000L) long previous,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double uniform) {
    long base = backoff.initialDelay().toNanos();
    long cap = backoff.maxDelay().toNanos();
    long prev = previous == 0 ? base : previous;
    long j = next(backoff, Jitter.DECORRELATED, 1, previous, uniform);
    assertThat(j).isBetween(Math.min(base, cap), Math.max(base, Math.min(cap, prev * 3)));
  }

  @Property
  void noJitterIsTheBackoffItself(
      @ForAll("backoffs") Backoff backoff, @ForAll @IntRange(min = 1, max = 100) int retry) {
    assertThat(next(backoff, Jitter.NONE, retry, 0, 0.5)).isEqualTo(backoff.delayNanos(retry));
  }

  private static long next(Backoff b, Jitter j, int retry, long previous, double u) {
    return Delays.next(
        b, j, retry, previous, u, b.initialDelay().toNanos(), b.maxDelay().toNanos());
  }
}
