package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A user's own Resilience4j circuit breaker inside a policy. */
class Resilience4jCircuitBreakerTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();

  private final io.github.resilience4j.circuitbreaker.CircuitBreaker theirs =
      io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
          "inventory",
          io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
              .slidingWindowSize(4)
              .minimumNumberOfCalls(4)
              .waitDurationInOpenState(Duration.ofSeconds(30))
              .ignoreExceptions(DataValidationException.class)
              .build());

  private Policy policy() {
    return Policy.builder("inventory")
        .circuitBreaker(theirs)
        .scheduler(scheduler)
        .listener(listener)
        .build();
  }

  private static void fail(Policy policy) {
    assertThatThrownBy(() -> policy.execute(Failures.failing()))
        .isInstanceOf(ServiceUnavailableException.class);
  }

  @Test
  void theUsersBreakerCountsThePolicysCallsInItsOwnMetricsAndEvents() {
    List<CircuitBreakerEvent.Type> events = new CopyOnWriteArrayList<>();
    theirs.getEventPublisher().onEvent(e -> events.add(e.getEventType()));
    Policy policy = policy();

    policy.execute(() -> "ok");
    fail(policy);
    assertThatThrownBy(
            () ->
                policy.execute(
                    () -> {
                      throw new DataValidationException("bad input");
                    }))
        .isInstanceOf(DataValidationException.class);

    assertThat(theirs.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    assertThat(theirs.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    assertThat(theirs.getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
    assertThat(events)
        .containsExactly(
            CircuitBreakerEvent.Type.SUCCESS,
            CircuitBreakerEvent.Type.ERROR,
            CircuitBreakerEvent.Type.IGNORED_ERROR);
  }

  @Test
  void itsStateCountsAndRatesShowThroughThePolicy() {
    Policy policy = policy();
    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
    assertThat(breaker.resilience4j()).containsSame(theirs);
    assertThat(breaker.config().slidingWindowSize()).isEqualTo(4);
    assertThat(breaker.config().waitInOpen()).isEqualTo(Duration.ofSeconds(30));

    policy.execute(() -> "ok");
    fail(policy);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.bufferedCalls()).isEqualTo(2);
    assertThat(breaker.failureRate()).isEqualTo(-1f);
    fail(policy);
    fail(policy);

    assertThat(theirs.getState())
        .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.failureRate()).isEqualTo(75f);
    assertThat(breaker.successfulCalls()).isEqualTo(1);
    assertThat(breaker.failedCalls()).isEqualTo(3);
    assertThat(breaker.openings()).isEqualTo(1);
    assertThat(breaker.retryAfter()).contains(Duration.ofSeconds(30));

    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> policy.execute(calls::incrementAndGet))
        .isInstanceOfSatisfying(
            CircuitOpenException.class,
            e -> {
              assertThat(e.state()).isEqualTo("OPEN");
              assertThat(e.component()).isEqualTo("inventory");
            });
    assertThat(calls).hasValue(0);
    assertThat(breaker.rejectedCalls()).isEqualTo(1);
    assertThat(theirs.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    assertThat(listener.matching("state")).containsExactly("state CLOSED -> OPEN");
  }

  @Test
  void aTransitionTheUserMakesOnTheirBreakerReachesThePolicyListener() {
    Policy policy = policy();

    theirs.transitionToOpenState();
    assertThatThrownBy(() -> policy.execute(() -> "refused"))
        .isInstanceOf(CircuitOpenException.class);
    theirs.transitionToHalfOpenState();
    theirs.transitionToClosedState();

    assertThat(listener.matching("state"))
        .containsExactly(
            "state CLOSED -> OPEN", "state OPEN -> HALF_OPEN", "state HALF_OPEN -> CLOSED");
    assertThat(policy.circuitBreaker().orElseThrow().openings()).isEqualTo(1);
    assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
  }

  @Test
  void manualControlsActOnTheUsersBreaker() {
    Policy policy = policy();
    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();

    breaker.forceOpen();
    assertThat(theirs.getState())
        .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.FORCED_OPEN);
    assertThatThrownBy(() -> policy.execute(() -> "x"))
        .isInstanceOfSatisfying(
            CircuitOpenException.class, e -> assertThat(e.state()).isEqualTo("FORCED_OPEN"));
    breaker.forceClosed();
    assertThat(breaker.state()).isEqualTo(CircuitState.FORCED_CLOSED);
    breaker.disable();
    assertThat(breaker.state()).isEqualTo(CircuitState.DISABLED);
    breaker.reset();
    assertThat(theirs.getState())
        .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
    assertThat(listener.matching("state"))
        .containsExactly(
            "state CLOSED -> FORCED_OPEN",
            "state FORCED_OPEN -> FORCED_CLOSED",
            "state FORCED_CLOSED -> DISABLED",
            "state DISABLED -> CLOSED");
  }

  @Test
  void aConfiguredBreakerSetAfterTheUsersReplacesIt() {
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(theirs)
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .build();
    assertThat(policy.circuitBreaker().orElseThrow().resilience4j()).isEmpty();
    policy.execute(() -> "ok");
    assertThat(theirs.getMetrics().getNumberOfBufferedCalls()).isZero();
  }

  @Test
  void aRegistryGivesThePolicyNamedNTheBreakerNamedN() {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    io.github.resilience4j.circuitbreaker.CircuitBreaker payments =
        breakers.circuitBreaker("payments");
    try (PolicyRegistry policies =
        PolicyRegistry.builder().circuitBreakerRegistry(breakers).build()) {
      Policy policy = policies.policy("payments");
      assertThat(policy.circuitBreaker().orElseThrow().resilience4j()).containsSame(payments);
      policy.execute(() -> "ok");
      assertThat(payments.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);

      Policy search = policies.policy("search");
      assertThat(search.circuitBreaker().orElseThrow().resilience4j())
          .containsSame(breakers.circuitBreaker("search"));
    }
  }

  @Test
  void nullIsRefusedWithTheParametersName() {
    assertThatThrownBy(
            () ->
                Policy.builder("inventory")
                    .circuitBreaker((io.github.resilience4j.circuitbreaker.CircuitBreaker) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("circuitBreaker must not be null");
    assertThatThrownBy(() -> PolicyRegistry.builder().circuitBreakerRegistry(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
  }
}
