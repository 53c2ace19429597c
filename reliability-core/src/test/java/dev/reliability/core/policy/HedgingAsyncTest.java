package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hedging of asynchronous calls, driven by a manual scheduler. */
class HedgingAsyncTest {

  private static final Duration DELAY = Duration.ofMillis(100);

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  /** The stage each run's supplier returned, in order. */
  private final List<CompletableFuture<String>> stages = new CopyOnWriteArrayList<>();

  private final List<String> contexts = new CopyOnWriteArrayList<>();
  private Policy policy;

  @AfterEach
  void stop() {
    stages.forEach(s -> s.complete("released"));
    pool.shutdownNow();
    if (policy != null) {
      policy.close();
    }
  }

  private Policy hedged(HedgeConfig config) {
    policy = Policy.builder("search").hedge(config).scheduler(scheduler).executor(pool).build();
    return policy;
  }

  private CompletableFuture<String> startRun() {
    contexts.add(String.valueOf(TestContextAccessor.VALUE.get()));
    CompletableFuture<String> stage = new CompletableFuture<>();
    stages.add(stage);
    return stage;
  }

  private CompletableFuture<String> call(Policy p) {
    return p.executeAsync(this::startRun);
  }

  private void hedgeOnce(int runsAfter) {
    scheduler.advance(DELAY);
    await().atMost(Duration.ofSeconds(10)).until(() -> stages.size() == runsAfter);
  }

  @Test
  void aSlowFirstRunIsHedgedAfterExactlyTheDelayAndTheHedgesValueIsReturned() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> result = call(p);
    assertThat(stages).hasSize(1);

    scheduler.advance(DELAY.minusNanos(1));
    assertThat(p.hedging().orElseThrow().hedgesStarted()).isZero();
    scheduler.advance(Duration.ofNanos(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> stages.size() == 2);
    stages.get(1).complete("from the hedge");

    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("from the hedge");
    assertThat(p.hedging().orElseThrow().hedgeWins()).isEqualTo(1);
  }

  @Test
  void aFastFirstRunStartsNoHedge() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> result =
        p.executeAsync(() -> CompletableFuture.completedFuture("fast"));

    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("fast");
    assertThat(scheduler.pendingTasks()).isZero();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(p.hedging().orElseThrow().hedgesStarted()).isZero();
  }

  @Test
  void theLosersStageIsCancelled() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> result = call(p);
    hedgeOnce(2);
    stages.get(1).complete("hedge");

    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
    assertThat(stages.get(0)).isCancelled();
    assertThat(stages.get(1)).isNotCancelled();
  }

  @Test
  void whenEveryRunFailsTheCallFailsWithTheLastAndTheOthersSuppressed() {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> result = call(p);
    hedgeOnce(2);
    IllegalStateException first = new IllegalStateException("first run failed");
    IllegalStateException second = new IllegalStateException("hedge failed");

    stages.get(0).completeExceptionally(first);
    assertThat(result).isNotDone();
    stages.get(1).completeExceptionally(second);

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(second);
    assertThat(second.getSuppressed()).containsExactly(first);
  }

  @Test
  void noMoreThanMaxHedgesStartAndTheContextIsInEach() throws Exception {
    Policy p = hedged(HedgeConfig.builder().delay(DELAY).maxHedges(2).build());
    CompletableFuture<String> result;
    TestContextAccessor.VALUE.set("request-9");
    try {
      result = call(p);
    } finally {
      TestContextAccessor.VALUE.remove();
    }
    hedgeOnce(2);
    hedgeOnce(3);
    scheduler.advance(DELAY.multipliedBy(10));

    assertThat(stages).hasSize(3);
    assertThat(p.hedging().orElseThrow().hedgesStarted()).isEqualTo(2);
    stages.get(2).complete("third");
    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("third");
    assertThat(contexts).containsExactly("request-9", "request-9", "request-9");
    assertThat(stages.get(0)).isCancelled();
    assertThat(stages.get(1)).isCancelled();
  }

  @Test
  void anEmptyBudgetStartsNoHedgeAndCountsTheRefusal() throws Exception {
    Policy p = hedged(HedgeConfig.builder().delay(DELAY).budget(RetryBudget.of(0.0, 1)).build());
    CompletableFuture<String> one = call(p);
    hedgeOnce(2);
    stages.get(1).complete("hedged");
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo("hedged");

    CompletableFuture<String> two = call(p);
    scheduler.advance(DELAY.multipliedBy(5));

    assertThat(stages).hasSize(3);
    assertThat(p.hedging().orElseThrow().hedgesDeniedByBudget()).isEqualTo(1);
    stages.get(2).complete("slow");
    assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
  }

  @Test
  void aCancelledLoserIsNeitherABreakerFailureNorRetried() throws Exception {
    policy =
        Policy.builder("search")
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
            .retry(
                RetryConfig.builder()
                    .maxRetries(3)
                    .backoff(Backoff.fixed(Duration.ZERO))
                    .retryOn(RuntimeException.class)
                    .build())
            .hedge(HedgeConfig.ofDelay(DELAY))
            .scheduler(scheduler)
            .executor(pool)
            .build();
    CompletableFuture<String> result = call(policy);
    hedgeOnce(2);
    stages.get(1).complete("hedge");

    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
    assertThat(stages.get(0)).isCancelled();
    assertThat(stages).hasSize(2);
    assertThat(policy.circuitBreaker().orElseThrow().failedCalls()).isZero();
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(policy.retry().orElseThrow().retries()).isZero();
  }

  @Test
  void cancellingTheCallersFutureCancelsEveryRun() {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> result = call(p);
    hedgeOnce(2);

    result.cancel(true);

    assertThat(stages.get(0)).isCancelled();
    assertThat(stages.get(1)).isCancelled();
    assertThat(scheduler.pendingTasks()).isZero();
  }
}
