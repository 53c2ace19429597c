package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A user's own Resilience4j bulkhead, rate limiter and retry inside a policy. */
class Resilience4jInstancesTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  private static io.github.resilience4j.bulkhead.Bulkhead userBulkhead(int calls) {
    return io.github.resilience4j.bulkhead.Bulkhead.of(
        "inventory",
        io.github.resilience4j.bulkhead.BulkheadConfig.custom()
            .maxConcurrentCalls(calls)
            .maxWaitDuration(Duration.ZERO)
            .build());
  }

  private static io.github.resilience4j.ratelimiter.RateLimiter userRateLimiter(
      int limit, Duration timeout) {
    return io.github.resilience4j.ratelimiter.RateLimiter.of(
        "openai",
        io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
            .limitForPeriod(limit)
            .limitRefreshPeriod(Duration.ofHours(1))
            .timeoutDuration(timeout)
            .build());
  }

  private static io.github.resilience4j.retry.Retry userRetry(int maxAttempts) {
    return io.github.resilience4j.retry.Retry.of(
        "quotes",
        io.github.resilience4j.retry.RetryConfig.custom()
            .maxAttempts(maxAttempts)
            .waitDuration(Duration.ofMillis(200))
            .ignoreExceptions(IllegalArgumentException.class)
            .build());
  }

  @Test
  void aFullUserBulkheadRefusesWithOurBulkheadFullExceptionAndItsMetricsCountTheCalls() {
    io.github.resilience4j.bulkhead.Bulkhead user = userBulkhead(1);
    AtomicInteger permitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    user.getEventPublisher()
        .onCallPermitted(e -> permitted.incrementAndGet())
        .onCallRejected(e -> refused.incrementAndGet())
        .onCallFinished(e -> finished.incrementAndGet());
    Policy policy = Policy.builder("inventory").bulkhead(user).scheduler(scheduler).build();
    Bulkhead view = policy.bulkhead().orElseThrow();

    assertThat(policy.execute(() -> view.availablePermits())).isZero();
    assertThat(user.tryAcquirePermission()).isTrue(); // someone else holds the only permit

    BulkheadFullException e =
        catchThrowableOfType(BulkheadFullException.class, () -> policy.execute(() -> "never"));
    assertThat(e.maxConcurrentCalls()).isEqualTo(1);
    assertThat(e.component()).isEqualTo("inventory");
    assertThat(view.availablePermits())
        .isEqualTo(user.getMetrics().getAvailableConcurrentCalls())
        .isZero();
    assertThat(view.rejectedCalls()).isEqualTo(1);

    user.onComplete();
    assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
    assertThat(view.availablePermits()).isEqualTo(1);
    assertThat(permitted).hasValue(3); // two through the policy, one held by hand
    assertThat(refused).hasValue(1);
    assertThat(finished).hasValue(3);
    assertThat(view.resilience4j()).containsSame(user);
    assertThat(view.config().maxConcurrentCalls()).isEqualTo(1);
    assertThat(policy.config().bulkhead()).contains(view.config());
  }

  @Test
  void aUserRateLimiterWithoutPermitsRefusesWithOurRateLimitExceededException() {
    io.github.resilience4j.ratelimiter.RateLimiter user = userRateLimiter(2, Duration.ZERO);
    AtomicInteger acquired = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    user.getEventPublisher()
        .onSuccess(e -> acquired.incrementAndGet())
        .onFailure(e -> failed.incrementAndGet());
    Policy policy = Policy.builder("openai").rateLimiter(user).scheduler(scheduler).build();
    RateLimiter view = policy.rateLimiter().orElseThrow();

    assertThat(policy.execute(() -> "one")).isEqualTo("one");
    assertThat(policy.execute(() -> "two")).isEqualTo("two");
    RateLimitExceededException e =
        catchThrowableOfType(RateLimitExceededException.class, () -> policy.execute(() -> "x"));

    assertThat(e.component()).isEqualTo("openai");
    assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive());
    assertThat(e.retryAfter().orElseThrow()).isLessThanOrEqualTo(Duration.ofHours(1));
    assertThat(view.availablePermits())
        .isEqualTo(user.getMetrics().getAvailablePermissions())
        .isZero();
    assertThat(view.permittedCalls()).isEqualTo(2);
    assertThat(view.rejectedCalls()).isEqualTo(1);
    assertThat(acquired).hasValue(2);
    assertThat(failed).hasValue(1);
    assertThat(view.nextPermitIn()).isPositive();
    assertThat(view.resilience4j()).containsSame(user);
    assertThat(view.config().limit()).isEqualTo(2);
    assertThat(view.config().period()).isEqualTo(Duration.ofHours(1));
    assertThat(scheduler.sleeps()).isEmpty();
  }

  @Test
  void aUserRateLimiterReservationIsWaitedWithThePolicysScheduler() {
    io.github.resilience4j.ratelimiter.RateLimiter user = userRateLimiter(1, Duration.ofHours(2));
    Policy policy = Policy.builder("openai").rateLimiter(user).scheduler(scheduler).build();

    assertThat(policy.execute(() -> "now")).isEqualTo("now");
    assertThat(policy.execute(() -> "later")).isEqualTo("later");

    // The second permit is an hour away: reserved from Resilience4j, waited on the manual clock.
    assertThat(scheduler.sleeps())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d)
                    .isGreaterThan(Duration.ofMinutes(59))
                    .isLessThanOrEqualTo(Duration.ofHours(1)));
    assertThat(policy.rateLimiter().orElseThrow().permittedCalls()).isEqualTo(2);
  }

  @Test
  void aUserRetryDecidesAttemptsAndIntervalAndItsMetricsMatchOurView() {
    io.github.resilience4j.retry.Retry user = userRetry(3);
    Policy policy = Policy.builder("quotes").retry(user).scheduler(scheduler).build();
    Retry view = policy.retry().orElseThrow();
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                policy.execute(
                    () -> {
                      calls.incrementAndGet();
                      throw new ServiceUnavailableException("quotes", "down");
                    }))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(calls).hasValue(3);
    assertThat(scheduler.sleeps()).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200));

    AtomicInteger flaky = new AtomicInteger();
    assertThat(
            policy.execute(
                () -> {
                  if (flaky.incrementAndGet() == 1) {
                    throw new ServiceUnavailableException("quotes", "blip");
                  }
                  return "ok";
                }))
        .isEqualTo("ok");
    assertThat(policy.execute(() -> "first")).isEqualTo("first");
    assertThatThrownBy(
            () ->
                policy.execute(
                    () -> {
                      throw new IllegalArgumentException("bad request");
                    }))
        .isInstanceOf(IllegalArgumentException.class);

    io.github.resilience4j.retry.Retry.Metrics m = user.getMetrics();
    assertThat(m.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
    assertThat(m.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    assertThat(m.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
    assertThat(m.getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
    assertThat(view.exhausted()).isEqualTo(1);
    assertThat(view.failedAfterRetry()).isZero();
    assertThat(view.successfulAfterRetry()).isEqualTo(1);
    assertThat(view.successfulWithoutRetry()).isEqualTo(1);
    assertThat(view.failedWithoutRetry()).isEqualTo(1);
    assertThat(view.retries()).isEqualTo(3);
    assertThat(view.resilience4j()).containsSame(user);
    assertThat(view.config().maxRetries()).isEqualTo(2);
    assertThat(scheduler.sleeps()).hasSize(3);
  }

  @Test
  void aUserRetryDrivesAsynchronousCallsOnThePolicysScheduler() {
    io.github.resilience4j.retry.Retry user = userRetry(3);
    Policy policy =
        Policy.builder("quotes").retry(user).scheduler(scheduler).executor(Runnable::run).build();
    AtomicInteger attempts = new AtomicInteger();

    CompletableFuture<String> result =
        policy.executeAsync(
            () ->
                attempts.incrementAndGet() < 3
                    ? CompletableFuture.failedFuture(
                        new ServiceUnavailableException("quotes", "down"))
                    : CompletableFuture.completedFuture("third"));

    assertThat(result).isNotDone();
    scheduler.advance(Duration.ofMillis(199));
    assertThat(attempts).hasValue(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(attempts).hasValue(2);
    scheduler.advance(Duration.ofMillis(200));
    assertThat(result).isCompletedWithValue("third");
    assertThat(user.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
  }

  @Test
  void aRegistryPolicyTakesTheInstancesNamedLikeIt() {
    BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();
    RetryRegistry retries = RetryRegistry.ofDefaults();
    try (PolicyRegistry registry =
        PolicyRegistry.builder()
            .bulkheadRegistry(bulkheads)
            .rateLimiterRegistry(rateLimiters)
            .retryRegistry(retries)
            .scheduler(scheduler)
            .build()) {
      Policy policy = registry.policy("payments");

      assertThat(policy.bulkhead().orElseThrow().resilience4j())
          .containsSame(bulkheads.bulkhead("payments"));
      assertThat(policy.rateLimiter().orElseThrow().resilience4j())
          .containsSame(rateLimiters.rateLimiter("payments"));
      assertThat(policy.retry().orElseThrow().resilience4j())
          .containsSame(retries.retry("payments"));
      assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
      assertThat(
              retries
                  .retry("payments")
                  .getMetrics()
                  .getNumberOfSuccessfulCallsWithoutRetryAttempt())
          .isEqualTo(1);
    }
  }

  @Test
  void ourOwnRateLimiterAndRetryHaveNoResilience4jInstance() {
    Policy policy =
        Policy.builder("own")
            .retry(RetryConfig.ofDefaults())
            .rateLimiter(RateLimiterConfig.ofDefaults())
            .bulkhead(userBulkhead(2))
            .bulkhead(BulkheadConfig.ofDefaults())
            .scheduler(scheduler)
            .build();

    assertThat(policy.retry().orElseThrow().resilience4j()).isEmpty();
    assertThat(policy.rateLimiter().orElseThrow().resilience4j()).isEmpty();
    // The later configuration replaced the user's bulkhead.
    assertThat(policy.bulkhead().orElseThrow().config()).isEqualTo(BulkheadConfig.ofDefaults());
    assertThat(policy.bulkhead().orElseThrow().resilience4j().orElseThrow().getName())
        .isEqualTo("own");
  }

  @Test
  void theGuidesExampleUsesTheRegistriesInstances() {
    BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();
    RetryRegistry retries = RetryRegistry.ofDefaults();

    // docs/fault-tolerance.md: Bringing your own Resilience4j instances
    io.github.resilience4j.bulkhead.Bulkhead bulkhead = bulkheads.bulkhead("inventory");
    io.github.resilience4j.ratelimiter.RateLimiter rateLimiter =
        rateLimiters.rateLimiter("inventory");
    io.github.resilience4j.retry.Retry retry = retries.retry("inventory");
    Policy policy =
        Policy.builder("inventory")
            .circuitBreaker(CircuitBreakerConfig.ofDefaults())
            .bulkhead(bulkhead)
            .rateLimiter(rateLimiter)
            .retry(retry)
            .build();

    PolicyRegistry registry =
        PolicyRegistry.builder()
            .bulkheadRegistry(bulkheads)
            .rateLimiterRegistry(rateLimiters)
            .retryRegistry(retries)
            .build();

    try (policy;
        registry) {
      assertThat(policy.execute(() -> "ok")).isEqualTo("ok");
      assertThat(registry.policy("inventory").bulkhead().orElseThrow().resilience4j())
          .containsSame(bulkhead);
      assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
      assertThat(policy.config().retry().orElseThrow().maxRetries()).isEqualTo(2);
      assertThat(policy.config().rateLimiter().orElseThrow().limit()).isEqualTo(50);
    }
  }

  @Test
  void aUserRetrysResultPredicateRetriesValuesAndReturnsTheLastOne() {
    io.github.resilience4j.retry.Retry user =
        io.github.resilience4j.retry.Retry.of(
            "quotes",
            io.github.resilience4j.retry.RetryConfig.<String>custom()
                .maxAttempts(3)
                .waitDuration(Duration.ofMillis(50))
                .retryOnResult("busy"::equals)
                .build());
    Policy policy = Policy.builder("quotes").retry(user).scheduler(scheduler).build();
    AtomicInteger attempts = new AtomicInteger();

    assertThat(policy.execute(() -> attempts.incrementAndGet() < 2 ? "busy" : "done"))
        .isEqualTo("done");
    assertThat(policy.execute(() -> "busy")).isEqualTo("busy");

    assertThat(attempts).hasValue(2);
    assertThat(scheduler.sleeps())
        .containsExactly(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50));
    // Resilience4j counts the call that ran out of attempts with a retried value as failed after
    // retry; the view calls it exhausted, as the policy's own retry does.
    io.github.resilience4j.retry.Retry.Metrics m = user.getMetrics();
    assertThat(m.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    assertThat(m.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
    assertThat(policy.retry().orElseThrow().failedAfterRetry()).isZero();
    assertThat(policy.retry().orElseThrow().exhausted()).isEqualTo(1);
    assertThat(policy.retry().orElseThrow().retries()).isEqualTo(3);
  }
}
