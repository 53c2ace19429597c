package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyMetricsTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Policy policy;

  @AfterEach
  void close() {
    if (policy != null) {
      policy.close();
    }
  }

  private Policy bound(Policy.Builder builder) {
    policy = builder.scheduler(scheduler).build();
    PolicyMetrics.of(policy).bindTo(meters);
    return policy;
  }

  /** A call that takes {@code millis} on the manual clock, then returns or fails. */
  private Supplier<String> taking(long millis, boolean fail) {
    return () -> {
      scheduler.timeSource().advance(Duration.ofMillis(millis));
      if (fail) {
        throw new ServiceUnavailableException("inventory", "down", null);
      }
      return "ok";
    };
  }

  private double counter(String name, String tag, String value) {
    return meters.get(name).tag("name", "inventory").tag(tag, value).functionCounter().count();
  }

  private double gauge(String name) {
    return meters.get(name).tag("name", "inventory").gauge().value();
  }

  private double state(String state) {
    return meters
        .get(PolicyMetrics.CIRCUIT_BREAKER_STATE)
        .tag("name", "inventory")
        .tag("state", state)
        .gauge()
        .value();
  }

  private FunctionTimer calls(String outcome) {
    return meters
        .get(PolicyMetrics.CALLS)
        .tag("name", "inventory")
        .tag("outcome", outcome)
        .functionTimer();
  }

  @Test
  void breakerMetersFollowCallsStateAndRates() {
    Policy policy =
        bound(
            Policy.builder("inventory")
                .circuitBreaker(
                    CircuitBreakerConfig.builder()
                        .failureThreshold(0)
                        .slidingWindowSize(4)
                        .minimumCalls(4)
                        .failureRateThreshold(0.5)
                        .slowCallThreshold(Duration.ofMillis(100))
                        .waitInOpen(Duration.ofSeconds(10))
                        .halfOpenCalls(1)
                        .build()));

    assertThat(state("closed")).isEqualTo(1);
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_FAILURE_RATE)).isNaN();
    policy.execute(taking(10, false));
    policy.execute(taking(200, false));
    assertThatThrownBy(() -> policy.execute(taking(10, true)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_BUFFERED_CALLS)).isEqualTo(3);
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_FAILURE_RATE)).isNaN();
    assertThatThrownBy(() -> policy.execute(taking(300, true)))
        .isInstanceOf(ServiceUnavailableException.class);

    assertThat(state("open")).isEqualTo(1);
    assertThat(state("closed")).isZero();
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_FAILURE_RATE)).isEqualTo(0.5);
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_SLOW_CALL_RATE)).isEqualTo(0.5);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_CALLS, "outcome", "success")).isEqualTo(2);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_CALLS, "outcome", "failure")).isEqualTo(2);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_SLOW_CALLS, "outcome", "success"))
        .isEqualTo(1);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_SLOW_CALLS, "outcome", "failure"))
        .isEqualTo(1);
    assertThat(meters.get(PolicyMetrics.CIRCUIT_BREAKER_OPENINGS).functionCounter().count())
        .isEqualTo(1);

    assertThatThrownBy(() -> policy.execute(taking(0, false)))
        .isInstanceOf(CircuitOpenException.class);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_CALLS, "outcome", "rejected")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.REJECTIONS, "reason", "circuit_open")).isEqualTo(1);
    assertThat(calls("rejected").count()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(11));
    policy.execute(taking(10, false));
    assertThat(state("closed")).isEqualTo(1);
    assertThat(state("half_open")).isZero();
    policy.circuitBreaker().orElseThrow().forceOpen();
    assertThat(state("forced_open")).isEqualTo(1);

    assertThat(calls("success").count()).isEqualTo(3);
    assertThat(calls("success").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(220);
    assertThat(calls("failure").count()).isEqualTo(2);
    assertThat(calls("failure").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(310);
    assertThat(calls("fallback").count()).isZero();
  }

  @Test
  void breakerMetersShowAUsersResilience4jBreaker() {
    io.github.resilience4j.circuitbreaker.CircuitBreaker theirs =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "inventory",
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .slowCallDurationThreshold(Duration.ofMillis(100))
                .build());
    Policy policy = bound(Policy.builder("inventory").circuitBreaker(theirs));

    assertThat(state("closed")).isEqualTo(1);
    policy.execute(taking(10, false));
    policy.execute(taking(200, false));
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_BUFFERED_CALLS)).isEqualTo(2);
    assertThatThrownBy(() -> policy.execute(taking(10, true)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThatThrownBy(() -> policy.execute(taking(10, true)))
        .isInstanceOf(ServiceUnavailableException.class);

    assertThat(state("open")).isEqualTo(1);
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_FAILURE_RATE)).isEqualTo(0.5);
    assertThat(gauge(PolicyMetrics.CIRCUIT_BREAKER_SLOW_CALL_RATE)).isEqualTo(0.25);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_CALLS, "outcome", "success")).isEqualTo(2);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_CALLS, "outcome", "failure")).isEqualTo(2);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_SLOW_CALLS, "outcome", "success"))
        .isEqualTo(1);
    assertThat(meters.get(PolicyMetrics.CIRCUIT_BREAKER_OPENINGS).functionCounter().count())
        .isEqualTo(1);
    assertThatThrownBy(() -> policy.execute(taking(0, false)))
        .isInstanceOf(CircuitOpenException.class);
    assertThat(counter(PolicyMetrics.CIRCUIT_BREAKER_CALLS, "outcome", "rejected")).isEqualTo(1);

    theirs.transitionToForcedOpenState();
    assertThat(state("forced_open")).isEqualTo(1);
    assertThat(state("open")).isZero();
  }

  @Test
  void retryMetersCountOutcomesAttemptsAndBudget() {
    Policy policy =
        bound(
            Policy.builder("inventory")
                .retry(
                    RetryConfig.builder()
                        .maxRetries(2)
                        .backoff(Backoff.fixed(Duration.ofMillis(100)))
                        .jitter(Jitter.NONE)
                        .budget(RetryBudget.of(0.1, 3))
                        .build()));
    AtomicInteger failuresLeft = new AtomicInteger(1);
    Supplier<String> flaky =
        () -> {
          if (failuresLeft.getAndDecrement() > 0) {
            throw new ServiceUnavailableException("inventory", "down", null);
          }
          return "ok";
        };

    policy.execute(flaky);
    policy.execute(taking(0, false));
    assertThatThrownBy(() -> policy.execute(taking(0, true)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(policy.execute(taking(0, true), Fallback.value("cached"))).isEqualTo("cached");

    assertThat(counter(PolicyMetrics.RETRY_CALLS, "outcome", "success_after_retry")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.RETRY_CALLS, "outcome", "success_without_retry")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.RETRY_CALLS, "outcome", "exhausted")).isEqualTo(2);
    // 1 + 2 retries from the budget's reserve of 3, then the budget is empty
    assertThat(meters.get(PolicyMetrics.RETRY_ATTEMPTS).functionCounter().count()).isEqualTo(3);
    assertThat(meters.get(PolicyMetrics.RETRY_BUDGET_REJECTIONS).functionCounter().count())
        .isEqualTo(1);
    assertThat(gauge(PolicyMetrics.RETRY_BUDGET_AVAILABLE)).isCloseTo(0.3, within(1e-9));
    assertThat(calls("fallback").count()).isEqualTo(1);
    assertThat(calls("failure").count()).isEqualTo(1);
    // the retry waits are part of the call's time
    assertThat(calls("success").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
  }

  @Test
  void aSharedBudgetHasOneAvailableGaugeAndOneRefusalCounterTaggedByItsName() {
    RetryBudget shared = RetryBudget.tokenBucket(10, 0.1).shared("inventory-api");
    RetryConfig retry =
        RetryConfig.builder()
            .maxRetries(1)
            .backoff(Backoff.fixed(Duration.ZERO))
            .jitter(Jitter.NONE)
            .budget(shared)
            .build();
    PolicyRegistry registry =
        PolicyRegistry.builder()
            .defaultTemplate(PolicyConfig.builder().retry(retry).build())
            .scheduler(scheduler)
            .build();
    PolicyMetrics.of(registry).bindTo(meters);
    Policy eu = registry.policy("inventory-eu");
    Policy us = registry.policy("inventory-us");
    for (Policy p : List.of(eu, us, eu, us)) {
      assertThatThrownBy(() -> p.execute(taking(0, true)))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    // 10 -> 9 (retried) -> 8, 8 -> 7 (retried) -> 6, then 6 -> 5 and 5 -> 4 are refused.
    assertThat(
            meters
                .get(PolicyMetrics.RETRY_SHARED_BUDGET_AVAILABLE)
                .tag("budget", "inventory-api")
                .gauge()
                .value())
        .isEqualTo(4.0);
    assertThat(
            meters
                .get(PolicyMetrics.RETRY_SHARED_BUDGET_REJECTIONS)
                .tag("budget", "inventory-api")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(meters.find(PolicyMetrics.RETRY_SHARED_BUDGET_AVAILABLE).gauges()).hasSize(1);
    // Removing one policy keeps the shared meters of the budget the other still uses.
    registry.remove("inventory-eu");
    assertThat(meters.find(PolicyMetrics.RETRY_SHARED_BUDGET_AVAILABLE).gauges()).hasSize(1);
    registry.close();
  }

  @Test
  void theKeysOfAKeyedPolicyReportTheirTemplatesSharedBudgetOnce() {
    RetryBudget shared = RetryBudget.tokenBucket(10, 0.1).shared("inventory-hosts");
    try (KeyedPolicy perHost =
        KeyedPolicy.builder("inventory")
            .template(
                PolicyConfig.builder()
                    .retry(
                        RetryConfig.builder()
                            .maxRetries(1)
                            .backoff(Backoff.fixed(Duration.ZERO))
                            .jitter(Jitter.NONE)
                            .budget(shared)
                            .build())
                    .build())
            .scheduler(scheduler)
            .build()) {
      KeyedPolicyMetrics.of(perHost).bindTo(meters);
      for (String host : List.of("a", "b", "c")) {
        assertThatThrownBy(() -> perHost.execute(host, taking(0, true)))
            .isInstanceOf(ServiceUnavailableException.class);
      }
      // 10 -> 9 -> 8 (a), 8 -> 7 -> 6 (b), 6 -> 5 refused (c).
      assertThat(
              meters
                  .get(PolicyMetrics.RETRY_SHARED_BUDGET_AVAILABLE)
                  .tag("budget", "inventory-hosts")
                  .gauge()
                  .value())
          .isEqualTo(5.0);
      assertThat(
              meters
                  .get(PolicyMetrics.RETRY_SHARED_BUDGET_REJECTIONS)
                  .tag("budget", "inventory-hosts")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void bulkheadAndRateLimiterMetersReadPermitsAndRefusals() {
    Policy policy =
        bound(
            Policy.builder("inventory")
                .rateLimiter(
                    RateLimiterConfig.builder()
                        .limit(3)
                        .period(Duration.ofSeconds(1))
                        .maxWait(Duration.ZERO)
                        .build())
                .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(2)));
    assertThat(gauge(PolicyMetrics.BULKHEAD_MAX)).isEqualTo(2);
    assertThat(gauge(PolicyMetrics.RATE_LIMITER_AVAILABLE)).isEqualTo(3);

    double[] inside = new double[2];
    assertThatThrownBy(
            () ->
                policy.execute(
                    () ->
                        policy.execute(
                            () -> {
                              inside[0] = gauge(PolicyMetrics.BULKHEAD_AVAILABLE);
                              inside[1] = gauge(PolicyMetrics.BULKHEAD_CONCURRENT);
                              return policy.execute(taking(0, false));
                            })))
        .isInstanceOf(BulkheadFullException.class);
    assertThat(inside).containsExactly(0, 2);
    assertThat(gauge(PolicyMetrics.BULKHEAD_AVAILABLE)).isEqualTo(2);
    assertThat(gauge(PolicyMetrics.BULKHEAD_CONCURRENT)).isZero();
    assertThat(meters.get(PolicyMetrics.BULKHEAD_REJECTIONS).functionCounter().count())
        .isEqualTo(1);
    assertThat(counter(PolicyMetrics.REJECTIONS, "reason", "bulkhead_full")).isEqualTo(1);
    assertThat(gauge(PolicyMetrics.RATE_LIMITER_AVAILABLE)).isZero();

    assertThatThrownBy(() -> policy.execute(taking(0, false)))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(counter(PolicyMetrics.RATE_LIMITER_CALLS, "outcome", "permitted")).isEqualTo(3);
    assertThat(counter(PolicyMetrics.RATE_LIMITER_CALLS, "outcome", "rejected")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.REJECTIONS, "reason", "rate_limited")).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(gauge(PolicyMetrics.RATE_LIMITER_AVAILABLE)).isEqualTo(3);
    // the innermost call was refused by the bulkhead, the last one by the rate limiter; the two
    // outer calls failed with the refusal that reached them
    assertThat(calls("rejected").count()).isEqualTo(2);
    assertThat(calls("failure").count()).isEqualTo(2);
  }

  @Test
  void timeLimiterMetersCountTimeoutsAndIgnoredInterrupts() {
    Policy policy =
        bound(
            Policy.builder("inventory")
                .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(1)))
                .executor(Runnable::run));
    double[] runningAfterTimeout = new double[1];

    policy.execute(taking(10, false));
    // The attempt runs on the caller's thread (direct executor) and outlives its time limit
    // without looking at the interrupt.
    assertThatThrownBy(
            () ->
                policy.execute(
                    () -> {
                      scheduler.advance(Duration.ofSeconds(2));
                      runningAfterTimeout[0] =
                          gauge(PolicyMetrics.TIME_LIMITER_RUNNING_AFTER_TIMEOUT);
                      return "late";
                    }))
        .isInstanceOf(ServiceTimeoutException.class);

    assertThat(runningAfterTimeout[0]).isEqualTo(1);
    assertThat(gauge(PolicyMetrics.TIME_LIMITER_RUNNING_AFTER_TIMEOUT)).isZero();
    assertThat(counter(PolicyMetrics.TIME_LIMITER_CALLS, "outcome", "success")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.TIME_LIMITER_CALLS, "outcome", "timeout")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.TIME_LIMITER_CALLS, "outcome", "failure")).isZero();
    assertThat(meters.get(PolicyMetrics.TIME_LIMITER_IGNORED_INTERRUPTS).functionCounter().count())
        .isEqualTo(1);
    assertThat(calls("failure").count()).isEqualTo(1);
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void registryBindingFollowsAReconfiguredPolicysNewComponentsWithTheirCountsCarried() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .defaultTemplate(
                PolicyConfig.builder()
                    .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(5).build())
                    .build())
            .scheduler(scheduler)
            .build()) {
      Policy payments = registry.policy("payments");
      PolicyMetrics.of(registry).bindTo(meters);
      assertThatThrownBy(() -> payments.execute(taking(0, true)))
          .isInstanceOf(ServiceUnavailableException.class);

      registry.reconfigure(
          "payments",
          PolicyConfig.builder()
              .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(2).build())
              .retry(RetryConfig.builder().maxRetries(1).jitter(Jitter.NONE).build())
              .build());
      assertThatThrownBy(() -> payments.execute(taking(0, true)))
          .isInstanceOf(ServiceUnavailableException.class);

      assertThat(
              meters
                  .get(PolicyMetrics.CIRCUIT_BREAKER_CALLS)
                  .tag("name", "payments")
                  .tag("outcome", "failure")
                  .functionCounter()
                  .count())
          .isEqualTo(2); // one before, one after: the second trips the new threshold of 2
      assertThat(
              meters
                  .get(PolicyMetrics.CIRCUIT_BREAKER_STATE)
                  .tag("name", "payments")
                  .tag("state", "open")
                  .gauge()
                  .value())
          .isEqualTo(1);
      assertThat(meters.find(PolicyMetrics.RETRY_CALLS).tag("name", "payments").meters())
          .isNotEmpty();
    }
  }

  @Test
  void registryBindingFollowsAddedAndRemovedPolicies() {
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .defaultTemplate(
                PolicyConfig.builder().bulkhead(BulkheadConfig.ofMaxConcurrentCalls(5)).build())
            .scheduler(scheduler)
            .build()) {
      Policy before = registry.policy("before");
      PolicyMetrics.of(registry).bindTo(meters);
      Policy after = registry.policy("after");
      before.execute(taking(0, false));
      after.execute(taking(0, false));
      after.execute(taking(0, false));

      assertThat(
              meters
                  .get(PolicyMetrics.CALLS)
                  .tag("name", "before")
                  .tag("outcome", "success")
                  .functionTimer()
                  .count())
          .isEqualTo(1);
      assertThat(
              meters
                  .get(PolicyMetrics.CALLS)
                  .tag("name", "after")
                  .tag("outcome", "success")
                  .functionTimer()
                  .count())
          .isEqualTo(2);
      assertThat(meters.get(PolicyMetrics.BULKHEAD_AVAILABLE).tag("name", "after").gauge().value())
          .isEqualTo(5);

      registry.remove("after");
      assertThat(meters.find(PolicyMetrics.CALLS).tag("name", "after").meters()).isEmpty();
      assertThat(meters.find(PolicyMetrics.CALLS).tag("name", "before").meters()).hasSize(4);
      // a new policy of the same name gets fresh meters
      registry.policy("after");
      assertThat(
              meters
                  .get(PolicyMetrics.CALLS)
                  .tag("name", "after")
                  .tag("outcome", "success")
                  .functionTimer()
                  .count())
          .isZero();
    }
  }

  @Test
  void onlyTheComponentsThePolicyHasGetMeters() {
    bound(Policy.builder("inventory"));
    assertThat(meters.getMeters())
        .extracting(m -> m.getId().getName())
        .containsOnly(PolicyMetrics.CALLS);
    assertThat(meters.getMeters()).hasSize(4);
  }

  @Test
  void prometheusNamesAreTheOnesTheAlertsRead() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    policy =
        Policy.builder("inventory")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(3))
            .scheduler(scheduler)
            .build();
    PolicyMetrics.of(policy).bindTo(prometheus);
    policy.execute(taking(0, false));

    assertThat(prometheus.scrape())
        .contains(
            "reliability_policy_calls_seconds_count{name=\"inventory\",outcome=\"success\"} 1")
        .contains("reliability_circuitbreaker_state{name=\"inventory\",state=\"closed\"} 1")
        .contains("reliability_circuitbreaker_state{name=\"inventory\",state=\"open\"} 0")
        .contains(
            "reliability_circuitbreaker_calls_total{name=\"inventory\",outcome=\"success\"} 1")
        .contains("reliability_bulkhead_available_permits{name=\"inventory\"} 3")
        .contains("reliability_bulkhead_rejections_total{name=\"inventory\"} 0");
  }

  @Test
  void bindingTwiceKeepsOneSetOfMeters() {
    Policy policy = bound(Policy.builder("inventory").bulkhead(BulkheadConfig.ofDefaults()));
    int count = meters.getMeters().size();
    PolicyMetrics.of(policy).bindTo(meters);
    assertThat(meters.getMeters()).hasSize(count);
    assertThat(meters.getMeters()).extracting(Meter::getId).doesNotHaveDuplicates();
  }

  @Test
  void aUsersResilience4jBulkheadAndRateLimiterShowInTheMeters() {
    io.github.resilience4j.bulkhead.Bulkhead userBulkhead =
        io.github.resilience4j.bulkhead.Bulkhead.of(
            "inventory",
            io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                .maxConcurrentCalls(2)
                .maxWaitDuration(Duration.ZERO)
                .build());
    io.github.resilience4j.ratelimiter.RateLimiter userLimiter =
        io.github.resilience4j.ratelimiter.RateLimiter.of(
            "inventory",
            io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                .limitForPeriod(2)
                .limitRefreshPeriod(Duration.ofHours(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    bound(Policy.builder("inventory").bulkhead(userBulkhead).rateLimiter(userLimiter));

    assertThat(userBulkhead.tryAcquirePermission()).isTrue(); // another user of the bulkhead
    assertThat(gauge(PolicyMetrics.BULKHEAD_MAX)).isEqualTo(2);
    assertThat(gauge(PolicyMetrics.BULKHEAD_AVAILABLE)).isEqualTo(1);
    assertThat(gauge(PolicyMetrics.BULKHEAD_CONCURRENT)).isEqualTo(1);
    assertThat(policy.execute(taking(0, false))).isEqualTo("ok");

    assertThat(userBulkhead.tryAcquirePermission()).isTrue(); // now the bulkhead is full
    assertThatThrownBy(() -> policy.execute(taking(0, false)))
        .isInstanceOf(BulkheadFullException.class);
    assertThatThrownBy(() -> policy.execute(taking(0, false)))
        .isInstanceOf(RateLimitExceededException.class);

    assertThat(gauge(PolicyMetrics.BULKHEAD_AVAILABLE))
        .isEqualTo(userBulkhead.getMetrics().getAvailableConcurrentCalls())
        .isZero();
    assertThat(gauge(PolicyMetrics.BULKHEAD_CONCURRENT)).isEqualTo(2);
    assertThat(meters.get(PolicyMetrics.BULKHEAD_REJECTIONS).functionCounter().count())
        .isEqualTo(1);
    assertThat(gauge(PolicyMetrics.RATE_LIMITER_AVAILABLE))
        .isEqualTo(userLimiter.getMetrics().getAvailablePermissions())
        .isZero();
    assertThat(counter(PolicyMetrics.RATE_LIMITER_CALLS, "outcome", "permitted")).isEqualTo(2);
    assertThat(counter(PolicyMetrics.RATE_LIMITER_CALLS, "outcome", "rejected")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.REJECTIONS, "reason", "bulkhead_full")).isEqualTo(1);
    assertThat(counter(PolicyMetrics.REJECTIONS, "reason", "rate_limited")).isEqualTo(1);
  }
}
