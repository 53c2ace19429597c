package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the breaker exposes is consistent in every state: the counts are those of the attempts it
 * recorded, the rates those of the window of the current state.
 */
class CircuitBreakerCountsTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  private final Policy policy =
      Policy.builder("payments")
          .circuitBreaker(
              CircuitBreakerConfig.builder()
                  .failureThreshold(0)
                  .slidingWindowSize(4)
                  .minimumCalls(4)
                  .halfOpenCalls(2)
                  .waitInOpen(Duration.ofSeconds(10))
                  .build())
          .scheduler(scheduler)
          .build();

  private final CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();

  private void fail() {
    assertThatThrownBy(() -> policy.execute(Failures.failing()))
        .isInstanceOf(ServiceUnavailableException.class);
  }

  private void refused() {
    assertThatThrownBy(() -> policy.execute(() -> "refused"))
        .isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void countsAndRatesFollowEachStateTheBreakerPassesThrough() {
    policy.execute(() -> "ok");
    policy.execute(() -> "ok");
    fail();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.bufferedCalls()).isEqualTo(3);
    assertThat(breaker.failureRate()).isEqualTo(-1f);
    fail();

    // Open: the rates of the window it opened with; nothing more is counted but the refusal.
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.failureRate()).isEqualTo(50f);
    assertThat(breaker.bufferedCalls()).isEqualTo(4);
    refused();
    assertThat(breaker.successfulCalls()).isEqualTo(2);
    assertThat(breaker.failedCalls()).isEqualTo(2);
    assertThat(breaker.rejectedCalls()).isEqualTo(1);
    assertThat(breaker.openings()).isEqualTo(1);

    // Half-open: the trial calls' own window.
    scheduler.advance(Duration.ofSeconds(11));
    policy.execute(() -> "trial");
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.bufferedCalls()).isEqualTo(1);
    assertThat(breaker.failureRate()).isEqualTo(-1f);
    fail();
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.failureRate()).isEqualTo(50f);
    assertThat(breaker.bufferedCalls()).isEqualTo(2);
    assertThat(breaker.openings()).isEqualTo(2);

    // Closed again after two good trial calls: a fresh window.
    scheduler.advance(Duration.ofSeconds(11));
    policy.execute(() -> "trial");
    policy.execute(() -> "trial");
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.bufferedCalls()).isZero();
    assertThat(breaker.successfulCalls()).isEqualTo(5);
    assertThat(breaker.failedCalls()).isEqualTo(3);

    // Forced closed counts in a window of its own and never opens.
    breaker.forceClosed();
    for (int i = 0; i < 4; i++) {
      fail();
    }
    assertThat(breaker.state()).isEqualTo(CircuitState.FORCED_CLOSED);
    assertThat(breaker.failureRate()).isEqualTo(100f);
    assertThat(breaker.failedCalls()).isEqualTo(7);

    // Forced open and disabled keep no window.
    breaker.forceOpen();
    refused();
    assertThat(breaker.failureRate()).isEqualTo(-1f);
    assertThat(breaker.bufferedCalls()).isZero();
    assertThat(breaker.rejectedCalls()).isEqualTo(2);
    breaker.disable();
    policy.execute(() -> "ok");
    assertThat(breaker.bufferedCalls()).isZero();
    assertThat(breaker.successfulCalls()).isEqualTo(6);
    assertThat(breaker.openings()).isEqualTo(2);
  }

  @Test
  void successesAreTheAttemptsTheBreakerRecordedNotThePolicysSuccessfulCalls() {
    Policy retrying =
        Policy.builder("payments")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .retry(
                RetryConfig.builder()
                    .maxRetries(2)
                    .retryOnResult(r -> "again".equals(r))
                    .backoff(Backoff.fixed(Duration.ofMillis(10)))
                    .build())
            .scheduler(scheduler)
            .build();
    CircuitBreaker b = retrying.circuitBreaker().orElseThrow();

    Thread.currentThread().interrupt();
    try {
      // The first attempt's value asks for a retry; the wait is interrupted, so the call returns
      // it: one attempt recorded, one successful call.
      assertThat(retrying.execute(() -> "again")).isEqualTo("again");
    } finally {
      Thread.interrupted();
    }
    assertThat(retrying.stats().calls(CallOutcome.SUCCESS)).isEqualTo(1);
    assertThat(b.successfulCalls()).isEqualTo(1);
  }
}
