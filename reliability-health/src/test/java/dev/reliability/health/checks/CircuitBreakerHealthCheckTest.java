package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CircuitBreakerHealthCheckTest {

  private final CircuitBreaker breaker =
      CircuitBreaker.of(
          "payments",
          CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4).build());

  @Test
  void aPolicysCheckFollowsTheBreakerOfItsLatestConfiguration() {
    try (dev.reliability.core.policy.PolicyRegistry registry =
        dev.reliability.core.policy.PolicyRegistry.builder()
            .configSource(ConfigSource.empty())
            .defaultTemplate(
                dev.reliability.core.policy.PolicyConfig.builder()
                    .circuitBreaker(
                        dev.reliability.core.policy.CircuitBreakerConfig.builder()
                            .failureThreshold(3)
                            .build())
                    .build())
            .build()) {
      Policy payments = registry.policy("payments");
      CircuitBreakerHealthCheck check = CircuitBreakerHealthCheck.of(payments);
      registry.reconfigure(
          "payments",
          dev.reliability.core.policy.PolicyConfig.builder()
              .circuitBreaker(
                  dev.reliability.core.policy.CircuitBreakerConfig.builder()
                      .failureThreshold(1)
                      .build())
              .build());
      assertThatThrownBy(
              () ->
                  payments.execute(
                      () -> {
                        throw new IllegalStateException("down");
                      }))
          .isInstanceOf(IllegalStateException.class);

      assertThat(check.check().status())
          .isEqualTo(HealthStatus.DEGRADED); // open, not the old closed one
    }
  }

  @Test
  void followsAResilience4jBreaker() {
    CircuitBreakerHealthCheck check = CircuitBreakerHealthCheck.of(breaker);

    HealthCheckResult closed = check.check();
    assertThat(closed.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(closed.message()).isEqualTo("circuit breaker payments is closed");
    assertThat(closed.details())
        .containsEntry("breaker", "payments")
        .containsEntry("state", "CLOSED")
        .containsEntry("failure_count", 0)
        .doesNotContainKey("failure_rate");

    for (int i = 0; i < 4; i++) {
      breaker.onError(0, java.util.concurrent.TimeUnit.MILLISECONDS, new RuntimeException("boom"));
    }
    HealthCheckResult open = check.check();
    assertThat(open.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(open.message()).isEqualTo("circuit breaker payments is open; calls fail fast");
    assertThat(open.details())
        .containsEntry("state", "OPEN")
        .containsEntry("failure_rate", 100.0)
        .containsEntry("failure_count", 4);

    breaker.transitionToHalfOpenState();
    assertThat(check.check().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(check.check().message())
        .isEqualTo("circuit breaker payments is half-open, probing for recovery");

    breaker.transitionToForcedOpenState();
    assertThat(check.check().message())
        .isEqualTo("circuit breaker payments is forced open; calls fail fast");
    breaker.transitionToDisabledState();
    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(check.check().message()).isEqualTo("circuit breaker payments is disabled");
    assertThat(check.kind()).isEqualTo(HealthCheckKind.DEPENDENCY);
  }

  @Test
  void worksWithAnyBreakerThatNamesItsState() {
    AtomicReference<String> state = new AtomicReference<>("closed");
    CircuitBreakerHealthCheck check =
        CircuitBreakerHealthCheck.builder("search", state::get)
            .openStatus(HealthStatus.UNHEALTHY)
            .details(() -> Map.of("failure_count", 7))
            .build();

    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
    state.set("open");
    assertThat(check.check().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(check.check().details()).containsEntry("failure_count", 7);
    state.set("half-open");
    assertThat(check.check().details()).containsEntry("state", "HALF_OPEN");
    state.set("weird");
    assertThat(check.check().status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(check.check().message())
        .isEqualTo("circuit breaker search is in an unknown state: weird");
    state.set(null);
    assertThat(check.check().status()).isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void followsAPolicysBreaker() {
    try (Policy policy =
        Policy.builder("payments")
            .configSource(ConfigSource.empty())
            .circuitBreaker(
                dev.reliability.core.policy.CircuitBreakerConfig.builder()
                    .failureThreshold(1)
                    .build())
            .build()) {
      CircuitBreakerHealthCheck check = CircuitBreakerHealthCheck.of(policy);
      assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(check.check().details())
          .containsEntry("breaker", "payments")
          .containsEntry("state", "CLOSED")
          .containsEntry("failure_count", 0L);

      policy.circuitBreaker().orElseThrow().forceOpen();
      HealthCheckResult open = check.check();
      assertThat(open.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(open.details()).containsEntry("state", "FORCED_OPEN");

      policy.circuitBreaker().orElseThrow().forceClosed();
      assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(check.check().message()).isEqualTo("circuit breaker payments is forced-closed");
    }
  }

  @Test
  void reportsAUsersResilience4jBreakerInsideAPolicyWhenItOpens() {
    try (Policy policy =
        Policy.builder("payments")
            .configSource(ConfigSource.empty())
            .circuitBreaker(breaker)
            .build()) {
      CircuitBreakerHealthCheck check = CircuitBreakerHealthCheck.of(policy);
      assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);

      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(
                () ->
                    policy.execute(
                        () -> {
                          throw new IllegalStateException("down");
                        }))
            .isInstanceOf(IllegalStateException.class);
      }
      HealthCheckResult open = check.check();
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(open.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(open.message()).isEqualTo("circuit breaker payments is open; calls fail fast");
      assertThat(open.details())
          .containsEntry("state", "OPEN")
          .containsEntry("failure_rate", 100.0)
          .containsEntry("failure_count", 4L)
          .containsEntry("openings", 1L);

      breaker.reset();
      assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
      breaker.transitionToForcedOpenState();
      assertThat(check.check().message())
          .isEqualTo("circuit breaker payments is forced open; calls fail fast");
    }
  }

  @Test
  void policyWithoutBreakerIsRejected() {
    try (Policy policy = Policy.builder("plain").configSource(ConfigSource.empty()).build()) {
      assertThatThrownBy(() -> CircuitBreakerHealthCheck.of(policy))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("policy must be a policy with a circuit breaker, was plain");
    }
  }
}
