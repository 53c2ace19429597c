package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();

  private Policy policy(CircuitBreakerConfig config) {
    return Policy.builder("payments")
        .circuitBreaker(config)
        .scheduler(scheduler)
        .listener(listener)
        .build();
  }

  private static void failTimes(Policy policy, int n) {
    for (int i = 0; i < n; i++) {
      assertThatThrownBy(() -> policy.execute(Failures.failing()))
          .isInstanceOf(ServiceUnavailableException.class);
    }
  }

  private static CircuitBreaker breaker(Policy policy) {
    return policy.circuitBreaker().orElseThrow();
  }

  @Test
  void defaultsOpenAfterFiveFailuresInARowAndRefuseWithRetryAfter() {
    Policy policy = policy(CircuitBreakerConfig.ofDefaults());
    failTimes(policy, 4);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);

    failTimes(policy, 1);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker(policy).retryAfter()).contains(Duration.ofSeconds(60));

    scheduler.advance(Duration.ofSeconds(20));
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> policy.execute(calls::incrementAndGet))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> {
              assertThat(e)
                  .hasMessage("Circuit breaker 'payments' is OPEN and does not permit calls");
              assertThat(e.component()).isEqualTo("payments");
              assertThat(e.state()).isEqualTo("OPEN");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(40));
              assertThat(e.getStackTrace()).isEmpty();
            });
    assertThat(calls).hasValue(0);
    assertThat(breaker(policy).rejectedCalls()).isEqualTo(1);
    assertThat(breaker(policy).failedCalls()).isEqualTo(5);
    assertThat(breaker(policy).openings()).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
    assertThat(listener.matching("state")).containsExactly("state CLOSED -> OPEN");
    assertThat(listener.matching("rejected")).containsExactly("rejected CIRCUIT_OPEN PT40S");
  }

  @Test
  void aSuccessResetsTheRunOfFailures() {
    Policy policy = policy(CircuitBreakerConfig.ofDefaults());
    failTimes(policy, 4);
    assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
    failTimes(policy, 4);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    failTimes(policy, 1);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void halfOpensAfterTheWaitAndClosesWhenThreeTrialCallsSucceed() {
    Policy policy = policy(CircuitBreakerConfig.ofDefaults());
    failTimes(policy, 5);
    scheduler.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> policy.execute(() -> "early"))
        .isInstanceOf(CircuitOpenException.class);

    scheduler.advance(Duration.ofMillis(1));
    assertThat(policy.execute(() -> "trial 1")).isEqualTo("trial 1");
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker(policy).retryAfter()).isEmpty();
    policy.execute(() -> "trial 2");
    policy.execute(() -> "trial 3");

    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(listener.matching("state"))
        .containsExactly(
            "state CLOSED -> OPEN", "state OPEN -> HALF_OPEN", "state HALF_OPEN -> CLOSED");
  }

  @Test
  void anyFailedTrialCallReopensAtOnce() {
    Policy policy = policy(CircuitBreakerConfig.ofDefaults());
    failTimes(policy, 5);
    scheduler.advance(Duration.ofSeconds(61));
    policy.execute(() -> "trial 1");
    failTimes(policy, 1);

    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker(policy).retryAfter()).contains(Duration.ofSeconds(60));
    assertThat(breaker(policy).openings()).isEqualTo(2);
  }

  @Test
  void halfOpenRefusesCallsBeyondTheTrialCallsInFlight() {
    Policy policy = policy(CircuitBreakerConfig.builder().halfOpenCalls(1).build());
    failTimes(policy, 5);
    scheduler.advance(Duration.ofSeconds(61));
    String nested =
        policy.execute(
            () -> {
              assertThatThrownBy(() -> policy.execute(() -> "second"))
                  .isInstanceOfSatisfying(
                      CircuitOpenException.class,
                      e -> {
                        assertThat(e.state()).isEqualTo("HALF_OPEN");
                        assertThat(e.retryAfter()).isEmpty();
                      });
              return "first";
            });
    assertThat(nested).isEqualTo("first");
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void failureRatePresetDecidesOnTheRateOfTheWindow() {
    Policy policy =
        policy(
            CircuitBreakerConfig.preset(CircuitBreakerConfig.Preset.FAILURE_RATE).toBuilder()
                .slidingWindowSize(10)
                .minimumCalls(10)
                .build());
    for (int i = 0; i < 5; i++) {
      policy.execute(() -> "ok");
    }
    failTimes(policy, 4);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker(policy).failureRate()).isEqualTo(-1f);
    failTimes(policy, 1);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void failureRatePresetClosesWhenTrialCallsMostlySucceed() {
    Policy policy =
        policy(
            CircuitBreakerConfig.preset(CircuitBreakerConfig.Preset.FAILURE_RATE).toBuilder()
                .slidingWindowSize(4)
                .minimumCalls(4)
                .halfOpenCalls(4)
                .build());
    failTimes(policy, 4);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
    scheduler.advance(Duration.ofSeconds(61));
    failTimes(policy, 1);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.HALF_OPEN);
    policy.execute(() -> "ok");
    policy.execute(() -> "ok");
    policy.execute(() -> "ok");
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void slowCallsOpenTheBreaker() {
    Policy policy =
        policy(
            CircuitBreakerConfig.builder()
                .failureThreshold(0)
                .slidingWindowSize(4)
                .minimumCalls(4)
                .slowCallThreshold(Duration.ofSeconds(1))
                .slowCallRateThreshold(0.5)
                .build());
    policy.execute(() -> "fast");
    policy.execute(() -> "fast");
    policy.execute(() -> scheduler.advance(Duration.ofSeconds(2)));
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    policy.execute(() -> scheduler.advance(Duration.ofSeconds(2)));

    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker(policy).slowSuccessfulCalls()).isEqualTo(2);
    assertThat(breaker(policy).successfulCalls()).isEqualTo(4);
  }

  @Test
  void timeBasedWindowForgetsFailuresByTheInjectedClock() {
    Policy policy =
        policy(
            CircuitBreakerConfig.builder()
                .failureThreshold(0)
                .slidingWindowType(CircuitBreakerConfig.WindowType.TIME_BASED)
                .slidingWindowSize(10)
                .minimumCalls(4)
                .failureRateThreshold(0.75)
                .build());
    failTimes(policy, 2);
    scheduler.advance(Duration.ofSeconds(11));
    failTimes(policy, 1);
    policy.execute(() -> "ok");
    // The two failures before the jump left the window: with them, 3 of 4 calls failed.
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker(policy).bufferedCalls()).isEqualTo(2);
    failTimes(policy, 1);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    failTimes(policy, 1);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void maxWaitInHalfOpenReopensWhenTrialCallsDoNotSettle() {
    Policy policy =
        policy(CircuitBreakerConfig.builder().maxWaitInHalfOpen(Duration.ofSeconds(5)).build());
    failTimes(policy, 5);
    scheduler.advance(Duration.ofSeconds(61));
    policy.execute(() -> "trial 1");
    scheduler.advance(Duration.ofSeconds(5));

    assertThatThrownBy(() -> policy.execute(() -> "late")).isInstanceOf(CircuitOpenException.class);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
    assertThat(listener.matching("state"))
        .containsExactly(
            "state CLOSED -> OPEN", "state OPEN -> HALF_OPEN", "state HALF_OPEN -> OPEN");
  }

  @Test
  void clientErrorsAreIgnoredNeitherSuccessNorFailure() {
    Policy policy = policy(CircuitBreakerConfig.ofDefaults());
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new DataValidationException("bad input");
                      }))
          .isInstanceOf(DataValidationException.class);
    }
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker(policy).ignoredCalls()).isEqualTo(10);
    assertThat(breaker(policy).failedCalls()).isZero();
    assertThat(breaker(policy).bufferedCalls()).isZero();
  }

  @Test
  void recordFailureWhenReplacesTheDefaultRule() {
    Policy policy =
        policy(
            CircuitBreakerConfig.builder()
                .failureThreshold(2)
                .recordFailureWhen(e -> e instanceof IllegalStateException)
                .build());
    failTimes(policy, 3);
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.CLOSED);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  policy.execute(
                      () -> {
                        throw new IllegalStateException("broken");
                      }))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void resultsCanCountAsFailures() {
    Policy policy =
        policy(
            CircuitBreakerConfig.builder()
                .failureThreshold(3)
                .failureWhenResult(r -> Integer.valueOf(503).equals(r))
                .build());
    for (int i = 0; i < 3; i++) {
      assertThat(policy.execute(() -> 503)).isEqualTo(503);
    }
    assertThat(breaker(policy).state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker(policy).failedCalls()).isEqualTo(3);
    assertThat(breaker(policy).successfulCalls()).isZero();
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(3);
  }

  @Test
  void manualControlsForceDisableAndReset() {
    Policy policy = policy(CircuitBreakerConfig.ofDefaults());
    CircuitBreaker breaker = breaker(policy);

    breaker.forceOpen();
    assertThatThrownBy(() -> policy.execute(() -> "x"))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> {
              assertThat(e.state()).isEqualTo("FORCED_OPEN");
              assertThat(e.retryAfter()).isEmpty();
            });
    assertThat(breaker.state().isRefusingCalls()).isTrue();

    breaker.forceClosed();
    failTimes(policy, 10);
    assertThat(breaker.state()).isEqualTo(CircuitState.FORCED_CLOSED);
    assertThat(breaker.state().isRefusingCalls()).isFalse();

    breaker.disable();
    failTimes(policy, 10);
    assertThat(breaker.state()).isEqualTo(CircuitState.DISABLED);

    breaker.reset();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.resilience4j()).isEmpty();
    assertThat(listener.matching("state"))
        .containsExactly(
            "state CLOSED -> FORCED_OPEN",
            "state FORCED_OPEN -> FORCED_CLOSED",
            "state FORCED_CLOSED -> DISABLED",
            "state DISABLED -> CLOSED");
  }

  @Test
  void builderRejectsInvalidValuesWithTheStandardMessage() {
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureThreshold(-1))
        .hasMessage("failure-threshold must be a whole number between 0 and 100000, was -1");
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(0.0))
        .hasMessage(
            "failure-rate-threshold must be a percentage above 0% and at most 100%, was 0.0");
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().slidingWindowSize(0))
        .hasMessage("sliding-window-size must be a whole number between 1 and 100000, was 0");
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().waitInOpen(Duration.ZERO))
        .hasMessage("wait-in-open must be a duration between 1ms and 1d, was 0s");
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().halfOpenCalls(0))
        .hasMessage("half-open-calls must be a whole number between 1 and 10000, was 0");
    assertThatThrownBy(
            () -> CircuitBreakerConfig.builder().maxWaitInHalfOpen(Duration.ofMillis(-1)))
        .hasMessage("max-wait-in-half-open must be a duration between 0s and 1d, was -1ms");
    assertThatThrownBy(() -> CircuitBreakerConfig.builder().recordFailureWhen(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("predicate must not be null");
  }

  @Test
  void configDescribesItself() {
    assertThat(CircuitBreakerConfig.ofDefaults())
        .hasToString(
            "CircuitBreakerConfig[failureThreshold=5, failureRateThreshold=50%, slidingWindow=100"
                + " calls, minimumCalls=100, slowCallThreshold=1m, slowCallRateThreshold=100%,"
                + " waitInOpen=1m, halfOpenCalls=3, maxWaitInHalfOpen=0s]");
  }
}
