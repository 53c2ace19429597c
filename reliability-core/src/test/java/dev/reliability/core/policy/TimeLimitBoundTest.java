package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.CapacityExceededException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calls that ignore the interrupt keep their thread after the time limit released the caller. The
 * time limit bounds how many such attempts a policy has in flight, on platform and virtual threads
 * alike, and refuses the call past the bound instead of starting one more thread.
 */
class TimeLimitBoundTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger interrupts = new AtomicInteger();
  private Policy policy;

  @AfterEach
  void stop() {
    release.countDown();
    callers.shutdownNow();
    if (policy != null) {
      policy.close();
    }
    // The released calls end on their own threads; the next test counts threads by this policy's
    // name, so it starts only once they are gone.
    await().atMost(Duration.ofSeconds(30)).until(() -> platformThreadsOf("stuck-backend") == 0);
  }

  private Policy build(TimeLimiterConfig config) {
    policy =
        Policy.builder("stuck-backend")
            .timeLimiter(config)
            .scheduler(scheduler)
            .listener(listener)
            .build();
    return policy;
  }

  /** A call that ignores every interrupt until the test releases it. */
  private String ignoringInterrupts(CountDownLatch started) {
    started.countDown();
    while (true) {
      try {
        if (release.await(30, TimeUnit.SECONDS)) {
          return "late";
        }
        throw new IllegalStateException("not released");
      } catch (InterruptedException e) {
        interrupts.incrementAndGet();
      }
    }
  }

  /** Starts {@code n} stuck calls, moves time past their limit, and waits for every caller. */
  private void stuckCalls(Policy policy, int n, Duration timeout) throws Exception {
    CountDownLatch started = new CountDownLatch(n);
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> policy.execute(() -> ignoringInterrupts(started)), callers));
    }
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(timeout);
    for (CompletableFuture<String> call : calls) {
      assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ServiceTimeoutException.class);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> interrupts.get() == n);
  }

  private static long platformThreadsOf(String policy) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("reliability-policy-" + policy + "-"))
        .count();
  }

  @Test
  void stuckCallsHoldAtMostTheBoundAndTheNextCallIsRefused() throws Exception {
    Policy policy =
        build(
            TimeLimiterConfig.builder()
                .timeout(Duration.ofSeconds(1))
                .maxConcurrentAttempts(3)
                .build());
    TimeLimiter limiter = policy.timeLimiter().orElseThrow();

    stuckCalls(policy, 3, Duration.ofSeconds(1));
    assertThat(limiter.runningAfterTimeout()).isEqualTo(3);
    assertThat(limiter.attemptsInFlight()).isEqualTo(3);

    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(() -> policy.execute(() -> ran.getAndSet(true)))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e)
                  .hasMessage(
                      "Policy 'stuck-backend' has 3 time-limited attempts in flight, the most its"
                          + " time limit allows (reliability.timelimiter.max-concurrent-attempts);"
                          + " attempts that ignore the interrupt hold their thread until they end");
              assertThat(e.component()).isEqualTo("stuck-backend");
              assertThat(e.capacity()).isEqualTo(3);
              assertThat(e.errorCode()).isEqualTo(StandardErrorCode.CAPACITY_EXCEEDED);
              assertThat(e.isRetryable()).isTrue();
            });
    assertThat(ran).isFalse();
    assertThat(platformThreadsOf("stuck-backend")).isLessThanOrEqualTo(3);
    assertThat(limiter.rejectedCalls()).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
    assertThat(listener.matching("rejected")).containsExactly("rejected BULKHEAD_FULL null");

    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> limiter.attemptsInFlight() == 0);
    assertThat(limiter.runningAfterTimeout()).isZero();
    assertThat(limiter.ignoredInterrupts()).isEqualTo(3);
    assertThat(policy.execute(() -> "again")).isEqualTo("again");
    assertThat(limiter.attemptsInFlight()).isZero();
  }

  @Test
  void byDefaultStuckCallsCannotTakeAThreadEach() throws Exception {
    Policy policy = build(TimeLimiterConfig.of(Duration.ofSeconds(1)));
    int bound = 256; // the documented default

    stuckCalls(policy, bound, Duration.ofSeconds(1));

    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(() -> policy.execute(() -> ran.getAndSet(true)))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessageContaining("has 256 time-limited attempts in flight");
    assertThat(ran).isFalse();
    assertThat(platformThreadsOf("stuck-backend")).isLessThanOrEqualTo(bound);
  }

  @Test
  void aRefusedCallIsNotRetriedAndDoesNotCountAsABreakerFailure() throws Exception {
    policy =
        Policy.builder("stuck-backend")
            .timeLimiter(
                TimeLimiterConfig.builder()
                    .timeout(Duration.ofSeconds(1))
                    .maxConcurrentAttempts(1)
                    .build())
            .retry(RetryConfig.builder().maxRetries(2).jitter(Jitter.NONE).build())
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
            .scheduler(scheduler)
            .build();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> stuck =
        CompletableFuture.supplyAsync(
            () -> policy.execute(() -> ignoringInterrupts(started)), callers);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> policy.execute(attempts::incrementAndGet))
        .isInstanceOf(CapacityExceededException.class);

    assertThat(attempts).hasValue(0);
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(policy.circuitBreaker().orElseThrow().failedCalls()).isZero();
    release.countDown();
    assertThat(stuck.get(30, TimeUnit.SECONDS)).isEqualTo("late");
  }

  @Test
  void builderAndSettingValidateTheBound() {
    assertThatThrownBy(() -> TimeLimiterConfig.builder().maxConcurrentAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "max-concurrent-attempts must be "
                + TimeLimiterConfig.MAX_CONCURRENT_ATTEMPTS.rule()
                + ", was 0");
    assertThat(TimeLimiterConfig.ofDefaults().maxConcurrentAttempts()).isEqualTo(256);
    assertThat(TimeLimiterConfig.MAX_CONCURRENT_ATTEMPTS.defaultValue()).contains(256);
    assertThat(TimeLimiterConfig.ofDefaults().toBuilder().maxConcurrentAttempts(8).build())
        .isNotEqualTo(TimeLimiterConfig.ofDefaults())
        .hasToString("TimeLimiterConfig[timeout=30s, cancelRunning=true, maxConcurrentAttempts=8]");
  }

  @Test
  void theBoundIsReadFromConfiguration() {
    PolicyConfig config =
        PolicyConfig.builder()
            .timeLimiter(TimeLimiterConfig.ofDefaults())
            .build()
            .withOverrides(
                ConfigSource.fromMap(
                    "test",
                    Map.of("reliability.timelimiter.stuck-backend.max-concurrent-attempts", "12")),
                "stuck-backend");

    assertThat(config.timeLimiter().orElseThrow().maxConcurrentAttempts()).isEqualTo(12);
  }

  @Test
  void callsWithoutAThreadLeftOverReturnTheirSlot() {
    Policy policy =
        build(
            TimeLimiterConfig.builder()
                .timeout(Duration.ofSeconds(1))
                .maxConcurrentAttempts(1)
                .build());
    for (int i = 0; i < 5; i++) {
      assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
      int n = i;
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new IllegalStateException("failed " + n);
                      }))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(policy.timeLimiter().orElseThrow().attemptsInFlight()).isZero();
    assertThat(policy.timeLimiter().orElseThrow().rejectedCalls()).isZero();
  }
}
