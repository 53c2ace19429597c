package dev.reliability.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestContextAccessor;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.HedgeConfig;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** What each component of a policy does to a Mono or Flux, on virtual time. */
class PolicyOperatorTest {

  private static final Duration NO_WAIT = Duration.ofSeconds(5);

  private static RetryConfig fixedRetries(int n, Duration delay) {
    return RetryConfig.builder()
        .maxRetries(n)
        .backoff(Backoff.fixed(delay))
        .jitter(Jitter.NONE)
        .noBudget()
        .build();
  }

  /** A Mono that fails {@code failures} times with a retryable failure, then emits "ok". */
  private static Mono<String> failing(AtomicInteger subscriptions, int failures) {
    return Mono.defer(
        () ->
            subscriptions.incrementAndGet() <= failures
                ? Mono.error(new ServiceUnavailableException("backend", "down"))
                : Mono.just("ok"));
  }

  @Test
  void aMonoStaysAMonoAndAFluxAFlux() {
    Policy policy = Policy.builder("shapes").build();
    PolicyOperator<String> op = PolicyOperator.of(policy);

    assertThat(op.apply(Mono.just("a"))).isInstanceOf(Mono.class);
    assertThat(op.apply(Flux.just("a", "b"))).isInstanceOf(Flux.class);
    StepVerifier.create(Mono.just("a").transformDeferred(op)).expectNext("a").verifyComplete();
    StepVerifier.create(Flux.just("a", "b").transformDeferred(PolicyOperator.<String>of(policy)))
        .expectNext("a", "b")
        .verifyComplete();
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(2);
  }

  @Test
  void eachSubscriptionIsOneCallAlsoWithTransform() {
    Policy policy = Policy.builder("per-subscription").build();
    Mono<String> assembledOnce = Mono.just("a").transform(PolicyOperator.of(policy));

    assembledOnce.block(NO_WAIT);
    assembledOnce.block(NO_WAIT);

    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(2);
  }

  @Test
  void retriesWaitTheBackoffOnTheSchedulerWithoutBlocking() {
    Policy policy = Policy.builder("retry").retry(fixedRetries(2, Duration.ofSeconds(10))).build();
    AtomicInteger subscriptions = new AtomicInteger();

    StepVerifier.withVirtualTime(
            () -> failing(subscriptions, 2).transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(10))
        .then(() -> assertThat(subscriptions).hasValue(2))
        .expectNoEvent(Duration.ofSeconds(9))
        .then(() -> assertThat(subscriptions).hasValue(2))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext("ok")
        .verifyComplete();

    assertThat(subscriptions).hasValue(3);
    assertThat(policy.retry().orElseThrow().retries()).isEqualTo(2);
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
  }

  @Test
  void aFailureTheRetryDoesNotRetryEndsTheCallAtOnce() {
    Policy policy =
        Policy.builder("classified").retry(fixedRetries(3, Duration.ofSeconds(1))).build();
    AtomicInteger subscriptions = new AtomicInteger();
    Mono<String> invalid =
        Mono.defer(
            () -> {
              subscriptions.incrementAndGet();
              return Mono.error(new DataValidationException("bad input"));
            });

    StepVerifier.create(invalid.transformDeferred(PolicyOperator.of(policy)))
        .expectError(DataValidationException.class)
        .verify(Duration.ofSeconds(5));

    assertThat(subscriptions).hasValue(1);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void retriesStopAtTheRetrysMaxDuration() {
    ManualScheduler clock = ManualScheduler.create();
    Policy policy =
        Policy.builder("bounded")
            .scheduler(clock)
            .retry(
                RetryConfig.builder()
                    .maxRetries(5)
                    .backoff(Backoff.fixed(Duration.ofSeconds(3)))
                    .jitter(Jitter.NONE)
                    .maxDuration(Duration.ofSeconds(2))
                    .noBudget()
                    .build())
            .build();
    AtomicInteger subscriptions = new AtomicInteger();

    StepVerifier.create(failing(subscriptions, 10).transformDeferred(PolicyOperator.of(policy)))
        .expectError(ServiceUnavailableException.class)
        .verify(Duration.ofSeconds(5));

    // The first retry's 3 s wait would end after the 2 s the retry may take: none is made.
    assertThat(subscriptions).hasValue(1);
    assertThat(policy.retry().orElseThrow().exhausted()).isEqualTo(1);
  }

  @Test
  void theBreakerOpensAfterFailuresAndThenFailsFastWithoutSubscribing() {
    ManualScheduler clock = ManualScheduler.create();
    Policy policy =
        Policy.builder("breaker")
            .scheduler(clock)
            .circuitBreaker(
                CircuitBreakerConfig.builder()
                    .failureThreshold(3)
                    .waitInOpen(Duration.ofSeconds(30))
                    .build())
            .build();
    AtomicInteger subscriptions = new AtomicInteger();
    Mono<String> guarded = failing(subscriptions, 100).transformDeferred(PolicyOperator.of(policy));

    for (int i = 0; i < 3; i++) {
      StepVerifier.create(guarded).expectError(ServiceUnavailableException.class).verify(NO_WAIT);
    }
    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.OPEN);

    StepVerifier.create(guarded)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(CircuitOpenException.class)
                    .satisfies(
                        x -> assertThat(((CircuitOpenException) x).retryAfter()).isPresent()))
        .verify(NO_WAIT);
    assertThat(subscriptions).hasValue(3);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(31));
    AtomicInteger later = new AtomicInteger();
    StepVerifier.create(failing(later, 0).transformDeferred(PolicyOperator.of(policy)))
        .expectNext("ok")
        .verifyComplete();
    assertThat(policy.circuitBreaker().orElseThrow().state()).isNotEqualTo(CircuitState.OPEN);
  }

  @Test
  void aRateLimitWaitIsADelayOnTheScheduler() {
    Policy policy =
        Policy.builder("limited")
            .rateLimiter(
                RateLimiterConfig.builder()
                    .limit(1)
                    .period(Duration.ofMinutes(60))
                    .maxWait(Duration.ofMinutes(60))
                    .build())
            .build();
    AtomicInteger subscriptions = new AtomicInteger();
    Mono<String> guarded = failing(subscriptions, 0).transformDeferred(PolicyOperator.of(policy));
    StepVerifier.create(guarded).expectNext("ok").verifyComplete();

    StepVerifier.withVirtualTime(
            () -> failing(subscriptions, 0).transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMinutes(59))
        .then(() -> assertThat(subscriptions).hasValue(1))
        .thenAwait(Duration.ofMinutes(1))
        .expectNext("ok")
        .verifyComplete();
    assertThat(subscriptions).hasValue(2);
  }

  @Test
  void aRateLimitRefusalIsRateLimitExceededWithItsRetryAfter() {
    Policy policy =
        Policy.builder("refusing")
            .rateLimiter(
                RateLimiterConfig.builder()
                    .limit(1)
                    .period(Duration.ofHours(1))
                    .maxWait(Duration.ZERO)
                    .build())
            .build();
    AtomicInteger subscriptions = new AtomicInteger();
    Mono<String> guarded = failing(subscriptions, 0).transformDeferred(PolicyOperator.of(policy));
    StepVerifier.create(guarded).expectNext("ok").verifyComplete();

    StepVerifier.create(guarded)
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(RateLimitExceededException.class);
              assertThat(((RateLimitExceededException) e).retryAfter())
                  .hasValueSatisfying(d -> assertThat(d).isPositive());
            })
        .verify(NO_WAIT);
    assertThat(subscriptions).hasValue(1);
    assertThat(policy.stats().calls(CallOutcome.REJECTED)).isEqualTo(1);
  }

  @Test
  void theTimeLimitIsAReactiveTimeoutRaisingTheServiceTimeout() {
    Policy policy =
        Policy.builder("slow").timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2))).build();

    StepVerifier.withVirtualTime(
            () -> Mono.<String>never().transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(1999))
        .thenAwait(Duration.ofMillis(1))
        .expectError(ServiceTimeoutException.class)
        .verify(NO_WAIT);

    assertThat(policy.timeLimiter().orElseThrow().timedOutCalls()).isEqualTo(1);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isEqualTo(1);
  }

  @Test
  void aTimedOutAttemptIsRetried() {
    Policy policy =
        Policy.builder("slow-retried")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .retry(fixedRetries(1, Duration.ofSeconds(1)))
            .build();
    AtomicInteger subscriptions = new AtomicInteger();
    Mono<String> firstHangs =
        Mono.defer(() -> subscriptions.incrementAndGet() == 1 ? Mono.never() : Mono.just("second"));

    StepVerifier.withVirtualTime(() -> firstHangs.transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(3))
        .expectNext("second")
        .verifyComplete();
    assertThat(subscriptions).hasValue(2);
  }

  @Test
  void aFluxTimesOutBetweenElementsAndIsNotRetriedOnceItEmitted() {
    Policy policy =
        Policy.builder("stream")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
            .retry(fixedRetries(3, Duration.ofSeconds(1)))
            .build();
    AtomicInteger subscriptions = new AtomicInteger();

    StepVerifier.withVirtualTime(
            () ->
                Flux.defer(
                        () -> {
                          subscriptions.incrementAndGet();
                          return Flux.concat(
                              Mono.just(1).delayElement(Duration.ofSeconds(1)),
                              Mono.just(2).delayElement(Duration.ofSeconds(1)),
                              Mono.just(3).delayElement(Duration.ofSeconds(5)));
                        })
                    .transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .expectNext(1)
        .thenAwait(Duration.ofSeconds(1))
        .expectNext(2)
        .thenAwait(Duration.ofSeconds(2))
        .expectError(ServiceTimeoutException.class)
        .verify(NO_WAIT);

    // The stream had emitted: resubscribing would repeat elements, so the failure ends the call.
    assertThat(subscriptions).hasValue(1);
  }

  @Test
  void aFluxThatFailsBeforeItsFirstElementIsResubscribed() {
    Policy policy =
        Policy.builder("stream-retry").retry(fixedRetries(2, Duration.ofSeconds(1))).build();
    AtomicInteger subscriptions = new AtomicInteger();
    Flux<Integer> source =
        Flux.defer(
            () ->
                subscriptions.incrementAndGet() == 1
                    ? Flux.error(new ServiceUnavailableException("backend", "down"))
                    : Flux.just(1, 2, 3));

    StepVerifier.withVirtualTime(() -> source.transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .expectNext(1, 2, 3)
        .verifyComplete();
    assertThat(subscriptions).hasValue(2);
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(1);
  }

  @Test
  void aFullBulkheadRefusesAndCancellationGivesThePermitBack() {
    Policy policy =
        Policy.builder("bulkhead").bulkhead(BulkheadConfig.ofMaxConcurrentCalls(1)).build();
    PolicyOperator<String> op = PolicyOperator.of(policy);

    var running = Mono.<String>never().transformDeferred(op).subscribe();
    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isZero();
    StepVerifier.create(Mono.just("x").transformDeferred(op))
        .expectError(BulkheadFullException.class)
        .verify(NO_WAIT);

    running.dispose();
    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(1);
    StepVerifier.create(Mono.just("x").transformDeferred(op)).expectNext("x").verifyComplete();
    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(1);
  }

  @Test
  void theAdaptiveLimitAndTheThrottleCountReactiveAttemptsAndCancellationsAsNotSent() {
    Policy policy =
        Policy.builder("adaptive")
            .adaptiveLimit(AdaptiveLimitConfig.ofDefaults())
            .throttle(ThrottleConfig.ofDefaults())
            .build();
    PolicyOperator<String> op = PolicyOperator.of(policy);

    var running = Mono.<String>never().transformDeferred(op).subscribe();
    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isEqualTo(1);
    running.dispose();
    StepVerifier.create(Mono.just("x").transformDeferred(op)).expectNext("x").verifyComplete();

    assertThat(policy.adaptiveLimit().orElseThrow().inFlight()).isZero();
    // The cancelled attempt was taken back (not sent); the completed one was accepted.
    assertThat(policy.throttle().orElseThrow().requests()).isEqualTo(1);
    assertThat(policy.throttle().orElseThrow().accepts()).isEqualTo(1);
  }

  @Test
  void aCancelledAttemptIsNeitherSuccessNorFailureForTheBreaker() {
    Policy policy =
        Policy.builder("cancelled")
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(1).build())
            .build();

    Mono.<String>never().transformDeferred(PolicyOperator.of(policy)).subscribe().dispose();

    assertThat(policy.circuitBreaker().orElseThrow().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(policy.stats().calls(CallOutcome.FAILURE)).isZero();
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isZero();
  }

  @Test
  void cancellingDuringTheBackoffEndsTheCallWithoutAnotherAttempt() {
    Policy policy =
        Policy.builder("cancel-backoff")
            .retry(fixedRetries(2, Duration.ofSeconds(10)))
            .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(1))
            .build();
    AtomicInteger subscriptions = new AtomicInteger();

    StepVerifier.withVirtualTime(
            () -> failing(subscriptions, 5).transformDeferred(PolicyOperator.of(policy)))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(5))
        .thenCancel()
        .verify(NO_WAIT);

    assertThat(subscriptions).hasValue(1);
    assertThat(policy.bulkhead().orElseThrow().availablePermits()).isEqualTo(1);
  }

  @Test
  void theFallbackComesLastAfterTheRetries() {
    Policy policy =
        Policy.builder("fallback").retry(fixedRetries(2, Duration.ofSeconds(1))).build();
    AtomicInteger subscriptions = new AtomicInteger();

    StepVerifier.withVirtualTime(
            () ->
                failing(subscriptions, 10)
                    .transformDeferred(
                        PolicyOperator.<String>of(policy).withFallback(Fallback.value("cached"))))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(2))
        .expectNext("cached")
        .verifyComplete();

    assertThat(subscriptions).hasValue(3);
    assertThat(policy.stats().calls(CallOutcome.FALLBACK)).isEqualTo(1);
  }

  @Test
  void theRequestsDeadlineClipsTheTimeLimitAndStopsRetriesThatCannotFinish() {
    ManualScheduler clock = ManualScheduler.create();
    Policy policy =
        Policy.builder("deadline")
            .scheduler(clock)
            .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(10)))
            .retry(fixedRetries(3, Duration.ofSeconds(5)))
            .build();
    RequestContext request =
        RequestContext.builder("req-deadline")
            .deadline(Deadline.after(Duration.ofSeconds(3), clock.timeSource()))
            .build();
    AtomicInteger subscriptions = new AtomicInteger();

    StepVerifier.withVirtualTime(
            () ->
                Mono.<String>defer(
                        () -> {
                          subscriptions.incrementAndGet();
                          return Mono.never();
                        })
                    .transformDeferred(PolicyOperator.of(policy))
                    .contextWrite(Context.of(RequestContextAccessor.KEY, request)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(2999))
        .then(() -> clock.advance(Duration.ofSeconds(3)))
        .thenAwait(Duration.ofMillis(1))
        .expectError(DeadlineExceededException.class)
        .verify(NO_WAIT);

    // The attempt got the 3 s the deadline left, not the 10 s time limit, and no retry followed.
    assertThat(subscriptions).hasValue(1);
  }

  @Test
  void aHedgingPolicyIsRefusedByName() {
    Policy policy =
        Policy.builder("hedged")
            .hedge(HedgeConfig.builder().delay(Duration.ofMillis(50)).build())
            .build();

    assertThatThrownBy(() -> PolicyOperator.of(policy))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("Policy 'hedged' hedges: hedging is not supported by PolicyOperator");
  }
}
