package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeLimiterTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private Policy policy;

  @AfterEach
  void stop() {
    release.countDown();
    callers.shutdownNow();
    if (policy != null) {
      policy.close();
    }
  }

  private Policy build(TimeLimiterConfig config) {
    policy =
        Policy.builder("payments")
            .timeLimiter(config)
            .scheduler(scheduler)
            .listener(listener)
            .build();
    return policy;
  }

  private static <T> java.util.function.Supplier<T> calling(
      Policy policy, java.util.concurrent.Callable<T> call) {
    return () -> {
      try {
        return policy.call(call);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    };
  }

  private static void awaitQuietly(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("latch not released");
    }
  }

  @Test
  void releasesTheCallerAtTheDeadlineAndInterruptsTheCall() throws Exception {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofSeconds(2)));
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicReference<String> callThread = new AtomicReference<>();
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            calling(
                policy,
                () -> {
                  callThread.set(Thread.currentThread().getName());
                  started.countDown();
                  try {
                    awaitQuietly(release);
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return "late";
                }),
            callers);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(caller).isNotDone();

    scheduler.advance(Duration.ofMillis(1));

    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ServiceTimeoutException.class,
            e -> {
              assertThat(e).hasMessage("Call to payments timed out after 2000 ms");
              assertThat(e.service()).isEqualTo("payments");
              assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(2));
            });
    await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
    TimeLimiter limiter = policy.timeLimiter().orElseThrow();
    assertThat(limiter.timedOutCalls()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(limiter.runningAfterTimeout()).isZero());
    assertThat(limiter.ignoredInterrupts()).isZero();
    assertThat(callThread.get()).startsWith("reliability-policy-payments-");
    assertThat(listener.matching("timeout")).containsExactly("timeout 1 PT2S");
  }

  @Test
  void countsACallThatIgnoresTheInterrupt() throws Exception {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofSeconds(1)));
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            () ->
                policy.execute(
                    () -> {
                      started.countDown();
                      while (true) {
                        try {
                          awaitQuietly(release);
                          return "finished anyway";
                        } catch (InterruptedException e) {
                          interrupts.incrementAndGet();
                        }
                      }
                    }),
            callers);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ServiceTimeoutException.class);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(interrupts).hasValue(1));
    TimeLimiter limiter = policy.timeLimiter().orElseThrow();
    assertThat(limiter.runningAfterTimeout()).isEqualTo(1);

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(limiter.ignoredInterrupts()).isEqualTo(1));
    assertThat(limiter.runningAfterTimeout()).isZero();
  }

  @Test
  void withoutCancellingTheCallRunsOnUndisturbed() throws Exception {
    Policy policy =
        build(
            TimeLimiterConfig.builder()
                .timeout(Duration.ofSeconds(1))
                .cancelRunning(false)
                .build());
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean finished = new AtomicBoolean();
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            calling(
                policy,
                () -> {
                  started.countDown();
                  try {
                    awaitQuietly(release);
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                  }
                  finished.set(true);
                  return "done";
                }),
            callers);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ServiceTimeoutException.class);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).untilTrue(finished);
    assertThat(interrupted).isFalse();
    assertThat(policy.timeLimiter().orElseThrow().ignoredInterrupts()).isZero();
  }

  @Test
  void callsThatEndInTimeReturnTheirResultOrFailure() {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofSeconds(5)));
    assertThat(policy.execute(() -> "quick")).isEqualTo("quick");
    assertThatThrownBy(() -> policy.execute(Failures.failing()))
        .isInstanceOf(dev.reliability.core.error.ServiceUnavailableException.class);
    policy.run(() -> {});
    TimeLimiter limiter = policy.timeLimiter().orElseThrow();
    assertThat(limiter.successfulCalls()).isEqualTo(2);
    assertThat(limiter.failedCalls()).isEqualTo(1);
    assertThat(limiter.timedOutCalls()).isZero();
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void eachRetryGetsItsOwnTimeLimitAndTimeoutsCountOnTheBreaker() throws Exception {
    policy =
        Policy.builder("payments")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(1)))
            .retry(
                RetryConfig.builder()
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.fixed(Duration.ofMillis(100)))
                    .build())
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .scheduler(scheduler)
            .build();
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CompletableFuture<String> caller =
        CompletableFuture.supplyAsync(
            calling(
                policy,
                () -> {
                  if (attempts.incrementAndGet() == 1) {
                    firstStarted.countDown();
                    awaitQuietly(release);
                  }
                  return "second attempt";
                }),
            callers);
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("second attempt");
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100));
    assertThat(policy.circuitBreaker().orElseThrow().failedCalls()).isEqualTo(1);
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
  }

  @Test
  void anInterruptedCallerStopsWaitingAndTheCallIsInterrupted() throws Exception {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofSeconds(30)));
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean callInterrupted = new AtomicBoolean();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    AtomicBoolean callerFlag = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                policy.call(
                    () -> {
                      started.countDown();
                      try {
                        awaitQuietly(release);
                      } catch (InterruptedException e) {
                        callInterrupted.set(true);
                      }
                      return "x";
                    });
              } catch (Throwable t) {
                seen.set(t);
                callerFlag.set(Thread.currentThread().isInterrupted());
              }
            });
    caller.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(10_000);
    assertThat(seen.get())
        .isInstanceOf(CancellationException.class)
        .hasMessage("Interrupted while waiting for a call of policy 'payments'");
    assertThat(callerFlag).isTrue();
    await().atMost(Duration.ofSeconds(10)).untilTrue(callInterrupted);
  }

  @Test
  void anAsynchronousCallIsCompletedWithTheTimeoutAndItsStageCancelled() {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofMillis(500)));
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> result = policy.executeAsync(() -> never);
    assertThat(result).isNotDone();

    scheduler.advance(Duration.ofMillis(500));

    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::join).hasCauseInstanceOf(ServiceTimeoutException.class);
    assertThat(never).isCancelled();
    TimeLimiter limiter = policy.timeLimiter().orElseThrow();
    assertThat(limiter.timedOutCalls()).isEqualTo(1);
    assertThat(limiter.runningAfterTimeout()).isZero();
  }

  @Test
  void anAsynchronousCallThatCompletesInTimeCancelsTheTimer() {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofMillis(500)));
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> result = policy.executeAsync(() -> stage);
    stage.complete("in time");
    assertThat(result).isCompletedWithValue("in time");
    assertThat(scheduler.pendingTasks()).isZero();
    assertThat(policy.timeLimiter().orElseThrow().successfulCalls()).isEqualTo(1);
  }

  @Test
  void builderRejectsInvalidValues() {
    assertThatThrownBy(() -> TimeLimiterConfig.of(Duration.ZERO))
        .hasMessage("timeout must be a duration between 1ms and 1d, was 0s");
    assertThat(TimeLimiterConfig.ofDefaults())
        .hasToString(
            "TimeLimiterConfig[timeout=30s, cancelRunning=true, maxConcurrentAttempts=256]");
  }
}
