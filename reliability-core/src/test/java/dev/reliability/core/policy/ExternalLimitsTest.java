package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.CapacityExceededException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.policy.ExternalFakes.FakeBulkhead;
import dev.reliability.core.policy.ExternalFakes.FakeLimiter;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** External rate limiters and bulkheads (limits kept by another engine) inside a policy. */
class ExternalLimitsTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Policy> policies = new ArrayList<>();

  @AfterEach
  void stop() {
    policies.forEach(Policy::close);
    pool.shutdownNow();
  }

  private Policy build(Policy.Builder builder) {
    Policy p = builder.scheduler(scheduler).executor(pool).build();
    policies.add(p);
    return p;
  }

  private ContextScope deadlineIn(Duration left) {
    return RequestContext.of("req-1")
        .withDeadline(Deadline.after(left, scheduler.timeSource()))
        .bind();
  }

  private static void assertReleasedOnce(FakeBulkhead bulkhead, int permits) {
    assertThat(bulkhead.acquired.get()).isEqualTo(permits);
    assertThat(bulkhead.released.get()).isEqualTo(permits);
    assertThat(bulkhead.overReleased.get()).isZero();
    assertThat(bulkhead.inUse.get()).isZero();
  }

  // ---------------------------------------------------------------- rate limiter

  @Test
  void aRefusalOfTheExternalRateLimiterIsRateLimitExceededWithItsExactRetryAfter() {
    FakeLimiter limiter = new FakeLimiter().answer(-1_234_567L);
    RecordingListener listener = new RecordingListener();
    AtomicInteger ran = new AtomicInteger();
    Policy p = build(Policy.builder("partner").rateLimiter(limiter).listener(listener));

    RateLimitExceededException e =
        catchThrowableOfType(
            RateLimitExceededException.class, () -> p.execute(() -> ran.incrementAndGet()));

    assertThat(e.retryAfter()).contains(Duration.ofNanos(1_234_567L));
    assertThat(e.component()).isEqualTo("partner");
    assertThat(ran).hasValue(0);
    assertThat(listener.events).contains("rejected RATE_LIMITED PT0.001234567S");
  }

  @Test
  void anAsyncRefusalOfTheExternalRateLimiterCarriesTheSameRetryAfter() {
    FakeLimiter limiter = new FakeLimiter().answer(-5_000_000L);
    Policy p = build(Policy.builder("partner").rateLimiter(limiter));

    CompletableFuture<String> f = p.executeAsync(() -> CompletableFuture.completedFuture("never"));

    assertThatThrownBy(f::join)
        .cause()
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(5)));
  }

  @Test
  void theWaitTheExternalRateLimiterNamesIsWaitedOnThePolicysScheduler() {
    FakeLimiter limiter = new FakeLimiter().answer(300_000_000L);
    Policy p = build(Policy.builder("partner").rateLimiter(limiter));

    assertThat(p.execute(() -> "ok")).isEqualTo("ok");

    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(300));
    assertThat(limiter.asked).containsExactly(Duration.ofMillis(500).toNanos());
  }

  @Test
  void theWaitPassedToAcquireIsTheConfiguredMaxWaitClippedByTheRequestsDeadline() {
    FakeLimiter limiter = new FakeLimiter();
    Policy p = build(Policy.builder("partner").rateLimiter(limiter));

    p.execute(() -> "no deadline");
    try (ContextScope scope = deadlineIn(Duration.ofMillis(200))) {
      p.execute(() -> "deadline before the max wait");
      p.executeAsync(() -> CompletableFuture.completedFuture("async")).join();
    }
    try (ContextScope scope = deadlineIn(Duration.ofSeconds(2))) {
      p.execute(() -> "deadline after the max wait");
    }

    assertThat(limiter.asked)
        .containsExactly(
            Duration.ofMillis(500).toNanos(),
            Duration.ofMillis(200).toNanos(),
            Duration.ofMillis(200).toNanos(),
            Duration.ofMillis(500).toNanos());
  }

  @Test
  void theRateLimiterViewIsTheExternalLimiterAndTheConfigurationDescribesIt() {
    FakeLimiter limiter = new FakeLimiter();
    Policy p = build(Policy.builder("partner").rateLimiter(limiter));

    assertThat(p.rateLimiter()).containsSame(limiter);
    assertThat(p.config().rateLimiter()).contains(limiter.config());
    p.execute(() -> "ok");
    assertThat(p.rateLimiter().orElseThrow().permittedCalls()).isEqualTo(1);
  }

  @Test
  void aLaterRateLimiterSettingReplacesTheExternalLimiter() {
    FakeLimiter limiter = new FakeLimiter();
    RateLimiterConfig own =
        RateLimiterConfig.builder().limit(3).period(Duration.ofSeconds(1)).build();
    Policy p = build(Policy.builder("partner").rateLimiter(limiter).rateLimiter(own));

    p.execute(() -> "ok");

    assertThat(limiter.asked).isEmpty();
    assertThat(p.rateLimiter().orElseThrow()).isNotSameAs(limiter);
    assertThat(p.config().rateLimiter()).contains(own);
  }

  @Test
  void aThrowingExternalRateLimiterRefusesTheCallWithOneEmissionIntervalAsRetryAfter() {
    FakeLimiter limiter = new FakeLimiter();
    limiter.failure = new IllegalStateException("engine bug");
    AtomicInteger ran = new AtomicInteger();
    Policy p =
        build(
            Policy.builder("partner")
                .rateLimiter(limiter)
                .circuitBreaker(CircuitBreakerConfig.ofDefaults()));

    RateLimitExceededException e =
        catchThrowableOfType(
            RateLimitExceededException.class, () -> p.execute(() -> ran.incrementAndGet()));

    // 100 permits a second: one every 10 ms.
    assertThat(e.retryAfter()).contains(Duration.ofMillis(10));
    assertThat(ran).hasValue(0);
    limiter.failure = null;
    assertThat(p.execute(() -> "ok")).isEqualTo("ok");
  }

  // ---------------------------------------------------------------- bulkhead

  @Test
  void aSyncCallTakesAndGivesBackOneExternalPermitOnSuccessAndOnFailure() {
    FakeBulkhead bulkhead = new FakeBulkhead(2);
    Policy p = build(Policy.builder("db").bulkhead(bulkhead));

    assertThat(p.execute(() -> bulkhead.inUse.get())).isEqualTo(1);
    assertThatThrownBy(
            () ->
                p.execute(
                    () -> {
                      throw new IllegalStateException("down");
                    }))
        .hasMessage("down");

    assertReleasedOnce(bulkhead, 2);
  }

  @Test
  void retriesTakeAndGiveBackAPermitPerAttempt() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    AtomicInteger attempts = new AtomicInteger();
    Policy p =
        build(
            Policy.builder("db")
                .bulkhead(bulkhead)
                .retry(
                    RetryConfig.builder()
                        .maxRetries(2)
                        .jitter(Jitter.NONE)
                        .backoff(Backoff.fixed(Duration.ofMillis(10)))
                        .build()));

    String v =
        p.execute(
            () -> {
              if (attempts.incrementAndGet() < 3) {
                return Failures.unavailable();
              }
              return "third";
            });

    assertThat(v).isEqualTo("third");
    assertReleasedOnce(bulkhead, 3);
  }

  @Test
  void aFullExternalBulkheadRefusesWithBulkheadFullExceptionOfItsConfigurationAndRunsNothing() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    assertThat(bulkhead.tryAcquire()).isTrue(); // another instance holds the only permit
    RecordingListener listener = new RecordingListener();
    AtomicInteger ran = new AtomicInteger();
    Policy p = build(Policy.builder("db").bulkhead(bulkhead).listener(listener));

    BulkheadFullException e =
        catchThrowableOfType(BulkheadFullException.class, () -> p.execute(ran::incrementAndGet));

    assertThat(e.maxConcurrentCalls()).isEqualTo(1);
    assertThat(e.retryAfter()).contains(Duration.ofMillis(250));
    assertThat(ran).hasValue(0);
    assertThat(listener.events).contains("rejected BULKHEAD_FULL PT0.25S");
    assertThat(bulkhead.released).hasValue(0);
    assertThat(p.bulkhead()).containsSame(bulkhead);
    assertThat(p.bulkhead().orElseThrow().rejectedCalls()).isEqualTo(1);
    assertThat(p.config().bulkhead()).contains(bulkhead.config());
  }

  @Test
  void theDirectPathRefusesWithTheSameExceptionWhenTheBulkheadIsFull() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    assertThat(bulkhead.tryAcquire()).isTrue();
    // No listener, no rate limiter, no time limit: the engine's direct path.
    Policy p = build(Policy.builder("db").bulkhead(bulkhead));

    assertThatThrownBy(() -> p.execute(() -> "never"))
        .isInstanceOfSatisfying(
            BulkheadFullException.class, e -> assertThat(e.maxConcurrentCalls()).isEqualTo(1));
    bulkhead.release();
    assertThat(p.execute(() -> "ok")).isEqualTo("ok");
    assertThat(bulkhead.overReleased).hasValue(0);
    assertThat(bulkhead.inUse).hasValue(0);
  }

  @Test
  void aPermitOfACallThatALaterComponentRefusedIsGivenBackOnce() throws Exception {
    FakeBulkhead bulkhead = new FakeBulkhead(5);
    // The time limit admits one attempt in flight: the second call takes a bulkhead permit and is
    // then refused by the time limit, so its call never runs.
    Policy p =
        build(
            Policy.builder("db")
                .bulkhead(bulkhead)
                .timeLimiter(
                    TimeLimiterConfig.builder()
                        .timeout(Duration.ofSeconds(10))
                        .maxConcurrentAttempts(1)
                        .build()));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<String> first =
        pool.submit(
            () ->
                p.execute(
                    () -> {
                      running.countDown();
                      awaitLatch(finish);
                      return "first";
                    }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> p.execute(() -> "never"))
        .isInstanceOf(CapacityExceededException.class);
    assertThat(bulkhead.acquired).hasValue(2);
    assertThat(bulkhead.released).hasValue(1);

    finish.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    await().atMost(Duration.ofSeconds(10)).until(() -> bulkhead.released.get() == 2);
    assertReleasedOnce(bulkhead, 2);
  }

  @Test
  void anAsyncCallGivesItsPermitBackOnceWhenItsStageCompletes() {
    FakeBulkhead bulkhead = new FakeBulkhead(2);
    Policy p = build(Policy.builder("db").bulkhead(bulkhead));
    CompletableFuture<String> ok = new CompletableFuture<>();
    CompletableFuture<String> bad = new CompletableFuture<>();

    CompletableFuture<String> one = p.executeAsync(() -> ok);
    CompletableFuture<String> two = p.executeAsync(() -> bad);
    assertThat(bulkhead.inUse).hasValue(2);
    ok.complete("done");
    bad.completeExceptionally(new IllegalStateException("down"));

    assertThat(one.join()).isEqualTo("done");
    assertThatThrownBy(two::join).hasCauseInstanceOf(IllegalStateException.class);
    assertReleasedOnce(bulkhead, 2);
  }

  @Test
  void anAsyncTimeOutGivesThePermitBackOnceWhenTheCancelledStageEnds() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    Policy p =
        build(
            Policy.builder("db")
                .bulkhead(bulkhead)
                .timeLimiter(TimeLimiterConfig.of(Duration.ofMillis(100))));
    CompletableFuture<String> never = new CompletableFuture<>();

    CompletableFuture<String> f = p.executeAsync(() -> never);
    scheduler.advance(Duration.ofMillis(100));

    assertThatThrownBy(f::join).hasCauseInstanceOf(ServiceTimeoutException.class);
    assertThat(never).isCancelled();
    never.complete("late"); // no effect on a cancelled stage, and no second release
    assertReleasedOnce(bulkhead, 1);
  }

  @Test
  void anAsyncTimeOutOfAStageThatCannotBeCancelledGivesThePermitBackWhenItEnds() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    Policy p =
        build(
            Policy.builder("db")
                .bulkhead(bulkhead)
                .timeLimiter(
                    TimeLimiterConfig.builder()
                        .timeout(Duration.ofMillis(100))
                        .cancelRunning(false)
                        .build()));
    CompletableFuture<String> slow = new CompletableFuture<>();

    CompletableFuture<String> f = p.executeAsync(() -> slow);
    scheduler.advance(Duration.ofMillis(100));
    assertThatThrownBy(f::join).hasCauseInstanceOf(ServiceTimeoutException.class);
    // The work still runs: it still holds its permit.
    assertThat(bulkhead.inUse).hasValue(1);

    slow.complete("late");
    assertReleasedOnce(bulkhead, 1);
  }

  @Test
  void aSyncTimeOutGivesThePermitBackOnceWhenTheInterruptedAttemptEnds() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    Policy p =
        build(
            Policy.builder("db")
                .bulkhead(bulkhead)
                .timeLimiter(TimeLimiterConfig.of(Duration.ofMillis(100))));
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () ->
                p.execute(
                    () -> {
                      running.countDown();
                      awaitLatch(new CountDownLatch(1)); // until interrupted
                      return "never";
                    }),
            pool);
    awaitLatch(running);
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.pendingTasks() == 1);

    scheduler.advance(Duration.ofMillis(100));

    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ServiceTimeoutException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> bulkhead.released.get() == 1);
    assertReleasedOnce(bulkhead, 1);
  }

  @Test
  void aCancelledHedgeGivesItsPermitBackOnce() throws Exception {
    FakeBulkhead bulkhead = new FakeBulkhead(2);
    Policy p =
        build(
            Policy.builder("search")
                .bulkhead(bulkhead)
                .hedge(HedgeConfig.ofDelay(Duration.ofMillis(100))));
    HedgingTest.Runs runs = new HedgingTest.Runs();
    try {
      CompletableFuture<String> caller =
          CompletableFuture.supplyAsync(() -> p.execute(runs::run), pool);
      runs.awaitStarted(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.pendingTasks() == 1);
      scheduler.advance(Duration.ofMillis(100));
      runs.awaitStarted(2);
      runs.finish(2, "hedge");

      assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.interrupted.contains(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> bulkhead.released.get() == 2);
      assertReleasedOnce(bulkhead, 2);
    } finally {
      runs.releaseAll();
    }
  }

  @Test
  void aCancelledAsyncHedgeGivesItsPermitBackOnce() {
    FakeBulkhead bulkhead = new FakeBulkhead(2);
    Policy p =
        build(
            Policy.builder("search")
                .bulkhead(bulkhead)
                .hedge(HedgeConfig.ofDelay(Duration.ofMillis(100))));
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    AtomicInteger runs = new AtomicInteger();

    CompletableFuture<String> f =
        p.executeAsync(() -> runs.incrementAndGet() == 1 ? first : second);
    scheduler.advance(Duration.ofMillis(100));
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    second.complete("hedge");

    assertThat(f.join()).isEqualTo("hedge");
    await().atMost(Duration.ofSeconds(10)).until(first::isCancelled);
    await().atMost(Duration.ofSeconds(10)).until(() -> bulkhead.released.get() == 2);
    assertReleasedOnce(bulkhead, 2);
  }

  @Test
  void eachRunOfAHedgedCallAsksTheExternalRateLimiterAndARefusedHedgeLeavesTheFirstRunOn() {
    FakeLimiter limiter = new FakeLimiter().answer(0, -7_000_000L);
    Policy p =
        Policy.builder("search")
            .rateLimiter(limiter)
            .hedge(HedgeConfig.ofDelay(Duration.ofMillis(100)))
            .scheduler(scheduler)
            .executor(Runnable::run)
            .build();
    policies.add(p);
    CompletableFuture<String> first = new CompletableFuture<>();
    AtomicInteger runs = new AtomicInteger();

    CompletableFuture<String> f =
        p.executeAsync(
            () -> {
              runs.incrementAndGet();
              return first;
            });
    scheduler.advance(Duration.ofMillis(100));
    assertThat(limiter.asked).hasSize(2);
    assertThat(runs).hasValue(1);
    first.complete("first");

    assertThat(f.join()).isEqualTo("first");
    assertThat(limiter.rejectedCalls()).isEqualTo(1);
  }

  @Test
  void aThrowingExternalBulkheadRefusesTheCall() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    bulkhead.failure = new IllegalStateException("engine bug");
    AtomicInteger ran = new AtomicInteger();
    Policy p = build(Policy.builder("db").bulkhead(bulkhead));

    assertThatThrownBy(() -> p.execute(ran::incrementAndGet))
        .isInstanceOf(BulkheadFullException.class);

    assertThat(ran).hasValue(0);
    assertThat(bulkhead.released).hasValue(0);
  }

  @Test
  void aLaterBulkheadSettingReplacesTheExternalBulkhead() {
    FakeBulkhead bulkhead = new FakeBulkhead(1);
    Policy p = build(Policy.builder("db").bulkhead(bulkhead).bulkhead(BulkheadConfig.ofDefaults()));

    p.execute(() -> "ok");

    assertThat(bulkhead.acquired).hasValue(0);
    assertThat(p.bulkhead().orElseThrow()).isNotSameAs(bulkhead);
  }

  // ---------------------------------------------------------------- reconfiguration

  @Test
  void aReconfigurationKeepsTheExternalRateLimiterAndBulkheadAndTheirPermitsInFlight() {
    FakeLimiter limiter = new FakeLimiter();
    FakeBulkhead bulkhead = new FakeBulkhead(2);
    Policy p = build(Policy.builder("partner").rateLimiter(limiter).bulkhead(bulkhead));
    CompletableFuture<String> inFlight = new CompletableFuture<>();
    CompletableFuture<String> before = p.executeAsync(() -> inFlight);

    p.reconfigure(
        PolicyConfig.builder()
            .rateLimiter(RateLimiterConfig.builder().limit(1).period(Duration.ofHours(1)).build())
            .bulkhead(BulkheadConfig.builder().maxConcurrentCalls(9).build())
            .retry(RetryConfig.ofDefaults())
            .build());

    assertThat(p.rateLimiter()).containsSame(limiter);
    assertThat(p.bulkhead()).containsSame(bulkhead);
    assertThat(p.config().rateLimiter()).contains(limiter.config());
    assertThat(p.config().bulkhead()).contains(bulkhead.config());
    assertThat(p.config().retry()).isPresent();
    assertThat(p.execute(() -> "after")).isEqualTo("after");
    assertThat(p.execute(() -> "and again")).isEqualTo("and again");
    assertThat(limiter.asked).hasSize(3);

    inFlight.complete("before");
    assertThat(before.join()).isEqualTo("before");
    assertReleasedOnce(bulkhead, 3);
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void underConcurrencyEveryPermitIsGivenBackExactlyOnce() throws Exception {
    FakeBulkhead bulkhead = new FakeBulkhead(3);
    FakeLimiter limiter = new FakeLimiter();
    Policy p =
        build(
            Policy.builder("db")
                .bulkhead(bulkhead)
                .rateLimiter(limiter)
                .retry(
                    RetryConfig.builder()
                        .maxRetries(1)
                        .jitter(Jitter.NONE)
                        .backoff(Backoff.fixed(Duration.ZERO))
                        .build()));
    int threads = 4;
    int callsPerThread = 500;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<int[]>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      workers.add(
          pool.submit(
              () -> {
                awaitLatch(start);
                int[] outcomes = new int[3]; // success, failure, refused
                for (int i = 0; i < callsPerThread; i++) {
                  int n = i + seed;
                  try {
                    if (n % 3 == 0) {
                      p.executeAsync(
                              () ->
                                  n % 2 == 0
                                      ? CompletableFuture.completedFuture("ok")
                                      : CompletableFuture.<String>failedFuture(
                                          new IllegalStateException("down")))
                          .join();
                    } else {
                      p.execute(
                          () -> {
                            if (n % 5 == 0) {
                              throw new IllegalStateException("down");
                            }
                            return "ok";
                          });
                    }
                    outcomes[0]++;
                  } catch (BulkheadFullException e) {
                    outcomes[2]++;
                  } catch (RuntimeException e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    outcomes[c instanceof BulkheadFullException ? 2 : 1]++;
                  }
                }
                return outcomes;
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<int[]> w : workers) {
      int[] o = w.get(60, TimeUnit.SECONDS);
      total += o[0] + o[1] + o[2];
    }

    assertThat(total).isEqualTo(threads * callsPerThread);
    assertThat(bulkhead.acquired.get()).isPositive();
    assertReleasedOnce(bulkhead, bulkhead.acquired.get());
    assertThat(limiter.asked).hasSize(bulkhead.acquired.get() + (int) bulkhead.rejectedCalls());
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the latch");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
