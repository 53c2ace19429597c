package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.BadResponseException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.checks.CircuitBreakerHealthCheck;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The code of docs/migration.md: Resilience4j settings and their equivalents here, shown to behave
 * the same on the same calls; a Spring Boot health indicator as a health check.
 */
class MigrationGuideTest {

  private static final ServiceUnavailableException DOWN =
      new ServiceUnavailableException("payments", "connection refused");

  @Test
  void aResilience4jBreakerAndItsTranslationOpenOnTheSameCalls() {
    io.github.resilience4j.circuitbreaker.CircuitBreakerConfig before =
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
            .failureRateThreshold(50)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(10)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedNumberOfCallsInHalfOpenState(5)
            .build();

    CircuitBreakerConfig after =
        CircuitBreakerConfig.builder()
            .failureThreshold(0) // no "N failures in a row" rule, as in Resilience4j
            .failureRateThreshold(0.5)
            .slidingWindowSize(20)
            .minimumCalls(10)
            .waitInOpen(Duration.ofSeconds(30))
            .halfOpenCalls(5)
            .build();

    io.github.resilience4j.circuitbreaker.CircuitBreaker r4j =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of("payments", before);
    try (Policy policy = Policy.builder("payments").circuitBreaker(after).build()) {
      // 5 successes and 4 failures: under the minimum of 10 calls, both stay closed.
      for (int i = 0; i < 9; i++) {
        boolean fail = i >= 5;
        record(r4j, fail);
        record(policy, fail);
      }
      assertThat(r4j.getState().name()).isEqualTo("CLOSED");
      assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.CLOSED);

      // The 10th call, a failure: 5 of 10 failed, 50%, and both open.
      record(r4j, true);
      record(policy, true);
      assertThat(r4j.getState().name()).isEqualTo("OPEN");
      assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);

      // Both refuse the next call; the classifier maps either refusal to the same error code.
      assertThatThrownBy(() -> r4j.executeSupplier(() -> "ok"))
          .isInstanceOf(CallNotPermittedException.class);
      assertThatThrownBy(() -> policy.execute(() -> "ok")).isInstanceOf(CircuitOpenException.class);
      ErrorClassifier classifier = ErrorClassifier.defaults();
      ErrorClassification fromResilience4j =
          classifier.classify(CallNotPermittedException.createCallNotPermittedException(r4j));
      assertThat(fromResilience4j.errorCode().code()).isEqualTo("CIRCUIT_OPEN");
      assertThat(fromResilience4j.httpStatus()).isEqualTo(503);
    }
    assertThat(after.failureRateThreshold()).isEqualTo(before.getFailureRateThreshold() / 100);
    assertThat(after.slidingWindowSize()).isEqualTo(before.getSlidingWindowSize());
    assertThat(after.minimumCalls()).isEqualTo(before.getMinimumNumberOfCalls());
    assertThat(after.halfOpenCalls()).isEqualTo(before.getPermittedNumberOfCallsInHalfOpenState());
  }

  @Test
  void decoratorsBecomeOnePolicy() {
    AtomicBoolean failing = new AtomicBoolean();
    Payments client =
        order -> {
          if (failing.get()) {
            throw new BadResponseException("payments", 200, "unreadable answer"); // not retried
          }
          return "charged " + order;
        };
    String order = "o-1";
    CircuitBreakerConfig after = CircuitBreakerConfig.ofDefaults();

    Policy payments =
        Policy.builder("payments")
            .retry(
                RetryConfig.builder()
                    .maxRetries(2)
                    .backoff(Backoff.fixed(Duration.ofMillis(500)))
                    .jitter(Jitter.NONE)
                    .build())
            .circuitBreaker(after)
            .bulkhead(BulkheadConfig.builder().maxConcurrentCalls(25).build())
            .configSource(ConfigSource.standard())
            .build();
    Supplier<String> decorated =
        payments.decorate(() -> client.charge(order), Fallback.of(e -> "queued"));

    try (payments) {
      assertThat(decorated.get()).isEqualTo("charged o-1");
      failing.set(true);
      assertThat(decorated.get()).isEqualTo("queued");
      assertThat(payments.config().retry().orElseThrow().maxRetries()).isEqualTo(2);
    }
  }

  @Test
  void aHealthIndicatorBecomesACheck() {
    try (HealthCheckRegistry health =
        HealthCheckRegistry.builder()
            .configSource(
                ConfigSource.fromMap("test", Map.of("reliability.health.cache-ttl", "0s")))
            .build()) {
      health.lifecycle().markStartupComplete();

      health.register(
          "payments",
          () -> HealthCheckResult.builder(HealthStatus.HEALTHY).detail("latency_ms", 12).build(),
          HealthCheckConfig.builder().groups(HealthGroups.READINESS).build());

      io.github.resilience4j.circuitbreaker.CircuitBreaker existing =
          io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("inventory");
      health.register("inventory-breaker", CircuitBreakerHealthCheck.of(existing));

      HealthReport ready = health.readiness();
      assertThat(ready.status()).isEqualTo(HealthStatus.HEALTHY);
      existing.transitionToOpenState();
      HealthReport degraded = health.readiness();
      assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    }
  }

  interface Payments {
    String charge(String order);
  }

  private static void record(
      io.github.resilience4j.circuitbreaker.CircuitBreaker breaker, boolean fail) {
    if (fail) {
      breaker.onError(0, TimeUnit.NANOSECONDS, DOWN);
    } else {
      breaker.onSuccess(0, TimeUnit.NANOSECONDS);
    }
  }

  private static void record(Policy policy, boolean fail) {
    try {
      policy.execute(
          () -> {
            if (fail) {
              throw DOWN;
            }
            return "ok";
          });
    } catch (ServiceUnavailableException expected) {
      // counted by the breaker
    }
  }
}
