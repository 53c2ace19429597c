package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.RetryBudget;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;

class RetryBudgetProperties {

  @Property(tries = 300)
  void tokenBucketTokensStayWithinZeroAndTheCapacityAndAdmitAboveHalf(
      @ForAll @IntRange(min = 1, max = 1000) int maxTokens,
      @ForAll @DoubleRange(min = 0.001, max = 1.0) @Scale(3) double tokenRatio,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 2) Integer> events) {
    BudgetState budget = BudgetState.create(RetryBudget.tokenBucket(maxTokens, tokenRatio), null);
    assertThat(budget.available()).isEqualTo(maxTokens);
    for (int e : events) {
      double before = budget.available();
      switch (e) {
        case 0 -> budget.onSuccess();
        case 1 -> budget.onFailure();
        default -> assertThat(budget.tryAcquire()).isEqualTo(before > maxTokens / 2.0);
      }
      assertThat(budget.available()).isBetween(0.0, (double) maxTokens);
    }
  }

  @Property(tries = 300)
  void ratioTokensStayWithinZeroAndTheReserve(
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double ratio,
      @ForAll @IntRange(min = 1, max = 1000) int reserve,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 1) Integer> events) {
    BudgetState budget = BudgetState.create(RetryBudget.of(ratio, reserve), null);
    for (int e : events) {
      if (e == 0) {
        budget.onCall();
      } else {
        budget.tryRetry();
      }
      assertThat(budget.available()).isBetween(0.0, (double) reserve);
    }
  }

  /**
   * Over any span of one TTL, the retries granted are at most the percentage of the calls of that
   * span and of the slice before it, plus the floor times the TTL in seconds.
   */
  @Property(tries = 300)
  void percentOfRequestsRetriesOverAnyTtlNeverExceedPercentOfCallsPlusTheFloor(
      @ForAll @IntRange(min = 0, max = 100) int percent,
      @ForAll @IntRange(min = 1, max = 30) int ttlSeconds,
      @ForAll @IntRange(min = 0, max = 5) int floorPerSecond,
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 2_000) Integer> gapsMillis,
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 3) Integer> kinds) {
    ManualTimeSource time = ManualTimeSource.create();
    Duration ttl = Duration.ofSeconds(ttlSeconds);
    BudgetState budget =
        BudgetState.create(
            RetryBudget.percentOfRequests(percent / 100.0, ttl, floorPerSecond), time);
    long ttlNanos = ttl.toNanos();
    long sliceNanos = ttlNanos / WindowBudget.SLICES;
    List<Long> calls = new ArrayList<>();
    List<Long> retries = new ArrayList<>();
    int n = Math.min(gapsMillis.size(), kinds.size());
    for (int i = 0; i < n; i++) {
      time.advance(Duration.ofMillis(gapsMillis.get(i)));
      long now = time.nanoTime();
      if (kinds.get(i) == 0) {
        budget.onCall();
        calls.add(now);
        continue;
      }
      if (!budget.tryRetry()) {
        continue;
      }
      retries.add(now);
      long retriesInSpan = retries.stream().filter(t -> t >= now - ttlNanos).count();
      long callsInSpan = calls.stream().filter(t -> t >= now - ttlNanos - sliceNanos).count();
      // In thousandths of a retry, as the budget counts: exact for whole percentages.
      assertThat(1000 * retriesInSpan)
          .isLessThanOrEqualTo(10L * percent * callsInSpan + 1000L * floorPerSecond * ttlSeconds);
    }
  }
}
