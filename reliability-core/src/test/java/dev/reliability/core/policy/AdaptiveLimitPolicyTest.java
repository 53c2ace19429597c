package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.ConcurrencyLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdaptiveLimitPolicyTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  /** AIMD from a limit of 1: no start-up probe, so tests control admission exactly. */
  private static AdaptiveLimitConfig one() {
    return AdaptiveLimitConfig.builder()
        .algorithm(Algorithm.AIMD)
        .initialLimit(1)
        .minLimit(1)
        .retryAfter(Duration.ofMillis(250))
        .build();
  }

  private Policy.Builder builder() {
    return Policy.builder("inventory").scheduler(scheduler).executor(Runnable::run);
  }

  @Test
  void eachSynchronousAttemptIsASampleOfTheInjectedClock() {
    Policy policy = builder().adaptiveLimit(AdaptiveLimitConfig.ofDefaults()).build();
    AdaptiveLimiter limiter = policy.adaptiveLimit().orElseThrow();

    for (int i = 0; i < 2 * 10; i++) {
      policy.execute(
          () -> {
            scheduler.timeSource().advance(Duration.ofMillis(10));
            return "ok";
          });
    }

    // Two windows of ten samples end the start-up probe: the baseline is the attempts' duration.
    assertThat(limiter.baselineLatencyNanos()).isEqualTo(Duration.ofMillis(10).toNanos());
    assertThat(limiter.limit()).isEqualTo(20);
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void aSynchronousCallOverTheLimitIsRefusedWithTheHierarchysRejectionAndNotRetried() {
    AtomicInteger innerAttempts = new AtomicInteger();
    List<RejectionReason> rejections = new ArrayList<>();
    Policy policy =
        builder()
            .adaptiveLimit(one())
            .retry(RetryConfig.builder().maxRetries(3).build())
            .listener(
                new PolicyListener() {
                  @Override
                  public void onRejected(
                      String name, Object handle, RejectionReason reason, Duration retryAfter) {
                    rejections.add(reason);
                  }
                })
            .build();

    Throwable refused =
        policy.execute(
            () -> {
              try {
                policy.execute(innerAttempts::incrementAndGet);
                return null;
              } catch (ConcurrencyLimitExceededException e) {
                return e;
              }
            });

    assertThat(refused).isInstanceOf(ConcurrencyLimitExceededException.class);
    ConcurrencyLimitExceededException e = (ConcurrencyLimitExceededException) refused;
    assertThat(e.errorCode()).isEqualTo(StandardErrorCode.CONCURRENCY_LIMIT_EXCEEDED);
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.retryAfter()).contains(Duration.ofMillis(250));
    assertThat(e.component()).isEqualTo("inventory");
    assertThat(e.partition()).isEqualTo("default");
    assertThat(e.getMessage())
        .isEqualTo(
            "Concurrency limit of 'inventory' is reached (1 calls in flight, traffic class"
                + " 'default')");
    assertThat(innerAttempts).hasValue(0);
    assertThat(rejections).containsExactly(RejectionReason.CONCURRENCY_LIMITED);
    assertThat(RejectionReason.CONCURRENCY_LIMITED.tagValue()).isEqualTo("concurrency_limited");
    assertThat(policy.adaptiveLimit().orElseThrow().rejectedCalls()).isEqualTo(1);
    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isZero();
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
  }

  @Test
  void theFallbackSeesTheRejection() {
    Policy policy = builder().adaptiveLimit(one()).build();

    String answer =
        policy.execute(
            () ->
                policy.execute(
                    () -> "fresh",
                    Fallback.onRejection(
                        f -> f instanceof ConcurrencyLimitExceededException ? "cached" : "?")));

    assertThat(answer).isEqualTo("cached");
  }

  @Test
  void anAsynchronousAttemptHoldsItsPermitUntilItsStageEnds() {
    Policy policy = builder().adaptiveLimit(one()).build();
    CompletableFuture<String> first = new CompletableFuture<>();

    CompletableFuture<String> held = policy.executeAsync(() -> first);
    CompletableFuture<String> refused =
        policy.executeAsync(() -> CompletableFuture.completedFuture("second"));

    assertThat(refused)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ConcurrencyLimitExceededException.class);
    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isEqualTo(1);
    first.complete("first");
    assertThat(held).isCompletedWithValue("first");
    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isZero();
    assertThat(policy.executeAsync(() -> CompletableFuture.completedFuture("third")))
        .isCompletedWithValue("third");
  }

  @Test
  void asynchronousTimeOutsOfTheOwnTimeLimitAreDrops() {
    Policy policy =
        builder()
            .adaptiveLimit(AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofMillis(100)))
            .build();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(policy.executeAsync(CompletableFuture::new));
    }

    scheduler.advance(Duration.ofMillis(100));

    assertThat(calls).allMatch(CompletableFuture::isCompletedExceptionally);
    AdaptiveLimiter limiter = policy.adaptiveLimit().orElseThrow();
    assertThat(limiter.limit()).isEqualTo(18);
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void overloadFailuresAreDropsAndOtherFailuresAreIgnored() {
    Policy policy =
        builder()
            .adaptiveLimit(AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build())
            .build();
    AdaptiveLimiter limiter = policy.adaptiveLimit().orElseThrow();

    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new IllegalStateException("bug");
                      }))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(limiter.limit()).isEqualTo(20);

    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new ServiceUnavailableException("inventory", "overloaded");
                      }))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    assertThat(limiter.limit()).isEqualTo(18);
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void theTrafficClassPicksThePartitionWhoseShareIsReserved() {
    ThreadLocal<String> trafficClass = new ThreadLocal<>();
    Policy policy =
        builder()
            .adaptiveLimit(one().toBuilder().initialLimit(2).partition("health", 0.5).build())
            .trafficClass(trafficClass::get)
            .build();

    String answer =
        policy.execute(
            () -> {
              assertThatThrownBy(() -> policy.execute(() -> "default"))
                  .isInstanceOf(ConcurrencyLimitExceededException.class);
              trafficClass.set("health");
              try {
                return policy.execute(() -> "health");
              } finally {
                trafficClass.remove();
              }
            });

    assertThat(answer).isEqualTo("health");
    assertThat(policy.adaptiveLimit().orElseThrow().partition("health").inFlight()).isZero();
  }

  @Test
  void aPolicyWithBothKeepsTheBulkheadAsTheOuterCeiling() {
    Policy policy =
        builder().bulkhead(BulkheadConfig.ofMaxConcurrentCalls(5)).adaptiveLimit(one()).build();

    policy.execute(
        () -> {
          assertThatThrownBy(() -> policy.execute(() -> "inner"))
              .isInstanceOf(ConcurrencyLimitExceededException.class);
          // The refused attempt gave its bulkhead permit back.
          assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(4);
          return null;
        });
    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(5);
  }

  @Test
  void settingsComeFromThePolicysConfigSource() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.adaptive-limit.inventory.enabled", "true",
                "reliability.adaptive-limit.inventory.max-limit", "50",
                "reliability.adaptive-limit.algorithm", "aimd"));

    Policy policy = builder().configSource(source).build();

    AdaptiveLimitConfig config = policy.config().adaptiveLimit().orElseThrow();
    assertThat(config.maxLimit()).isEqualTo(50);
    assertThat(config.algorithm()).isEqualTo(Algorithm.AIMD);
    assertThat(policy.adaptiveLimit().orElseThrow().config()).isEqualTo(config);
    assertThat(Policy.builder("other").configSource(source).build().adaptiveLimit()).isEmpty();
  }

  @Test
  void anAsynchronousRejectionReachesTheFallback() {
    Policy policy = builder().adaptiveLimit(one()).build();
    CompletableFuture<String> first = new CompletableFuture<>();
    policy.executeAsync(() -> first);

    CompletableFuture<String> second =
        policy.executeAsync(
            () -> CompletableFuture.completedFuture("fresh"), Fallback.onRejection(f -> "cached"));

    assertThat(second).isCompletedWithValue("cached");
    first.complete("done");
    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isZero();
  }

  @Test
  void theDirectPathWithAnAdaptiveLimitAllocatesNothingPerCall() {
    Policy policy =
        Policy.builder("fast")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .adaptiveLimit(AdaptiveLimitConfig.ofDefaults())
            .build();
    java.util.function.Supplier<String> call = () -> "ok";
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long bytesPerCall = Long.MAX_VALUE;
    // A few rounds, so the JIT has compiled the path; the best round counts.
    for (int round = 0; round < 5 && bytesPerCall > 0; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 200_000; i++) {
        policy.execute(call);
      }
      bytesPerCall = (threads.getThreadAllocatedBytes(thread) - before) / 200_000;
    }

    assertThat(bytesPerCall).isZero();
    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isZero();
  }

  @Test
  void synchronousTimeOutsAreDropsAndGiveThePermitBackWhileTheAbandonedWorkRunsOn()
      throws Exception {
    Policy policy =
        Policy.builder("inventory")
            .scheduler(scheduler)
            .adaptiveLimit(AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build())
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(1)))
            .build();
    java.util.concurrent.ExecutorService callers =
        java.util.concurrent.Executors.newCachedThreadPool();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(10);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try {
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () ->
                    policy.execute(
                        () -> {
                          started.countDown();
                          // Ignores the interrupt: the work runs on after its caller is released.
                          while (true) {
                            try {
                              release.await();
                              return "late";
                            } catch (InterruptedException ignored) {
                              // keep waiting
                            }
                          }
                        }),
                callers));
      }
      assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      scheduler.advance(Duration.ofSeconds(1));

      for (CompletableFuture<String> call : calls) {
        assertThatThrownBy(() -> call.get(10, java.util.concurrent.TimeUnit.SECONDS))
            .hasCauseInstanceOf(dev.reliability.core.error.ServiceTimeoutException.class);
      }
      AdaptiveLimiter limiter = policy.adaptiveLimit().orElseThrow();
      assertThat(limiter.limit()).isEqualTo(18);
      assertThat(limiter.inFlight()).isZero();
      assertThat(policy.timeLimiter().orElseThrow().runningAfterTimeout()).isEqualTo(10);
    } finally {
      release.countDown();
      callers.shutdownNow();
      policy.close();
    }
  }
}
