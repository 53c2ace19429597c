package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.HedgeConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyHealthCheckTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private Policy policy;

  @AfterEach
  void close() {
    if (policy != null) {
      policy.close();
    }
  }

  private Policy build(Policy.Builder builder) {
    policy = builder.configSource(ConfigSource.empty()).scheduler(scheduler).build();
    return policy;
  }

  private static ThrottleConfig throttle() {
    return ThrottleConfig.builder().window(Duration.ofMinutes(2)).minimumRequests(3).build();
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      catchThrowable(
          () ->
              policy.execute(
                  () -> {
                    throw new ServiceUnavailableException("inventory", "503 from inventory");
                  }));
    }
  }

  @Test
  void aThrottleRefusingMoreThanTheThresholdDegradesThePolicyUntilTheWindowSlidesOn() {
    PolicyHealthCheck check =
        PolicyHealthCheck.of(build(Policy.builder("inventory").throttle(throttle())));
    HealthCheckResult healthy = check.check();
    assertThat(healthy.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(healthy.message()).isEqualTo("policy inventory is healthy");
    assertThat(healthy.details())
        .containsEntry("policy", "inventory")
        .containsEntry("throttle_rejection_probability", 0.0)
        .containsEntry("throttle_requests", 0L);

    fail(3);
    HealthCheckResult refusing = check.check();
    // (3 - 2 * 0) / (3 + 1)
    assertThat(refusing.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(refusing.message())
        .isEqualTo(
            "policy inventory: throttle refuses 75% of calls (above 10%): the dependency refuses"
                + " requests");
    assertThat(refusing.details())
        .containsEntry("throttle_rejection_probability", 0.75)
        .containsEntry("throttle_requests", 3L)
        .containsEntry("throttle_accepts", 0L)
        .containsEntry("throttled_calls", 0L);

    scheduler.advance(Duration.ofMinutes(3));
    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aProbabilityAtOrBelowTheThresholdIsHealthy() {
    PolicyHealthCheck check =
        PolicyHealthCheck.builder(build(Policy.builder("inventory").throttle(throttle())))
            .throttleDegradedAbove(0.75)
            .build();
    fail(3);
    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
    fail(1);
    assertThat(check.check().status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void anAdaptiveLimitDrivenToItsMinimumDegradesThePolicyWithItsStateInTheDetails() {
    build(
        Policy.builder("inventory")
            .adaptiveLimit(
                AdaptiveLimitConfig.builder()
                    .algorithm(AdaptiveLimitConfig.Algorithm.AIMD)
                    .initialLimit(4)
                    .minLimit(2)
                    .maxLimit(50)
                    .build())
            .executor(Runnable::run));
    PolicyHealthCheck check = PolicyHealthCheck.of(policy);
    HealthCheckResult start = check.check();
    assertThat(start.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(start.details())
        .containsEntry("limit", 4)
        .containsEntry("limit_min", 2)
        .containsEntry("limit_max", 50)
        .containsEntry("in_flight", 0)
        .containsEntry("limit_rejections", 0L)
        .containsEntry("latency_estimate_ms", 0.0);

    // Failures by overload are drops: each window of them backs the limit off.
    for (int i = 0; i < 200 && policy.adaptiveLimit().orElseThrow().limit() > 2; i++) {
      catchThrowable(
          () ->
              policy.execute(
                  () -> {
                    scheduler.timeSource().advance(Duration.ofMillis(10));
                    throw new ServiceUnavailableException("inventory", "overloaded");
                  }));
    }

    HealthCheckResult atMinimum = check.check();
    assertThat(atMinimum.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(atMinimum.message())
        .isEqualTo(
            "policy inventory: adaptive limit is at its minimum of 2: the dependency is slow or"
                + " overloaded");
    assertThat(atMinimum.details()).containsEntry("limit", 2);
  }

  @Test
  void anOpenBreakerDegradesThePolicy() {
    build(
        Policy.builder("payments")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .throttle(throttle()));
    PolicyHealthCheck check = PolicyHealthCheck.of(policy);
    assertThat(check.check().details()).containsEntry("breaker_state", "CLOSED");

    policy.circuitBreaker().orElseThrow().forceOpen();
    HealthCheckResult open = check.check();
    assertThat(open.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(open.message())
        .isEqualTo("policy payments: circuit breaker is forced-open; calls fail fast");
    assertThat(open.details()).containsEntry("breaker_state", "FORCED_OPEN");
  }

  @Test
  void hedgingShowsInTheDetailsWithoutChangingTheStatus() {
    PolicyHealthCheck check =
        PolicyHealthCheck.of(
            build(
                Policy.builder("search")
                    .hedge(HedgeConfig.ofDelay(Duration.ofMillis(250)))
                    .executor(Runnable::run)));
    HealthCheckResult result = check.check();
    assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(result.details())
        .containsEntry("hedge_delay_ms", 250.0)
        .containsEntry("hedges_started", 0L)
        .containsEntry("hedge_wins", 0L)
        .containsEntry("hedges_denied_by_budget", 0L);
  }

  @Test
  void aPolicyWithoutLoadComponentsIsHealthyAndTheCheckIsALiveDependencyCheck() {
    PolicyHealthCheck check = PolicyHealthCheck.of(build(Policy.builder("plain")));
    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(check.check().details()).containsOnlyKeys("policy");
    assertThat(check.kind()).isEqualTo(HealthCheckKind.DEPENDENCY);
    assertThat(check.live()).isTrue();
  }

  @Test
  void validatesItsInput() {
    assertThatThrownBy(() -> PolicyHealthCheck.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("policy");
    PolicyHealthCheck.Builder builder = PolicyHealthCheck.builder(build(Policy.builder("x")));
    assertThatThrownBy(() -> builder.throttleDegradedAbove(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("throttleDegradedAbove must be a fraction between 0.0 and 1.0, was 1.5");
  }
}
