package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyReconfigurationTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();
  private final List<String> events = new ArrayList<>();
  private final PolicyRegistry registry =
      PolicyRegistry.builder()
          .configSource(ConfigSource.empty())
          .scheduler(scheduler)
          .executor(Runnable::run)
          .listener(listener)
          .build();

  {
    registry.addListener(
        new PolicyRegistry.Listener() {
          @Override
          public void onReconfigured(Policy policy, PolicyConfig before, PolicyConfig after) {
            events.add(policy.name() + ": " + before + " -> " + after);
          }
        });
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private Policy policy(PolicyConfig config) {
    registry.reconfigure(registry.policy("payments").name(), config);
    events.clear();
    return registry.policy("payments");
  }

  private static PolicyConfig breaker(CircuitBreakerConfig.Builder b) {
    return PolicyConfig.builder().circuitBreaker(b.build()).build();
  }

  private static void fail(Policy policy, int times) {
    for (int i = 0; i < times; i++) {
      assertThatThrownBy(() -> policy.execute(Failures.failing()))
          .isInstanceOf(ServiceUnavailableException.class);
    }
  }

  @Test
  void anOpenBreakerStaysOpenAcrossAReconfigurationAndItsWaitGoesOn() {
    Policy policy = policy(breaker(CircuitBreakerConfig.builder().failureThreshold(3)));
    fail(policy, 3);
    CircuitBreaker before = policy.circuitBreaker().orElseThrow();
    assertThat(before.state()).isEqualTo(CircuitState.OPEN);
    scheduler.advance(Duration.ofSeconds(20));

    registry.reconfigure(
        "payments",
        breaker(
            CircuitBreakerConfig.builder().failureThreshold(3).waitInOpen(Duration.ofSeconds(30))));

    CircuitBreaker after = policy.circuitBreaker().orElseThrow();
    assertThat(after.state()).isEqualTo(CircuitState.OPEN);
    assertThat(after.retryAfter()).contains(Duration.ofSeconds(10));
    assertThat(after.failedCalls()).isEqualTo(3);
    assertThat(after.openings()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> policy.execute(() -> "x")).isInstanceOf(CircuitOpenException.class);
    assertThat(after.rejectedCalls()).isEqualTo(1);

    scheduler.advance(Duration.ofMillis(1));
    assertThat(policy.execute(() -> "trial")).isEqualTo("trial");
    assertThat(after.state()).isEqualTo(CircuitState.HALF_OPEN);
    // One opening, one half-opening: the reconfiguration itself is no state change.
    assertThat(listener.matching("state"))
        .containsExactly("state CLOSED -> OPEN", "state OPEN -> HALF_OPEN");
  }

  @Test
  void aLowerFailureRateThresholdJudgesTheCarriedWindowOnTheNextCall() {
    CircuitBreakerConfig.Builder rule =
        CircuitBreakerConfig.builder()
            .failureThreshold(0)
            .slidingWindowSize(10)
            .minimumCalls(10)
            .failureRateThreshold(0.5);
    Policy policy = policy(breaker(rule));
    fail(policy, 3);
    for (int i = 0; i < 7; i++) {
      policy.execute(() -> "ok");
    }
    assertThat(policy.circuitBreaker().orElseThrow().failureRate()).isEqualTo(30f);

    registry.reconfigure("payments", breaker(rule.failureRateThreshold(0.3)));

    CircuitBreaker after = policy.circuitBreaker().orElseThrow();
    assertThat(after.bufferedCalls()).isEqualTo(10);
    assertThat(after.state()).isEqualTo(CircuitState.CLOSED);
    // The oldest outcome (a failure) leaves the window, a new failure comes: still 30%, now
    // tripping.
    fail(policy, 1);
    assertThat(after.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void anotherWindowSizeStartsAnEmptyWindow() {
    CircuitBreakerConfig.Builder rule =
        CircuitBreakerConfig.builder().failureThreshold(0).slidingWindowSize(10).minimumCalls(4);
    Policy policy = policy(breaker(rule));
    fail(policy, 3);

    registry.reconfigure("payments", breaker(rule.slidingWindowSize(20)));

    assertThat(policy.circuitBreaker().orElseThrow().bufferedCalls()).isZero();
    assertThat(policy.circuitBreaker().orElseThrow().failedCalls()).isEqualTo(3);
  }

  @Test
  void theFailuresInARowCarryOver() {
    Policy policy = policy(breaker(CircuitBreakerConfig.builder().failureThreshold(4)));
    fail(policy, 2);

    registry.reconfigure("payments", breaker(CircuitBreakerConfig.builder().failureThreshold(3)));

    fail(policy, 1);
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void moreRetriesAndAnotherBackoffApplyToTheNextCallAndTheCountsGoOn() {
    Policy policy =
        policy(
            PolicyConfig.builder()
                .retry(
                    RetryConfig.builder()
                        .maxRetries(1)
                        .backoff(Backoff.fixed(Duration.ofMillis(100)))
                        .jitter(Jitter.NONE)
                        .build())
                .build());
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> policy.execute(() -> Failures.unavailable(attempts)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(attempts).hasValue(2);
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100));

    registry.reconfigure(
        "payments",
        PolicyConfig.builder()
            .retry(
                RetryConfig.builder()
                    .maxRetries(3)
                    .backoff(Backoff.fixed(Duration.ofMillis(250)))
                    .jitter(Jitter.NONE)
                    .build())
            .build());

    attempts.set(0);
    assertThatThrownBy(() -> policy.execute(() -> Failures.unavailable(attempts)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(attempts).hasValue(4);
    assertThat(scheduler.sleeps())
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(250),
            Duration.ofMillis(250));
    Retry retry = policy.retry().orElseThrow();
    assertThat(retry.retries()).isEqualTo(4);
    assertThat(retry.exhausted()).isEqualTo(2);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(2);
  }

  @Test
  void anAsynchronousCallInFlightFinishesOnTheConfigurationItStartedWith() {
    Policy policy =
        policy(
            PolicyConfig.builder()
                .retry(
                    RetryConfig.builder()
                        .maxRetries(1)
                        .backoff(Backoff.fixed(Duration.ofMillis(100)))
                        .jitter(Jitter.NONE)
                        .build())
                .build());
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> first =
        policy.executeAsync(
            () ->
                attempts.incrementAndGet() == 1
                    ? CompletableFuture.failedFuture(
                        new ServiceUnavailableException("downstream", "down", null))
                    : CompletableFuture.completedFuture("second attempt"));
    assertThat(first).isNotDone();

    registry.reconfigure("payments", PolicyConfig.builder().build());
    scheduler.advance(Duration.ofMillis(100));

    assertThat(first).isCompletedWithValue("second attempt");
    assertThat(policy.retry()).isEmpty();
    CompletableFuture<String> second =
        policy.executeAsync(
            () ->
                CompletableFuture.failedFuture(
                    new ServiceUnavailableException("downstream", "down", null)));
    assertThat(second).isCompletedExceptionally();
    assertThat(attempts).hasValue(2);
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void aLongerTimeLimitAppliesToCallsStartedAfterTheReconfiguration() {
    Policy policy =
        policy(
            PolicyConfig.builder()
                .timeLimiter(TimeLimiterConfig.of(Duration.ofMillis(500)))
                .build());
    CompletableFuture<String> early = policy.executeAsync(CompletableFuture::new);

    registry.reconfigure(
        "payments",
        PolicyConfig.builder().timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2))).build());
    CompletableFuture<String> late = policy.executeAsync(CompletableFuture::new);
    scheduler.advance(Duration.ofMillis(500));

    assertThatThrownBy(early::join).hasCauseInstanceOf(ServiceTimeoutException.class);
    assertThat(late).isNotDone();
    scheduler.advance(Duration.ofMillis(1500));
    assertThatThrownBy(late::join)
        .cause()
        .isInstanceOf(ServiceTimeoutException.class)
        .hasMessage("Call to payments timed out after 2000 ms");
  }

  @Test
  void aBulkheadWithNewSettingsTakesNewCallsWhileOldPermitsDrain() throws Exception {
    ExecutorService callers = Executors.newSingleThreadExecutor();
    try {
      Policy policy =
          policy(
              PolicyConfig.builder()
                  .bulkhead(BulkheadConfig.builder().maxConcurrentCalls(1).build())
                  .build());
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> holding =
          CompletableFuture.supplyAsync(
              () ->
                  policy.execute(
                      () -> {
                        started.countDown();
                        await(release);
                        return "held";
                      }),
              callers);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> policy.execute(() -> "x")).isInstanceOf(BulkheadFullException.class);

      registry.reconfigure(
          "payments",
          PolicyConfig.builder()
              .bulkhead(BulkheadConfig.builder().maxConcurrentCalls(2).build())
              .build());

      Bulkhead bulkhead = policy.bulkhead().orElseThrow();
      assertThat(bulkhead.availablePermits()).isEqualTo(2);
      assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
      assertThat(policy.execute(() -> "new")).isEqualTo("new");
      release.countDown();
      assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo("held");
      assertThat(bulkhead.availablePermits()).isEqualTo(2);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void anUnchangedBulkheadKeepsItsPermitsInUse() throws Exception {
    ExecutorService callers = Executors.newSingleThreadExecutor();
    try {
      BulkheadConfig one = BulkheadConfig.builder().maxConcurrentCalls(1).build();
      Policy policy = policy(PolicyConfig.builder().bulkhead(one).build());
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> holding =
          CompletableFuture.supplyAsync(
              () ->
                  policy.execute(
                      () -> {
                        started.countDown();
                        await(release);
                        return "held";
                      }),
              callers);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      registry.reconfigure(
          "payments",
          PolicyConfig.builder()
              .bulkhead(one)
              .retry(RetryConfig.builder().maxRetries(1).build())
              .build());

      assertThatThrownBy(() -> policy.execute(() -> "x")).isInstanceOf(BulkheadFullException.class);
      release.countDown();
      assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo("held");
      assertThat(policy.execute(() -> "after")).isEqualTo("after");
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void theRegistryTellsItsListenersAndKeepsThePolicyObject() {
    Policy policy = policy(breaker(CircuitBreakerConfig.builder().failureThreshold(3)));
    PolicyConfig before = policy.config();

    PolicyConfig applied =
        registry.reconfigure(
            "payments", breaker(CircuitBreakerConfig.builder().failureThreshold(7)));

    assertThat(registry.policy("payments")).isSameAs(policy);
    assertThat(policy.config()).isSameAs(applied);
    assertThat(applied.circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(7);
    assertThat(events).containsExactly("payments: " + before + " -> " + applied);
  }

  @Test
  void theRegistrysConfigurationKeysStillApplyOnTopOfTheNewConfiguration() {
    PolicyRegistry keyed =
        PolicyRegistry.builder()
            .scheduler(scheduler)
            .configSource(
                ConfigSource.fromMap(
                    "test", Map.of("reliability.circuitbreaker.payments.failure-threshold", "9")))
            .build();
    try {
      keyed.policy("payments");
      PolicyConfig applied =
          keyed.reconfigure(
              "payments", breaker(CircuitBreakerConfig.builder().failureThreshold(2)));
      assertThat(applied.circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(9);
    } finally {
      keyed.close();
    }
  }

  @Test
  void anUnknownPolicyIsRefusedByName() {
    assertThatThrownBy(() -> registry.reconfigure("nobody", PolicyConfig.ofDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be the name of a policy of this registry, was \"nobody\"");
  }

  @Test
  void aReloadWithSeveralBadSettingsChangesNothingAndNamesThemAll() {
    Policy payments = policy(breaker(CircuitBreakerConfig.builder().failureThreshold(3)));
    Policy search = registry.policy("search");
    PolicyConfig paymentsBefore = payments.config();
    PolicyConfig searchBefore = search.config();
    CircuitBreaker breakerBefore = payments.circuitBreaker().orElseThrow();

    assertThatThrownBy(
            () ->
                registry.reload(
                    ConfigSource.fromMap(
                        "reload.properties",
                        Map.of(
                            "reliability.circuitbreaker.payments.failure-threshold", "-1",
                            "reliability.circuitbreaker.search.wait-in-open", "soon",
                            "reliability.retry.search.max-retries", "3"))))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.key())
                    .containsExactlyInAnyOrder(
                        "reliability.circuitbreaker.payments.failure-threshold",
                        "reliability.circuitbreaker.search.wait-in-open"));

    assertThat(payments.config()).isSameAs(paymentsBefore);
    assertThat(search.config()).isSameAs(searchBefore);
    assertThat(payments.circuitBreaker().orElseThrow()).isSameAs(breakerBefore);
    assertThat(events).isEmpty();
  }

  @Test
  void aGoodReloadChangesOnlyThePoliciesItChangesAndLaterPoliciesUseIt() {
    policy(breaker(CircuitBreakerConfig.builder().failureThreshold(3)));
    registry.policy("search");

    var changed =
        registry.reload(
            ConfigSource.fromMap(
                "reload.properties",
                Map.of("reliability.circuitbreaker.payments.failure-threshold", "8")));

    assertThat(changed).containsExactly("payments");
    assertThat(
            registry.policy("payments").config().circuitBreaker().orElseThrow().failureThreshold())
        .isEqualTo(8);
    assertThat(events).hasSize(1);
    Policy later = registry.policy("payments-2");
    assertThat(later.config().circuitBreaker().orElseThrow().failureThreshold())
        .isEqualTo(CircuitBreakerConfig.ofDefaults().failureThreshold());
  }

  @Test
  void aResilience4jBreakerFromTheRegistryIsKeptWithItsState() {
    io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry theirs =
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
    PolicyRegistry withTheirs =
        PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .scheduler(scheduler)
            .circuitBreakerRegistry(theirs)
            .build();
    try {
      Policy inventory = withTheirs.policy("inventory");
      theirs.circuitBreaker("inventory").transitionToOpenState();

      withTheirs.reconfigure(
          "inventory", breaker(CircuitBreakerConfig.builder().failureThreshold(2)));

      assertThat(inventory.circuitBreaker().orElseThrow().resilience4j())
          .containsSame(theirs.circuitBreaker("inventory"));
      assertThat(inventory.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);
      assertThat(inventory.config().circuitBreaker()).isEmpty();
    } finally {
      withTheirs.close();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
