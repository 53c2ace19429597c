package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class TokenBucketProperties {

  @Property(tries = 300)
  void neverGrantsMoreThanTheBurstPlusWhatTheElapsedTimeRefills(
      @ForAll @IntRange(min = 1, max = 1_000) int limit,
      @ForAll @LongRange(min = 1, max = 120_000) long periodMillis,
      @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 5_000) Long> gapsMillis) {
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiterConfig config =
        RateLimiterConfig.builder().limit(limit).period(Duration.ofMillis(periodMillis)).build();
    TokenBucket bucket = new TokenBucket(config, time);
    long emission = Math.max(1, Duration.ofMillis(periodMillis).toNanos() / limit);
    long granted = 0;
    long elapsed = 0;
    for (long gap : gapsMillis) {
      time.advance(Duration.ofMillis(gap));
      elapsed += Duration.ofMillis(gap).toNanos();
      for (int i = 0; i < 3; i++) {
        long r = bucket.acquire(0);
        if (r >= 0) {
          granted++;
          assertThat(r).isZero();
        } else {
          assertThat(-r).isBetween(1L, emission);
        }
      }
      assertThat(granted).isLessThanOrEqualTo(limit + elapsed / emission);
      assertThat(bucket.availablePermits()).isBetween(0, limit);
    }
    assertThat(bucket.permittedCalls()).isEqualTo(granted);
  }

  @Property(tries = 200)
  void aRefusalSaysExactlyWhenTheNextPermitComes(
      @ForAll @IntRange(min = 1, max = 100) int limit,
      @ForAll @LongRange(min = 1, max = 60_000) long periodMillis) {
    ManualTimeSource time = ManualTimeSource.create();
    TokenBucket bucket =
        new TokenBucket(
            RateLimiterConfig.builder()
                .limit(limit)
                .period(Duration.ofMillis(periodMillis))
                .build(),
            time);
    for (int i = 0; i < limit; i++) {
      assertThat(bucket.acquire(0)).isZero();
    }
    long wait = -bucket.acquire(0);
    assertThat(wait).isPositive();
    assertThat(bucket.nextPermitIn()).isEqualTo(Duration.ofNanos(wait));
    time.advance(Duration.ofNanos(wait - 1));
    assertThat(bucket.acquire(0)).isNegative();
    time.advance(Duration.ofNanos(1));
    assertThat(bucket.acquire(0)).isZero();
  }
}
