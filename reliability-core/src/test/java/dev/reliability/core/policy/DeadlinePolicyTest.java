package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each component of a policy does with the request's deadline, sync and async. */
class DeadlinePolicyTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final ManualScheduler scheduler = ManualScheduler.create(time);
  private final RecordingListener listener = new RecordingListener();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger attempts = new AtomicInteger();
  private Policy policy;

  @AfterEach
  void stop() {
    release.countDown();
    callers.shutdownNow();
    if (policy != null) {
      policy.close();
    }
  }

  private Policy build(Policy.Builder builder) {
    policy = builder.scheduler(scheduler).listener(listener).build();
    return policy;
  }

  private ContextScope deadlineIn(Duration left) {
    return RequestContext.of("req-1").withDeadline(Deadline.after(left, time)).bind();
  }

  private static RetryConfig retryEvery100ms() {
    return RetryConfig.builder()
        .maxRetries(3)
        .backoff(Backoff.fixed(Duration.ofMillis(100)))
        .jitter(Jitter.NONE)
        .build();
  }

  private String failing() {
    attempts.incrementAndGet();
    throw new ServiceUnavailableException("quotes", "down");
  }

  @Test
  void aCallStartedAfterItsDeadlineFailsAtOnceWithoutAnAttemptOrABreakerSample() {
    Policy p =
        build(
            Policy.builder("quotes")
                .circuitBreaker(CircuitBreakerConfig.ofDefaults())
                .retry(retryEvery100ms()));
    Deadline deadline = Deadline.after(Duration.ofMillis(50), time);
    time.advanceMillis(62);

    try (ContextScope scope = RequestContext.of("req-1").withDeadline(deadline).bind()) {
      assertThatThrownBy(() -> p.execute(() -> "never"))
          .isInstanceOfSatisfying(
              DeadlineExceededException.class,
              e -> {
                assertThat(e)
                    .hasMessage("'quotes' gave up: the request's deadline passed 12 ms ago");
                assertThat(e.code()).isEqualTo("DEADLINE_EXCEEDED");
                assertThat(e.httpStatus()).isEqualTo(504);
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.details()).containsEntry("overrun_ms", 12L);
              });
    }

    CircuitBreaker breaker = p.circuitBreaker().orElseThrow();
    assertThat(breaker.bufferedCalls()).isZero();
    assertThat(breaker.failedCalls()).isZero();
    assertThat(p.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
    assertThat(listener.matching("attempt")).isEmpty();
    assertThat(listener.matching("rejected")).containsExactly("rejected DEADLINE_EXCEEDED null");
    assertThat(listener.matching("end")).containsExactly("end REJECTED attempts=0 handle-1");
  }

  @Test
  void anAsynchronousCallStartedAfterItsDeadlineFailsAtOnceWithoutAnAttempt() {
    Policy p = build(Policy.builder("quotes").circuitBreaker(CircuitBreakerConfig.ofDefaults()));
    CompletableFuture<String> result;
    try (ContextScope scope = deadlineIn(Duration.ZERO)) {
      result =
          p.executeAsync(
              () -> {
                attempts.incrementAndGet();
                return CompletableFuture.completedFuture("never");
              });
    }

    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(DeadlineExceededException.class);
    assertThat(attempts).hasValue(0);
    assertThat(p.circuitBreaker().orElseThrow().bufferedCalls()).isZero();
    assertThat(listener.matching("rejected")).containsExactly("rejected DEADLINE_EXCEEDED null");
  }

  @Test
  void aFallbackAnswersACallWhoseDeadlineHadPassed() {
    Policy p = build(Policy.builder("quotes").retry(retryEvery100ms()));
    try (ContextScope scope = deadlineIn(Duration.ZERO)) {
      Fallback<String> cached =
          Fallback.<String>of(f -> "cached").on(DeadlineExceededException.class);
      assertThat(p.execute(() -> "fresh", cached)).isEqualTo("cached");
    }
  }

  @Test
  void retriesSkipABackoffThatWouldOverrunTheDeadlineAndEndWithTheLastFailure() {
    Policy p = build(Policy.builder("quotes").retry(retryEvery100ms()));

    try (ContextScope scope = deadlineIn(Duration.ofMillis(250))) {
      assertThatThrownBy(() -> p.execute(this::failing))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    // Attempts at 0, 100 and 200 ms; a retry at 300 ms would be past the deadline at 250 ms.
    assertThat(attempts).hasValue(3);
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100));
    assertThat(p.retry().orElseThrow().exhausted()).isEqualTo(1);
  }

  @Test
  void aUsersResilience4jRetrySkipsABackoffThatWouldOverrunTheDeadlineToo() {
    io.github.resilience4j.retry.Retry own =
        io.github.resilience4j.retry.Retry.of(
            "own",
            io.github.resilience4j.retry.RetryConfig.custom()
                .maxAttempts(4)
                .waitDuration(Duration.ofMillis(100))
                .build());
    Policy p = build(Policy.builder("quotes").retry(own));

    try (ContextScope scope = deadlineIn(Duration.ofMillis(150))) {
      assertThatThrownBy(() -> p.execute(this::failing))
          .isInstanceOf(ServiceUnavailableException.class);
    }

    assertThat(attempts).hasValue(2);
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void withoutADeadlineTheSameRetryMakesEveryAttempt() {
    Policy p = build(Policy.builder("quotes").retry(retryEvery100ms()));

    assertThatThrownBy(() -> p.execute(this::failing))
        .isInstanceOf(ServiceUnavailableException.class);

    assertThat(attempts).hasValue(4);
  }

  @Test
  void asynchronousRetriesSkipABackoffThatWouldOverrunTheDeadline() {
    Policy p = build(Policy.builder("quotes").retry(retryEvery100ms()).executor(Runnable::run));
    CompletableFuture<String> result;
    try (ContextScope scope = deadlineIn(Duration.ofMillis(150))) {
      result =
          p.executeAsync(
              () -> {
                attempts.incrementAndGet();
                return CompletableFuture.failedFuture(
                    new ServiceUnavailableException("quotes", "down"));
              });
    }
    scheduler.advance(Duration.ofMillis(100));
    scheduler.advance(Duration.ofMillis(100));

    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(attempts).hasValue(2);
  }

  @Test
  void theRateLimiterWaitsNoLongerThanTheDeadlineLeaves() {
    Policy p =
        build(
            Policy.builder("quotes")
                .rateLimiter(
                    RateLimiterConfig.builder()
                        .limit(1)
                        .period(Duration.ofSeconds(1))
                        .maxWait(Duration.ofSeconds(5))
                        .build()));
    assertThat(p.execute(() -> "first")).isEqualTo("first");

    try (ContextScope scope = deadlineIn(Duration.ofMillis(200))) {
      assertThatThrownBy(() -> p.execute(() -> "second"))
          .isInstanceOf(RateLimitExceededException.class);
    }
    assertThat(scheduler.sleeps()).isEmpty();

    // Without the deadline the same call waits for the next permit, 1 s.
    assertThat(p.execute(() -> "third")).isEqualTo("third");
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void theBulkheadWaitsNoLongerThanTheDeadlineLeaves() throws Exception {
    Policy p =
        build(
            Policy.builder("quotes")
                .bulkhead(
                    BulkheadConfig.builder()
                        .maxConcurrentCalls(1)
                        .maxWait(Duration.ofSeconds(10))
                        .build()));
    CountDownLatch holding = new CountDownLatch(1);
    CompletableFuture<String> holder =
        CompletableFuture.supplyAsync(
            () ->
                p.execute(
                    () -> {
                      holding.countDown();
                      try {
                        release.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return "held";
                    }),
            callers);
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

    try (ContextScope scope = deadlineIn(Duration.ofMillis(200))) {
      assertThatThrownBy(() -> p.execute(() -> "second")).isInstanceOf(BulkheadFullException.class);
    }

    // It looked for a permit every millisecond on the policy's clock, for the 200 ms left.
    assertThat(scheduler.sleeps().stream().mapToLong(Duration::toMillis).sum()).isEqualTo(200);
    release.countDown();
    assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("held");
  }

  @Test
  void theTimeLimitNeverOutlastsTheDeadlineAndItsExpiryIsADeadlineExceeded() throws Exception {
    Policy p =
        build(
            Policy.builder("quotes")
                .circuitBreaker(CircuitBreakerConfig.ofDefaults())
                .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(10))));
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () -> {
              try (ContextScope scope = deadlineIn(Duration.ofMillis(300))) {
                return p.execute(
                    () -> {
                      started.countDown();
                      try {
                        release.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return "late";
                    });
              }
            },
            callers);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofMillis(299));
    assertThat(caller).isNotDone();

    scheduler.advance(Duration.ofMillis(1));

    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessage("'quotes' gave up: the request's deadline passed 0 ms ago");
    TimeLimiter limiter = p.timeLimiter().orElseThrow();
    assertThat(limiter.timedOutCalls()).isEqualTo(1);
    assertThat(listener.matching("timeout")).containsExactly("timeout 1 PT0.3S");
    // The caller's deadline cut the attempt short: no failure for the dependency's breaker.
    assertThat(p.circuitBreaker().orElseThrow().failedCalls()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(limiter.runningAfterTimeout()).isZero());
  }

  @Test
  void anAsynchronousAttemptEndsAtTheDeadlineEvenWithoutATimeLimit() {
    Policy p = build(Policy.builder("quotes").circuitBreaker(CircuitBreakerConfig.ofDefaults()));
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> result;
    try (ContextScope scope = deadlineIn(Duration.ofMillis(300))) {
      result = p.executeAsync(() -> never);
    }
    scheduler.advance(Duration.ofMillis(299));
    assertThat(result).isNotDone();

    scheduler.advance(Duration.ofMillis(1));

    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(DeadlineExceededException.class);
    assertThat(never).isCancelled();
    assertThat(p.circuitBreaker().orElseThrow().failedCalls()).isZero();
  }

  @Test
  void anAsynchronousTimeLimitIsClippedToTheDeadline() {
    Policy p =
        build(Policy.builder("quotes").timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(10))));
    CompletableFuture<String> result;
    try (ContextScope scope = deadlineIn(Duration.ofMillis(300))) {
      result = p.executeAsync(CompletableFuture::new);
    }
    scheduler.advance(Duration.ofMillis(300));

    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(DeadlineExceededException.class);
    assertThat(listener.matching("timeout")).containsExactly("timeout 1 PT0.3S");
  }

  @Test
  void anErrorWhileTheDeadlineTimerEndsAnAttemptFailsTheCallAndLeavesTheTimerRunning() {
    Policy p = build(Policy.builder("quotes"));
    CompletableFuture<String> uncancellable =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            throw new StackOverflowError("cancel failed");
          }
        };
    CompletableFuture<String> result;
    CompletableFuture<String> later;
    try (ContextScope scope = deadlineIn(Duration.ofMillis(300))) {
      result = p.executeAsync(() -> uncancellable);
    }
    try (ContextScope scope = deadlineIn(Duration.ofMillis(600))) {
      later = p.executeAsync(CompletableFuture::new);
    }

    scheduler.advance(Duration.ofMillis(300));
    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(StackOverflowError.class);
    scheduler.advance(Duration.ofMillis(300));
    assertThat(later)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void aTimeLimitShorterThanTheDeadlineTimesOutAsUsual() {
    Policy p =
        build(Policy.builder("quotes").timeLimiter(TimeLimiterConfig.of(Duration.ofMillis(100))));
    CompletableFuture<String> result;
    try (ContextScope scope = deadlineIn(Duration.ofSeconds(5))) {
      result = p.executeAsync(CompletableFuture::new);
    }
    scheduler.advance(Duration.ofMillis(100));

    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isNotInstanceOf(DeadlineExceededException.class)
        .withMessageContaining("timed out after 100 ms");
  }

  @Test
  void noHedgeIsScheduledToStartAtOrAfterTheDeadline() {
    Policy p = build(Policy.builder("quotes").hedge(HedgeConfig.ofDelay(Duration.ofMillis(100))));
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> result;
    try (ContextScope scope = deadlineIn(Duration.ofMillis(100))) {
      result = p.executeAsync(() -> never);
    }

    // Only the first run's own deadline timer: the hedge would start when the caller is gone.
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(p.hedging().orElseThrow().hedgesStarted()).isZero();
    assertThat(result)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void withoutADeadlineTheDirectPathAllocatesNothingPerCall() {
    Policy p = Policy.builder("fast").circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
    policy = p;
    java.util.function.Supplier<String> call = () -> "ok";
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long bytesPerCall = Long.MAX_VALUE;
    // A few rounds, so the JIT has compiled the path; the best round counts.
    for (int round = 0; round < 5 && bytesPerCall > 0; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 200_000; i++) {
        p.execute(call);
      }
      bytesPerCall = (threads.getThreadAllocatedBytes(thread) - before) / 200_000;
    }

    assertThat(bytesPerCall).isZero();
  }
}
