package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.AuthenticationException;
import dev.reliability.core.error.AuthorizationException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RetryTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final RecordingListener listener = new RecordingListener();

  private Policy policy(RetryConfig retry) {
    return Policy.builder("catalog").retry(retry).scheduler(scheduler).listener(listener).build();
  }

  private static RetryConfig.Builder noJitter() {
    return RetryConfig.builder()
        .jitter(Jitter.NONE)
        .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10)));
  }

  /** Fails {@code failures} times with the given exception, then returns "ok". */
  private static Supplier<String> failingFirst(int failures, RuntimeException e, AtomicInteger n) {
    return () -> {
      if (n.incrementAndGet() <= failures) {
        throw e;
      }
      return "ok";
    };
  }

  @Test
  void retriesWithExponentialBackoffOnTheManualClock() {
    Policy policy = policy(noJitter().build());
    AtomicInteger calls = new AtomicInteger();

    String result = policy.execute(failingFirst(3, unavailable(), calls));

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(4);
    assertThat(scheduler.sleeps())
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    Retry retry = policy.retry().orElseThrow();
    assertThat(retry.successfulAfterRetry()).isEqualTo(1);
    assertThat(retry.retries()).isEqualTo(3);
    assertThat(policy.stats().totalNanos(CallOutcome.SUCCESS))
        .isEqualTo(Duration.ofMillis(700).toNanos());
    assertThat(listener.matching("retry"))
        .containsExactly("retry 2 in 100ms", "retry 3 in 200ms", "retry 4 in 400ms");
  }

  @Test
  void defaultsFollowTheHandBuiltHelpers() {
    RetryConfig config = RetryConfig.ofDefaults();
    assertThat(config.maxRetries()).isEqualTo(3);
    assertThat(config.backoff())
        .isEqualTo(Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)));
    assertThat(config.jitter()).isEqualTo(Jitter.FULL);
    assertThat(config.maxDuration()).isZero();
    assertThat(config.budget()).isEmpty();
    assertThat(config)
        .hasToString(
            "RetryConfig[maxRetries=3, backoff=Backoff[exponential 1s x2.0 max 30s],"
                + " jitter=FULL, maxDuration=0s, respectRetryAfter=true]");
  }

  @Test
  void fullJitterKeepsEachWaitWithinTheBackoff() {
    Policy policy =
        policy(RetryConfig.builder().backoff(Backoff.fixed(Duration.ofSeconds(1))).build());
    AtomicInteger calls = new AtomicInteger();
    policy.execute(failingFirst(3, unavailable(), calls));
    assertThat(scheduler.sleeps())
        .hasSizeLessThanOrEqualTo(3)
        .allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(1)));
  }

  @Test
  void exhaustedRetriesThrowTheLastFailure() {
    Policy policy = policy(noJitter().maxRetries(2).build());
    AtomicInteger calls = new AtomicInteger();
    ServiceUnavailableException last = unavailable();

    assertThatThrownBy(() -> policy.execute(failingFirst(10, last, calls))).isSameAs(last);

    assertThat(calls).hasValue(3);
    Retry retry = policy.retry().orElseThrow();
    assertThat(retry.exhausted()).isEqualTo(1);
    assertThat(retry.retries()).isEqualTo(2);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
    assertThat(listener.matching("end")).containsExactly("end FAILURE attempts=3 handle-1");
  }

  @Test
  void validationAndAuthorizationErrorsAreNeverRetriedWhateverIsConfigured() {
    Policy policy = policy(noJitter().retryOn(RuntimeException.class).build());
    for (RuntimeException e :
        List.of(
            new DataValidationException("bad"),
            new AuthenticationException("who are you"),
            new AuthorizationException("not yours"))) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(() -> policy.execute(failingFirst(1, e, calls))).isSameAs(e);
      assertThat(calls).hasValue(1);
    }
    assertThat(policy.retry().orElseThrow().failedWithoutRetry()).isEqualTo(3);
    assertThat(scheduler.sleeps()).isEmpty();
  }

  @Test
  void unknownFailuresAreNotRetriedByDefault() {
    Policy policy = policy(noJitter().build());
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () -> policy.execute(failingFirst(1, new IllegalStateException("bug"), calls)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void retryOnAbortOnAndRetryIfChooseTheFailures() {
    AtomicInteger calls = new AtomicInteger();
    Policy byType = policy(noJitter().retryOn(IllegalStateException.class).build());
    assertThat(byType.execute(failingFirst(1, new IllegalStateException("flaky"), calls)))
        .isEqualTo("ok");

    calls.set(0);
    Policy aborting = policy(noJitter().abortOn(ServiceUnavailableException.class).build());
    assertThatThrownBy(() -> aborting.execute(failingFirst(1, unavailable(), calls)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(calls).hasValue(1);

    calls.set(0);
    Policy byPredicate =
        policy(noJitter().retryIf(e -> e.getMessage().startsWith("retry")).build());
    assertThat(byPredicate.execute(failingFirst(1, new IllegalStateException("retry me"), calls)))
        .isEqualTo("ok");
    assertThat(
            byPredicate.retry().orElseThrow().config().isRetryable(new IllegalStateException("no")))
        .isFalse();
  }

  @Test
  void wrappedFailuresAreClassifiedByTheirCause() throws Exception {
    Policy policy = policy(noJitter().build());
    AtomicInteger calls = new AtomicInteger();
    String result =
        policy.call(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IOException("connection reset");
              }
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(2);
  }

  @Test
  void checkedExceptionsReachTheCallerUnchanged() {
    Policy policy = policy(noJitter().maxRetries(1).build());
    IOException io = new IOException("gone");
    assertThatThrownBy(
            () ->
                policy.call(
                    () -> {
                      throw io;
                    }))
        .isSameAs(io);
  }

  @Test
  void resultsCanBeRetriedAndTheLastIsReturnedWhenRetriesRunOut() {
    Policy policy = policy(noJitter().maxRetries(2).retryOnResult(r -> r.equals(503)).build());
    AtomicInteger calls = new AtomicInteger();
    Integer status = policy.execute(() -> calls.incrementAndGet() < 3 ? 503 : 200);
    assertThat(status).isEqualTo(200);

    calls.set(0);
    Integer stuck = policy.execute(() -> 503 + 0 * calls.incrementAndGet());
    assertThat(stuck).isEqualTo(503);
    assertThat(calls).hasValue(3);

    Retry retry = policy.retry().orElseThrow();
    assertThat(retry.successfulAfterRetry()).isEqualTo(1);
    assertThat(retry.exhausted()).isEqualTo(1);
    assertThat(retry.successfulWithoutRetry()).isZero();
  }

  @Test
  void maxDurationStopsRetriesWhoseWaitWouldEndAfterIt() {
    Policy policy = policy(noJitter().maxRetries(10).maxDuration(Duration.ofMillis(350)).build());
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> policy.execute(failingFirst(10, unavailable(), calls)))
        .isInstanceOf(ServiceUnavailableException.class);
    // 100 ms and 200 ms fit in 350 ms; the third wait (400 ms) would not.
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(calls).hasValue(3);
    assertThat(policy.retry().orElseThrow().exhausted()).isEqualTo(1);
  }

  @Test
  void aRetryAfterHintLengthensTheWaitAndAHintBeyondTheMaxDelayEndsRetries() {
    Policy policy =
        policy(
            RetryConfig.builder()
                .jitter(Jitter.NONE)
                .backoff(Backoff.fixed(Duration.ofMillis(10)))
                .build());
    AtomicInteger calls = new AtomicInteger();
    RateLimitExceededException limited =
        new RateLimitExceededException("downstream", Duration.ofMillis(5));
    policy.execute(failingFirst(1, limited, calls));
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(10));

    Policy longerHint =
        policy(
            RetryConfig.builder()
                .jitter(Jitter.NONE)
                .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(5)))
                .build());
    calls.set(0);
    longerHint.execute(
        failingFirst(
            1, new RateLimitExceededException("downstream", Duration.ofSeconds(2)), calls));
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(10), Duration.ofSeconds(2));

    calls.set(0);
    RateLimitExceededException tooLong =
        new RateLimitExceededException("downstream", Duration.ofMinutes(5));
    assertThatThrownBy(() -> longerHint.execute(failingFirst(1, tooLong, calls))).isSameAs(tooLong);
    assertThat(calls).hasValue(1);

    Policy ignoringHints =
        policy(
            RetryConfig.builder()
                .jitter(Jitter.NONE)
                .backoff(Backoff.fixed(Duration.ofMillis(10)))
                .respectRetryAfter(false)
                .build());
    calls.set(0);
    ignoringHints.execute(failingFirst(1, tooLong, calls));
    assertThat(calls).hasValue(2);
  }

  @Test
  void theOwnOpenBreakerIsNotRetriedAndStopsRetriesAtOnce() {
    Policy policy =
        Policy.builder("catalog")
            .retry(noJitter().maxRetries(5).build())
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(2).build())
            .scheduler(scheduler)
            .listener(listener)
            .build();
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> policy.execute(failingFirst(10, unavailable(), calls)))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(calls).hasValue(2);
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100));

    assertThatThrownBy(() -> policy.execute(failingFirst(10, unavailable(), calls)))
        .isInstanceOf(CircuitOpenException.class);
    assertThat(calls).hasValue(2);
    assertThat(scheduler.sleeps()).hasSize(1);
    Retry retry = policy.retry().orElseThrow();
    assertThat(retry.failedAfterRetry()).isEqualTo(1);
    assertThat(retry.failedWithoutRetry()).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
  }

  @Test
  void aRejectionFromFurtherAwayIsRetriedLikeAnyFailure() {
    Policy policy = policy(noJitter().build());
    AtomicInteger calls = new AtomicInteger();
    CircuitOpenException downstream =
        new CircuitOpenException("inventory", "OPEN", Duration.ofMillis(50));
    assertThat(policy.execute(failingFirst(1, downstream, calls))).isEqualTo("ok");
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void aRetryBudgetLimitsRetriesToAShareOfCalls() {
    Policy policy = policy(noJitter().maxRetries(1).budget(RetryBudget.of(0.5, 2)).build());
    Retry retry = policy.retry().orElseThrow();
    assertThat(retry.budgetAvailable()).isEqualTo(2.0);
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> policy.execute(failingFirst(10, unavailable(), calls)))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    // Two saved retries plus half a retry per call: calls 1 to 3 retry, the fourth is refused.
    assertThat(retry.retries()).isEqualTo(3);
    assertThat(retry.budgetRejections()).isEqualTo(1);
    assertThat(retry.exhausted()).isEqualTo(4);
    assertThat(calls).hasValue(7);
  }

  @Test
  void anInterruptDuringTheBackoffEndsTheRetries() {
    PolicyScheduler interrupting =
        new PolicyScheduler() {
          @Override
          public dev.reliability.core.time.TimeSource timeSource() {
            return scheduler.timeSource();
          }

          @Override
          public java.util.concurrent.Future<?> schedule(Runnable task, long delayNanos) {
            return scheduler.schedule(task, delayNanos);
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            throw new InterruptedException("stop");
          }
        };
    Policy policy =
        Policy.builder("catalog").retry(noJitter().build()).scheduler(interrupting).build();
    AtomicInteger calls = new AtomicInteger();
    ServiceUnavailableException failure = unavailable();
    try {
      assertThatThrownBy(() -> policy.execute(failingFirst(10, failure, calls))).isSameAs(failure);
      assertThat(failure.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void builderRejectsInvalidValues() {
    assertThatThrownBy(() -> RetryConfig.builder().maxRetries(-1))
        .hasMessage("max-retries must be a whole number between 0 and 1000, was -1");
    assertThatThrownBy(() -> RetryConfig.builder().maxDuration(Duration.ofSeconds(-1)))
        .hasMessage("max-duration must be a duration between 0s and 7d, was -1s");
    assertThatThrownBy(() -> RetryBudget.of(1.5, 1))
        .hasMessage(
            "budget-ratio must be a percentage such as 80% or a fraction such as 0.8, was 1.5");
    assertThatThrownBy(() -> RetryBudget.of(0.1, 0))
        .hasMessage("budget-reserve must be a whole number between 1 and 1000000, was 0");
  }

  private static ServiceUnavailableException unavailable() {
    return new ServiceUnavailableException("downstream", "down", null);
  }
}
