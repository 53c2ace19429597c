package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AsyncTest {

  private final ManualScheduler scheduler = ManualScheduler.create();

  private Policy.Builder builder() {
    return Policy.builder("search").scheduler(scheduler).executor(Runnable::run);
  }

  @Test
  void returnsTheStagesResult() {
    Policy policy = builder().circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
    CompletableFuture<String> result =
        policy.executeAsync(() -> CompletableFuture.completedFuture("found"));
    assertThat(result).isCompletedWithValue("found");
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(1);
    assertThat(policy.circuitBreaker().orElseThrow().successfulCalls()).isEqualTo(1);
  }

  @Test
  void retriesAfterTheBackoffOnTheScheduler() {
    Policy policy =
        builder()
            .retry(
                RetryConfig.builder()
                    .jitter(Jitter.NONE)
                    .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .build())
            .build();
    AtomicInteger attempts = new AtomicInteger();
    Supplier<CompletableFuture<String>> call =
        () ->
            attempts.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new ServiceUnavailableException("x", "down"))
                : CompletableFuture.completedFuture("third time");

    CompletableFuture<String> result = policy.executeAsync(call);
    assertThat(attempts).hasValue(1);
    assertThat(result).isNotDone();
    scheduler.advance(Duration.ofMillis(99));
    assertThat(attempts).hasValue(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(attempts).hasValue(2);
    scheduler.advance(Duration.ofMillis(200));

    assertThat(result).isCompletedWithValue("third time");
    assertThat(policy.retry().orElseThrow().successfulAfterRetry()).isEqualTo(1);
    assertThat(policy.stats().totalNanos(CallOutcome.SUCCESS))
        .isEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void failsWithTheFailureItselfNotAWrapper() {
    Policy policy = builder().build();
    ServiceUnavailableException down = new ServiceUnavailableException("x", "down");
    CompletableFuture<String> result =
        policy.executeAsync(() -> CompletableFuture.failedFuture(down));
    assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).cause().isSameAs(down);
    CompletableFuture<String> wrapped =
        policy.executeAsync(() -> CompletableFuture.failedFuture(new CompletionException(down)));
    assertThatThrownBy(wrapped::join).cause().isSameAs(down);
  }

  @Test
  void aSupplierThatThrowsOrReturnsNullFailsTheCall() {
    Policy policy = builder().build();
    CompletableFuture<String> thrown =
        policy.executeAsync(
            () -> {
              throw new IllegalStateException("cannot start");
            });
    assertThatThrownBy(thrown::join).cause().hasMessage("cannot start");
    CompletableFuture<String> nothing = policy.executeAsync(() -> null);
    assertThatThrownBy(nothing::join)
        .cause()
        .isInstanceOf(NullPointerException.class)
        .hasMessage("the supplier of policy 'search' returned null instead of a CompletionStage");
  }

  @Test
  void rejectionsCompleteTheFutureExceptionally() {
    Policy breaker = builder().circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
    breaker.circuitBreaker().orElseThrow().forceOpen();
    assertThatThrownBy(
            () -> breaker.executeAsync(() -> CompletableFuture.completedFuture("x")).join())
        .cause()
        .isInstanceOf(CircuitOpenException.class);

    Policy limited = builder().rateLimiter(RateLimiterConfig.perSecond(1)).build();
    limited.executeAsync(() -> CompletableFuture.completedFuture("1")).join();
    assertThatThrownBy(
            () -> limited.executeAsync(() -> CompletableFuture.completedFuture("2")).join())
        .cause()
        .isInstanceOf(RateLimitExceededException.class);

    Policy bulkhead = builder().bulkhead(BulkheadConfig.ofMaxConcurrentCalls(1)).build();
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> first = bulkhead.executeAsync(() -> pending);
    assertThatThrownBy(
            () -> bulkhead.executeAsync(() -> CompletableFuture.completedFuture("2")).join())
        .cause()
        .isInstanceOf(BulkheadFullException.class);
    pending.complete("1");
    assertThat(first).isCompletedWithValue("1");
    assertThat(bulkhead.bulkhead().orElseThrow().availablePermits()).isEqualTo(1);
  }

  @Test
  void aRateLimitWaitIsScheduledNotBlocked() {
    Policy policy =
        builder()
            .rateLimiter(
                RateLimiterConfig.builder()
                    .limit(1)
                    .period(Duration.ofSeconds(1))
                    .maxWait(Duration.ofSeconds(2))
                    .build())
            .build();
    policy.executeAsync(() -> CompletableFuture.completedFuture("1")).join();
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String> second =
        policy.executeAsync(
            () -> {
              started.incrementAndGet();
              return CompletableFuture.completedFuture("2");
            });
    assertThat(second).isNotDone();
    assertThat(started).hasValue(0);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(second).isCompletedWithValue("2");
  }

  @Test
  void decoratedSuppliersRunThroughThePolicy() {
    Policy policy = builder().build();
    Supplier<CompletableFuture<String>> decorated =
        policy.decorateAsync(() -> CompletableFuture.completedFuture("async"));
    assertThat(decorated.get()).isCompletedWithValue("async");
    assertThat(policy.decorate(() -> "sync").get()).isEqualTo("sync");
    assertThat(policy.decorate(Failures.<String>failing(), Fallback.value("fb")).get())
        .isEqualTo("fb");
    AtomicInteger runs = new AtomicInteger();
    policy.decorateRunnable(runs::incrementAndGet).run();
    assertThat(runs).hasValue(1);
    assertThat(policy.stats().calls(CallOutcome.SUCCESS)).isEqualTo(3);
  }

  @Test
  void nullCallsAreRefusedNamingTheParameter() {
    Policy policy = builder().build();
    assertThatThrownBy(() -> policy.execute(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("call must not be null");
    assertThatThrownBy(() -> policy.executeAsync(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("call must not be null");
  }
}
