package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The bounds of backoff and jitter as {@link Backoff} and {@link Jitter} document them, checked on
 * the shapes themselves and on the waits a policy really makes between retries (recorded by a
 * {@link ManualScheduler}).
 */
class RetryDelayProperties {

  @Property
  void exponentialGrowsByItsMultiplierUntilTheCap(
      @ForAll @LongRange(min = 1, max = 10_000) long initialMillis,
      @ForAll @DoubleRange(min = 1.0, max = 10.0) double multiplier,
      @ForAll @LongRange(min = 0, max = 1_000_000) long extraMillis,
      @ForAll @IntRange(min = 1, max = 200) int retry) {
    Backoff b =
        Backoff.exponential(
            Duration.ofMillis(initialMillis),
            multiplier,
            Duration.ofMillis(initialMillis + extraMillis));
    long cap = b.maxDelay().toNanos();
    double exact = initialMillis * 1e6 * Math.pow(multiplier, retry - 1);

    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(initialMillis));
    if (exact < cap) {
      assertThat((double) b.delayNanos(retry)).isCloseTo(exact, offset(1.0));
    } else {
      assertThat(b.delayNanos(retry)).isEqualTo(cap);
    }
    assertThat(b.delayNanos(retry + 1)).isGreaterThanOrEqualTo(b.delayNanos(retry));
  }

  @Property
  void linearAddsItsIncrementUntilTheCap(
      @ForAll @LongRange(min = 0, max = 10_000) long initialMillis,
      @ForAll @LongRange(min = 0, max = 10_000) long incrementMillis,
      @ForAll @LongRange(min = 0, max = 1_000_000) long extraMillis,
      @ForAll @IntRange(min = 1, max = 1_000) int retry) {
    Backoff b =
        Backoff.linear(
            Duration.ofMillis(initialMillis),
            Duration.ofMillis(incrementMillis),
            Duration.ofMillis(initialMillis + extraMillis));
    long expected = (initialMillis + incrementMillis * (retry - 1)) * 1_000_000L;
    assertThat(b.delayNanos(retry)).isEqualTo(Math.min(expected, b.maxDelay().toNanos()));
  }

  @Property
  void fixedIsTheSameForEveryRetry(
      @ForAll @LongRange(min = 0, max = 3_600_000) long millis,
      @ForAll @IntRange(min = -10, max = Integer.MAX_VALUE) int retry) {
    assertThat(Backoff.fixed(Duration.ofMillis(millis)).delay(retry))
        .isEqualTo(Duration.ofMillis(millis));
  }

  @Provide
  Arbitrary<RetryConfig> retries() {
    Arbitrary<Backoff.Kind> kind = Arbitraries.of(Backoff.Kind.class);
    Arbitrary<Long> initial = Arbitraries.longs().between(0, 5_000);
    Arbitrary<Long> extra = Arbitraries.longs().between(0, 60_000);
    Arbitrary<Double> multiplier = Arbitraries.doubles().between(1.0, 5.0);
    Arbitrary<Jitter> jitter = Arbitraries.of(Jitter.class);
    Arbitrary<Integer> maxRetries = Arbitraries.integers().between(1, 12);
    return Combinators.combine(kind, initial, extra, multiplier, jitter, maxRetries)
        .as(
            (k, i, e, m, j, n) ->
                RetryConfig.builder()
                    .maxRetries(n)
                    .backoff(Backoff.of(k, Duration.ofMillis(i), m, Duration.ofMillis(i + e)))
                    .jitter(j)
                    .build());
  }

  @Property(tries = 300)
  void everyWaitOfAPolicyStaysWithinItsJittersBounds(@ForAll("retries") RetryConfig config) {
    ManualScheduler scheduler = ManualScheduler.create();
    List<Long> waits = new ArrayList<>();
    PolicyListener recorder =
        new PolicyListener() {
          @Override
          public void onRetry(
              String policy, Object handle, int nextAttempt, Throwable failure, long delayNanos) {
            assertThat(nextAttempt).isEqualTo(waits.size() + 2);
            waits.add(delayNanos);
          }
        };
    try (Policy policy =
        Policy.builder("catalog").retry(config).scheduler(scheduler).listener(recorder).build()) {
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new ServiceUnavailableException("catalog", "down");
                      }))
          .isInstanceOf(ServiceUnavailableException.class);
      assertThat(policy.retry().orElseThrow().exhausted()).isEqualTo(1);
    }
    // The policy slept exactly the announced waits (a zero wait is no sleep).
    assertThat(scheduler.sleeps())
        .containsExactlyElementsOf(
            waits.stream().filter(w -> w > 0).map(Duration::ofNanos).collect(Collectors.toList()));

    Backoff b = config.backoff();
    long cap = b.maxDelay().toNanos();
    long base = Math.min(b.initialDelay().toNanos(), cap);
    assertThat(waits).hasSize(config.maxRetries());
    long previous = 0;
    for (int n = 1; n <= waits.size(); n++) {
      long wait = waits.get(n - 1);
      long d = b.delayNanos(n);
      assertThat(wait).as("wait before retry %d", n).isBetween(0L, cap);
      switch (config.jitter()) {
        case NONE -> assertThat(wait).isEqualTo(d);
        case FULL -> assertThat(wait).isBetween(0L, d);
        case EQUAL -> assertThat(wait).isBetween(d / 2, d);
        case DECORRELATED -> {
          long prev = previous == 0 ? base : previous;
          assertThat(wait).isBetween(base, Math.max(base, Math.min(cap, 3 * prev)));
        }
      }
      previous = wait;
    }
  }
}
