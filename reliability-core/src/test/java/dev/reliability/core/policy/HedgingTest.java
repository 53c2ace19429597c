package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.time.TimeSource;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hedging of synchronous calls, driven by a manual scheduler. */
class HedgingTest {

  private static final Duration DELAY = Duration.ofMillis(100);

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newCachedThreadPool();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final Runs runs = new Runs();
  private Policy policy;

  @AfterEach
  void stop() {
    runs.releaseAll();
    callers.shutdownNow();
    pool.shutdownNow();
    if (policy != null) {
      policy.close();
    }
  }

  private Policy build(Policy.Builder builder) {
    policy = builder.scheduler(scheduler).executor(pool).build();
    return policy;
  }

  private Policy hedged(HedgeConfig config) {
    return build(Policy.builder("search").hedge(config));
  }

  private CompletableFuture<String> callInBackground(Policy p) {
    return CompletableFuture.supplyAsync(() -> p.execute(runs::run), callers);
  }

  private void awaitTimer() {
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.pendingTasks() == 1);
  }

  private static Hedging hedging(Policy p) {
    return p.hedging().orElseThrow();
  }

  @Test
  void aSlowFirstRunIsHedgedAfterExactlyTheDelayAndTheHedgesValueIsReturned() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();

    scheduler.advance(DELAY.minusNanos(1));
    assertThat(hedging(p).hedgesStarted()).isZero();
    scheduler.advance(Duration.ofNanos(1));
    assertThat(hedging(p).hedgesStarted()).isEqualTo(1);
    runs.awaitStarted(2);
    runs.finish(2, "from the hedge");

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("from the hedge");
    assertThat(hedging(p).hedgeWins()).isEqualTo(1);
  }

  @Test
  void aFastFirstRunStartsNoHedge() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    runs.finish(1, "fast");

    assertThat(p.execute(runs::run)).isEqualTo("fast");
    assertThat(scheduler.pendingTasks()).isZero();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(runs.started.get()).isEqualTo(1);
    assertThat(hedging(p).hedgesStarted()).isZero();
    assertThat(hedging(p).hedgeWins()).isZero();
  }

  @Test
  void theLosingRunIsInterrupted() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    runs.finish(2, "hedge");

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.interrupted.contains(1));
  }

  @Test
  void theFirstRunWinningInterruptsTheHedge() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    runs.finish(1, "first");

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.interrupted.contains(2));
    assertThat(hedging(p).hedgeWins()).isZero();
  }

  @Test
  void whenEveryRunFailsTheCallFailsWithTheLastAndTheOthersSuppressed() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    IllegalStateException first = new IllegalStateException("first run failed");
    IllegalStateException second = new IllegalStateException("hedge failed");

    runs.fail(1, first);
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.getCompletedTaskCount() == 1);
    assertThat(caller).isNotDone();
    runs.fail(2, second);

    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(second);
    assertThat(second.getSuppressed()).containsExactly(first);
  }

  @Test
  void aFailedFirstRunWithNoHedgeInFlightEndsTheCallWithoutHedging() throws Exception {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    IllegalStateException failure = new IllegalStateException("down");
    runs.fail(1, failure);

    assertThatThrownBy(() -> p.execute(runs::run)).isSameAs(failure);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(runs.started.get()).isEqualTo(1);
    assertThat(hedging(p).hedgesStarted()).isZero();
  }

  @Test
  void anEmptyBudgetStartsNoHedgeAndCountsTheRefusal() throws Exception {
    Policy p = hedged(HedgeConfig.builder().delay(DELAY).budget(RetryBudget.of(0.0, 1)).build());
    CompletableFuture<String> one = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    runs.finish(2, "hedged");
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo("hedged");

    CompletableFuture<String> two = callInBackground(p);
    runs.awaitStarted(3);
    awaitTimer();
    scheduler.advance(DELAY.multipliedBy(5));

    assertThat(hedging(p).hedgesDeniedByBudget()).isEqualTo(1);
    assertThat(hedging(p).hedgesStarted()).isEqualTo(1);
    assertThat(runs.started.get()).isEqualTo(3);
    runs.finish(3, "slow");
    assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
  }

  @Test
  void hedgesDrawFromASharedRetryBudgetThatAnotherPolicyDrained() throws Exception {
    RetryBudget shared = RetryBudget.tokenBucket(4, 0.1).shared("search-api");
    Policy other =
        Policy.builder("search-other")
            .retry(
                RetryConfig.builder()
                    .maxRetries(1)
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ZERO))
                    .budget(shared)
                    .build())
            .scheduler(scheduler)
            .build();
    assertThatThrownBy(
            () ->
                other.execute(
                    () -> {
                      throw new dev.reliability.core.error.ServiceUnavailableException(
                          "search-api", "down");
                    }))
        .isInstanceOf(dev.reliability.core.error.ServiceUnavailableException.class);
    // Two failed attempts took two of four tokens: no more than half is left.
    assertThat(shared.available()).isEqualTo(2.0);

    Policy p =
        build(
            Policy.builder("search")
                .retry(RetryConfig.builder().budget(shared).build())
                .hedge(HedgeConfig.ofDelay(DELAY)));
    CompletableFuture<String> one = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    assertThat(hedging(p).hedgesDeniedByBudget()).isEqualTo(1);
    assertThat(hedging(p).hedgesStarted()).isZero();
    runs.finish(1, "slow");
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
  }

  @Test
  void hedgesDrawFromTheRetryBudgetWhenTheRetryHasOne() throws Exception {
    Policy p =
        build(
            Policy.builder("search")
                .retry(RetryConfig.builder().budget(RetryBudget.of(0.0, 1)).build())
                .hedge(HedgeConfig.ofDelay(DELAY)));
    CompletableFuture<String> one = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    runs.finish(2, "hedged");
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo("hedged");

    assertThat(p.retry().orElseThrow().budgetAvailable()).isZero();
    CompletableFuture<String> two = callInBackground(p);
    runs.awaitStarted(3);
    awaitTimer();
    scheduler.advance(DELAY);
    assertThat(hedging(p).hedgesDeniedByBudget()).isEqualTo(1);
    runs.finish(3, "slow");
    assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
  }

  @Test
  void noMoreThanMaxHedgesStart() throws Exception {
    Policy p = hedged(HedgeConfig.builder().delay(DELAY).maxHedges(2).build());
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(3);
    scheduler.advance(DELAY.multipliedBy(10));

    assertThat(hedging(p).hedgesStarted()).isEqualTo(2);
    assertThat(runs.started.get()).isEqualTo(3);
    assertThat(scheduler.pendingTasks()).isZero();
    runs.finish(3, "third");
    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("third");
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.interrupted.containsAll(Set.of(1, 2)));
  }

  @Test
  void noHedgeStartsAfterTheCallsDeadline() throws Exception {
    Policy p =
        build(
            Policy.builder("search")
                .retry(RetryConfig.builder().maxDuration(Duration.ofMillis(150)).build())
                .hedge(HedgeConfig.builder().delay(DELAY).maxHedges(2).build()));
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    scheduler.advance(DELAY.multipliedBy(5));

    assertThat(hedging(p).hedgesStarted()).isEqualTo(1);
    assertThat(scheduler.pendingTasks()).isZero();
    runs.finish(1, "first");
    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("first");
  }

  @Test
  void theRequestContextIsPresentInEveryHedge() throws Exception {
    Policy p = hedged(HedgeConfig.builder().delay(DELAY).maxHedges(2).build());
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () -> {
              TestContextAccessor.VALUE.set("request-7");
              try {
                return p.execute(
                    () -> {
                      seen.add(String.valueOf(TestContextAccessor.VALUE.get()));
                      return runs.run();
                    });
              } finally {
                TestContextAccessor.VALUE.remove();
              }
            },
            callers);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(3);
    runs.finish(3, "done");

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(seen).containsExactly("request-7", "request-7", "request-7");
  }

  @Test
  void anInterruptedLoserIsNeitherABreakerFailureNorRetried() throws Exception {
    Policy p =
        build(
            Policy.builder("search")
                .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
                .retry(RetryConfig.builder().maxRetries(3).retryOn(RuntimeException.class).build())
                .hedge(HedgeConfig.ofDelay(DELAY)));
    CompletableFuture<String> caller = callInBackground(p);
    runs.awaitStarted(1);
    awaitTimer();
    scheduler.advance(DELAY);
    runs.awaitStarted(2);
    runs.finish(2, "hedge");
    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.getCompletedTaskCount() == 2);

    CircuitBreaker breaker = p.circuitBreaker().orElseThrow();
    assertThat(breaker.failedCalls()).isZero();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(runs.started.get()).isEqualTo(2);
    assertThat(p.retry().orElseThrow().retries()).isZero();
  }

  @Test
  void aFallbackSeesTheFailureOfTheHedgedCall() {
    Policy p = hedged(HedgeConfig.ofDelay(DELAY));
    runs.fail(1, new IllegalStateException("down"));

    assertThat(p.execute(runs::run, Fallback.value("cached"))).isEqualTo("cached");
  }

  @Test
  void thePercentileDelayFollowsRecordedLatencies() {
    Policy p =
        hedged(
            HedgeConfig.builder()
                .delay(DELAY)
                .delayPercentile(0.9)
                .minSamples(10)
                .minDelay(Duration.ofMillis(1))
                .maxDelay(Duration.ofSeconds(1))
                .percentileWindow(Duration.ofSeconds(10))
                .build());
    assertThat(hedging(p).delayNanos()).isEqualTo(DELAY.toNanos());

    takeEach(p, Duration.ofMillis(20), 10);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(hedging(p).delayNanos())
        .isBetween(Duration.ofMillis(20).toNanos(), Duration.ofMillis(22).toNanos());

    takeEach(p, Duration.ofMillis(50), 10);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(hedging(p).delayNanos())
        .isBetween(Duration.ofMillis(50).toNanos(), Duration.ofMillis(54).toNanos());

    scheduler.advance(Duration.ofSeconds(30));
    assertThat(hedging(p).delayNanos()).as("no recent latencies").isEqualTo(DELAY.toNanos());
  }

  @Test
  void thePercentileDelayStaysWithinItsBounds() {
    Policy p =
        hedged(
            HedgeConfig.builder()
                .delayPercentile(0.5)
                .minSamples(5)
                .minDelay(Duration.ofMillis(30))
                .maxDelay(Duration.ofMillis(40))
                .build());
    takeEach(p, Duration.ofMillis(5), 5);
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(hedging(p).delayNanos()).isEqualTo(Duration.ofMillis(30).toNanos());
    takeEach(p, Duration.ofMillis(90), 20);
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(hedging(p).delayNanos()).isEqualTo(Duration.ofMillis(40).toNanos());
  }

  @Test
  void refusalsOfAnOpenBreakerStayOutOfThePercentile() {
    Policy p =
        build(
            Policy.builder("search")
                .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
                .hedge(
                    HedgeConfig.builder()
                        .delay(DELAY)
                        .delayPercentile(0.5)
                        .minSamples(3)
                        .minDelay(Duration.ofMillis(1))
                        .build()));
    assertThatThrownBy(
            () ->
                p.execute(
                    () -> {
                      scheduler.timeSource().advance(Duration.ofMillis(50));
                      throw new IllegalStateException("down");
                    }))
        .hasMessage("down");
    assertThat(p.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> p.execute(() -> "never")).isInstanceOf(CircuitOpenException.class);
    }

    scheduler.advance(Duration.ofSeconds(3));
    assertThat(hedging(p).delayNanos()).as("one latency known").isEqualTo(DELAY.toNanos());
  }

  @Test
  void aTimerThatRefusesWorkLeavesTheCallUnhedged() {
    PolicyScheduler refusing =
        new PolicyScheduler() {
          @Override
          public TimeSource timeSource() {
            return scheduler.timeSource();
          }

          @Override
          public Future<?> schedule(Runnable task, long delayNanos) {
            throw new RejectedExecutionException("timer shut down");
          }

          @Override
          public void sleepNanos(long nanos) {}
        };
    policy =
        Policy.builder("search")
            .hedge(HedgeConfig.ofDelay(DELAY))
            .scheduler(refusing)
            .executor(pool)
            .build();
    runs.finish(1, "unhedged");

    assertThat(policy.execute(runs::run)).isEqualTo("unhedged");
    assertThat(hedging(policy).hedgesStarted()).isZero();
  }

  @Test
  void anErrorFromTheTimerLeavesTheCallUnhedged() {
    PolicyScheduler broken =
        new PolicyScheduler() {
          @Override
          public TimeSource timeSource() {
            return scheduler.timeSource();
          }

          @Override
          public Future<?> schedule(Runnable task, long delayNanos) {
            throw new OutOfMemoryError("no thread for the timer");
          }

          @Override
          public void sleepNanos(long nanos) {}
        };
    policy =
        Policy.builder("search")
            .hedge(HedgeConfig.ofDelay(DELAY))
            .scheduler(broken)
            .executor(pool)
            .build();
    runs.finish(1, "unhedged");

    assertThat(policy.execute(runs::run)).isEqualTo("unhedged");
    assertThat(hedging(policy).hedgesStarted()).isZero();
  }

  @Test
  void anErrorStartingAHedgeLeavesTheCallToItsFirstRun() throws Exception {
    AtomicInteger executions = new AtomicInteger();
    policy =
        Policy.builder("search")
            .hedge(HedgeConfig.ofDelay(DELAY))
            .scheduler(scheduler)
            .executor(
                task -> {
                  if (executions.incrementAndGet() == 2) {
                    throw new StackOverflowError("while starting the hedge");
                  }
                  pool.execute(task);
                })
            .build();
    CompletableFuture<String> caller = callInBackground(policy);
    runs.awaitStarted(1);
    awaitTimer();

    scheduler.advance(DELAY);
    assertThat(executions.get()).isEqualTo(2);
    assertThat(caller).isNotDone();
    runs.finish(1, "first");

    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(runs.started.get()).isEqualTo(1);
  }

  /** Runs calls one after another, each taking the given time on the manual clock. */
  private void takeEach(Policy p, Duration latency, int calls) {
    for (int i = 0; i < calls; i++) {
      assertThat(
              p.execute(
                  () -> {
                    scheduler.timeSource().advance(latency);
                    return "ok";
                  }))
          .isEqualTo("ok");
    }
  }

  /**
   * Runs of a call: run {@code n} (counted from 1 across calls) waits until the test finishes or
   * fails it, and records an interrupt.
   */
  static final class Runs {
    final AtomicInteger started = new AtomicInteger();
    final Set<Integer> interrupted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, CompletableFuture<String>> outcomes = new ConcurrentHashMap<>();

    private CompletableFuture<String> outcome(int n) {
      return outcomes.computeIfAbsent(n, k -> new CompletableFuture<>());
    }

    String run() {
      int n = started.incrementAndGet();
      try {
        return outcome(n).get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.add(n);
        throw new IllegalStateException("run " + n + " interrupted", e);
      } catch (ExecutionException e) {
        throw (RuntimeException) e.getCause();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("run " + n + " was never finished by the test", e);
      }
    }

    void finish(int n, String value) {
      outcome(n).complete(value);
    }

    void fail(int n, RuntimeException failure) {
      outcome(n).completeExceptionally(failure);
    }

    void awaitStarted(int n) {
      await().atMost(Duration.ofSeconds(10)).until(() -> started.get() >= n);
    }

    void releaseAll() {
      for (int n = 1; n <= started.get() + 1; n++) {
        outcome(n).complete("released");
      }
    }
  }
}
