package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.error.ThrottledException;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.core.problem.ProblemDetailFactory;
import dev.reliability.test.ManualScheduler;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyThrottleTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();
  private final AtomicInteger sent = new AtomicInteger();

  /** Refuses at once whenever the probability is above zero. */
  private static ThrottleConfig.Builder throttle() {
    return ThrottleConfig.builder().minimumRequests(3).random(() -> 0.0);
  }

  private Policy.Builder policy() {
    return Policy.builder("inventory").scheduler(scheduler).listener(listener);
  }

  private String unavailable() {
    sent.incrementAndGet();
    throw new ServiceUnavailableException("inventory", "503 from inventory");
  }

  @Test
  void aThrottledCallEndsWithThrottledExceptionWithoutReachingTheDependency() {
    Policy policy = policy().throttle(throttle().build()).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(this::unavailable))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    AdaptiveThrottle throttle = policy.throttle().orElseThrow();
    assertThat(throttle.requests()).isEqualTo(3);
    assertThat(throttle.accepts()).isZero();

    assertThatThrownBy(() -> policy.execute(this::unavailable))
        .isInstanceOfSatisfying(
            ThrottledException.class,
            e -> {
              assertThat(e.component()).isEqualTo("inventory");
              assertThat(e.rejectionProbability()).isEqualTo(0.8);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
              assertThat(e.httpStatus()).isEqualTo(503);
            });
    assertThat(sent).hasValue(3);
    assertThat(throttle.throttledCalls()).isEqualTo(1);
    assertThat(listener.matching("rejected")).containsExactly("rejected THROTTLED PT1S");
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
  }

  @Test
  void aThrottledCallBecomesA503ProblemWithRetryAfter() {
    Policy policy = policy().throttle(throttle().build()).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(this::unavailable));
    }
    Throwable e = catchThrowable(() -> policy.execute(this::unavailable));
    ProblemDetail problem = ProblemDetailFactory.ofDefaults().create(e, "req-1");
    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.errorCode()).isEqualTo("THROTTLED");
    assertThat(problem.retryable()).isTrue();
    assertThat(problem.retryAfterHeader()).contains("1");
    assertThat(problem.details())
        .containsEntry("component", "inventory")
        .containsEntry("rejection_probability", 0.8);
    assertThat(RejectionReason.THROTTLED.tagValue()).isEqualTo("throttled");
  }

  @Test
  void theDirectPathThrottlesAndCountsLikeTheGeneralOne() {
    // No listener: the policy takes its direct path.
    Policy policy = Policy.builder("inventory").throttle(throttle().build()).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(this::unavailable))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    assertThatThrownBy(() -> policy.execute(this::unavailable))
        .isInstanceOf(ThrottledException.class);
    assertThat(sent).hasValue(3);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);

    Policy healthy = Policy.builder("inventory").throttle(throttle().build()).build();
    for (int i = 0; i < 5; i++) {
      assertThat(healthy.execute(() -> "ok")).isEqualTo("ok");
    }
    assertThat(healthy.throttle().orElseThrow().accepts()).isEqualTo(5);
  }

  @Test
  void aThrottledAttemptIsNotRetried() {
    Policy policy =
        policy()
            .throttle(throttle().minimumRequests(1).build())
            .retry(
                RetryConfig.builder().maxRetries(3).backoff(Backoff.fixed(Duration.ZERO)).build())
            .build();
    // The first attempt is sent and refused; the retry's second attempt is throttled and ends
    // the call: a rejection by the policy itself is never retried.
    assertThatThrownBy(() -> policy.execute(this::unavailable))
        .isInstanceOf(ThrottledException.class);
    assertThat(sent).hasValue(1);
    assertThat(policy.throttle().orElseThrow().throttledCalls()).isEqualTo(1);
    assertThat(listener.matching("retry")).hasSize(1);
  }

  @Test
  void theFallbackSeesTheThrottledException() {
    Policy policy = policy().throttle(throttle().build()).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> policy.execute(this::unavailable));
    }
    String value =
        policy.execute(
            this::unavailable,
            Fallback.onRejection(
                e ->
                    e instanceof ThrottledException t
                        ? "cached at " + t.rejectionProbability()
                        : "?"));
    assertThat(value).isEqualTo("cached at 0.8");
  }

  @Test
  void anAsynchronousCallIsThrottledToo() throws Exception {
    Policy policy = policy().throttle(throttle().build()).build();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<String> f =
          policy.executeAsync(
              () -> {
                sent.incrementAndGet();
                return CompletableFuture.failedFuture(
                    new ServiceUnavailableException("inventory", "503"));
              });
      assertThat(f).isCompletedExceptionally();
    }
    CompletableFuture<String> throttled =
        policy.executeAsync(
            () -> {
              sent.incrementAndGet();
              return CompletableFuture.completedFuture("never");
            });
    assertThat(throttled).isCompletedExceptionally();
    assertThatThrownBy(throttled::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ThrottledException.class);
    assertThat(sent).hasValue(3);
    assertThat(listener.matching("rejected")).containsExactly("rejected THROTTLED PT1S");

    Policy healthy = policy().throttle(throttle().build()).build();
    assertThat(healthy.executeAsync(() -> CompletableFuture.completedFuture("ok")).get())
        .isEqualTo("ok");
    assertThat(healthy.throttle().orElseThrow().accepts()).isEqualTo(1);
  }

  @Test
  void refusalsReturnedAsValuesCountWhenARuleSaysSo() {
    // A client that returns its responses: status 503 is a refusal by the rule.
    Policy policy =
        policy()
            .throttle(throttle().rejectedWhenResult(status -> status.equals(503)).build())
            .build();
    for (int i = 0; i < 3; i++) {
      assertThat(policy.execute(() -> 503)).isEqualTo(503);
    }
    AdaptiveThrottle throttle = policy.throttle().orElseThrow();
    assertThat(throttle.accepts()).isZero();
    assertThatThrownBy(() -> policy.execute(() -> 200)).isInstanceOf(ThrottledException.class);

    // Without a rule a returned value is an answer, whatever it holds.
    Policy plain = policy().throttle(throttle().build()).build();
    for (int i = 0; i < 3; i++) {
      plain.execute(() -> 503);
    }
    assertThat(plain.throttle().orElseThrow().accepts()).isEqualTo(3);
    assertThat(plain.execute(() -> 200)).isEqualTo(200);
  }

  @Test
  void aClientErrorIsAnAnswerAndCountsAsAccepted() {
    Policy policy = policy().throttle(throttle().build()).build();
    assertThatThrownBy(
            () ->
                policy.execute(
                    () -> {
                      throw new DataValidationException("bad sku");
                    }))
        .isInstanceOf(DataValidationException.class);
    assertThat(policy.throttle().orElseThrow().accepts()).isEqualTo(1);
  }

  @Test
  void aCallALaterLimitRefusesIsNotCountedAgainstTheDependency() {
    Policy policy =
        policy()
            .throttle(throttle().build())
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(1))
            .build();
    CompletableFuture<String> holding = new CompletableFuture<>();
    CompletableFuture<String> inFlight = policy.executeAsync(() -> holding);
    AdaptiveThrottle throttle = policy.throttle().orElseThrow();
    assertThat(throttle.requests()).isEqualTo(1);

    assertThatThrownBy(() -> policy.execute(() -> "no room"))
        .isInstanceOf(BulkheadFullException.class);
    assertThat(policy.executeAsync(() -> CompletableFuture.completedFuture("no room")))
        .isCompletedExceptionally();
    assertThat(throttle.requests()).isEqualTo(1);

    holding.complete("done");
    assertThat(inFlight).isCompletedWithValue("done");
    assertThat(throttle.accepts()).isEqualTo(1);
  }

  @Test
  void settingsComeFromTheConfigSource() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.throttle.inventory.enabled", "true",
                "reliability.throttle.inventory.k", "1.5",
                "reliability.throttle.window", "30s",
                "reliability.throttle.inventory.retry-after", "5s"));
    Policy policy = Policy.builder("inventory").configSource(source).build();
    ThrottleConfig config = policy.throttle().orElseThrow().config();
    assertThat(config.k()).isEqualTo(1.5);
    assertThat(config.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.config().throttle()).contains(config);
    assertThat(Policy.builder("search").configSource(source).build().throttle()).isEmpty();

    ConfigSource off =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.throttle.inventory.enabled", "false"));
    assertThat(
            Policy.builder("inventory")
                .throttle(ThrottleConfig.ofDefaults())
                .configSource(off)
                .build()
                .throttle())
        .isEmpty();

    ConfigSource bad =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.throttle.inventory.buckets", "0"));
    assertThatThrownBy(
            () ->
                Policy.builder("inventory")
                    .throttle(ThrottleConfig.ofDefaults())
                    .configSource(bad)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.throttle.inventory.buckets")
        .hasMessageContaining("must be a whole number between 1 and 100");
  }

  @Test
  void successfulCallsThroughAThrottleAllocateNothing() {
    Policy policy = Policy.builder("inventory").throttle(ThrottleConfig.ofDefaults()).build();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int calls = 50_000;
    for (int round = 0; round < 3; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < calls; i++) {
        policy.execute(() -> "ok");
      }
      long bytes = threads.getThreadAllocatedBytes(thread) - before;
      if (round == 2) {
        // A bucket is allocated once per bucket period (10 s); nothing per call.
        assertThat(bytes / calls).isLessThan(8);
      }
    }
  }
}
