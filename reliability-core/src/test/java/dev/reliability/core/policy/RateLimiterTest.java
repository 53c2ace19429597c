package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();

  @Test
  void defaultsAreSixtyCallsPerMinute() {
    RateLimiterConfig config = RateLimiterConfig.ofDefaults();
    assertThat(config.limit()).isEqualTo(60);
    assertThat(config.period()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.maxWait()).isZero();
    assertThat(config).hasToString("RateLimiterConfig[limit=60 per 1m, maxWait=0s]");
  }

  @Test
  void refusesBeyondTheBurstWithTheExactTimeToTheNextPermit() {
    Policy policy =
        Policy.builder("openai")
            .rateLimiter(RateLimiterConfig.perMinute(3))
            .scheduler(scheduler)
            .listener(listener)
            .build();
    RateLimiter limiter = policy.rateLimiter().orElseThrow();
    assertThat(limiter.availablePermits()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      policy.execute(() -> "ok");
    }
    assertThat(limiter.availablePermits()).isZero();
    scheduler.advance(Duration.ofSeconds(5));

    assertThatThrownBy(() -> policy.execute(() -> "too many"))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e).hasMessage("Rate limit of 'openai' exceeded");
              assertThat(e.component()).isEqualTo("openai");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(15));
              assertThat(e.httpStatus()).isEqualTo(429);
            });
    assertThat(limiter.nextPermitIn()).isEqualTo(Duration.ofSeconds(15));
    assertThat(limiter.rejectedCalls()).isEqualTo(1);
    assertThat(limiter.permittedCalls()).isEqualTo(3);
    assertThat(listener.matching("rejected")).containsExactly("rejected RATE_LIMITED PT15S");

    scheduler.advance(Duration.ofSeconds(15));
    assertThat(policy.execute(() -> "refilled")).isEqualTo("refilled");
  }

  @Test
  void waitsForAPermitThatComesWithinTheMaximumWait() {
    Policy policy =
        Policy.builder("openai")
            .rateLimiter(
                RateLimiterConfig.builder()
                    .limit(2)
                    .period(Duration.ofSeconds(1))
                    .maxWait(Duration.ofMillis(500))
                    .build())
            .scheduler(scheduler)
            .build();
    policy.execute(() -> 1);
    policy.execute(() -> 2);
    assertThat(policy.execute(() -> 3)).isEqualTo(3);
    assertThat(policy.execute(() -> 4)).isEqualTo(4);
    // Past the burst, calls are paced at one per 500 ms.
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));

    Policy impatient =
        Policy.builder("openai")
            .rateLimiter(
                RateLimiterConfig.builder()
                    .limit(2)
                    .period(Duration.ofSeconds(1))
                    .maxWait(Duration.ofMillis(100))
                    .build())
            .scheduler(scheduler)
            .build();
    impatient.execute(() -> 1);
    impatient.execute(() -> 2);
    assertThatThrownBy(() -> impatient.execute(() -> 3))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(500)));
  }

  @Test
  void aRefusedCallDoesNotUseAPermitNorCountOnTheBreaker() {
    Policy policy =
        Policy.builder("openai")
            .rateLimiter(RateLimiterConfig.perSecond(1))
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
            .scheduler(scheduler)
            .build();
    policy.execute(() -> "ok");
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> policy.execute(() -> "no"))
          .isInstanceOf(RateLimitExceededException.class);
    }
    CircuitBreaker breaker = policy.circuitBreaker().orElseThrow();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.failedCalls()).isZero();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(policy.execute(() -> "ok again")).isEqualTo("ok again");
  }

  @Test
  void builderRejectsInvalidValues() {
    assertThatThrownBy(() -> RateLimiterConfig.perSecond(0))
        .hasMessage("limit must be a whole number between 1 and 1000000000, was 0");
    assertThatThrownBy(() -> RateLimiterConfig.builder().period(Duration.ZERO))
        .hasMessage("period must be a duration between 1ms and 1d, was 0s");
    assertThatThrownBy(() -> RateLimiterConfig.builder().maxWait(Duration.ofSeconds(-1)))
        .hasMessage("max-wait must be a duration between 0s and 1h, was -1s");
  }
}
