package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The user's Resilience4j retry inside a policy. Each call takes a {@code Retry.AsyncContext}
 * ({@code retry.asyncContext()}); after each attempt the context decides: {@code onError} and
 * {@code onResult} return the delay in milliseconds or -1, and {@code onComplete} ends a call that
 * returns a value. The policy's own loop then waits with its scheduler and runs the next attempt
 * (synchronously or asynchronously), so the user's settings (maximum attempts, interval function,
 * exception and result predicates) decide, the user's Resilience4j metrics and events count every
 * call, and no thread sleeps inside Resilience4j.
 *
 * <p>The view's counts are Resilience4j's metrics; {@link #exhausted()} is the part of
 * Resilience4j's "failed with retry" that ended because the attempts ran out.
 *
 * <p>Internal: may change at any time.
 */
final class Resilience4jRetry extends RetryState {

  private final io.github.resilience4j.retry.Retry r4j;

  Resilience4jRetry(io.github.resilience4j.retry.Retry r4j, Stats stats) {
    super(describe(r4j.getRetryConfig()), stats, true);
    this.r4j = r4j;
  }

  /**
   * Describes a Resilience4j retry's settings as a {@link RetryConfig}: the retries after the first
   * attempt and the first interval as a fixed backoff, without jitter or budget, clamped to the
   * settings' ranges. The Resilience4j retry's own interval function and predicates decide.
   */
  static RetryConfig describe(io.github.resilience4j.retry.RetryConfig c) {
    long firstMillis = 0;
    try {
      Long first = c.getIntervalFunction().apply(1);
      firstMillis = first == null ? 0 : Math.max(0, first);
    } catch (RuntimeException unknown) {
      // an interval function that needs more than the attempt: described without it
    }
    Duration first = Duration.ofMillis(Math.min(firstMillis, Duration.ofHours(1).toMillis()));
    Predicate<Throwable> retryable = c.getExceptionPredicate();
    RetryConfig.Builder b =
        RetryConfig.builder()
            .maxRetries(Math.max(0, Math.min(1_000, c.getMaxAttempts() - 1)))
            .backoff(Backoff.fixed(first))
            .jitter(Jitter.NONE)
            .respectRetryAfter(false)
            .noBudget();
    if (retryable != null) {
      b.retryIf(retryable);
    }
    Predicate<Object> result = c.getResultPredicate();
    if (result != null) {
      b.retryOnResult(result);
    }
    return b.build();
  }

  @Override
  Object begin() {
    return r4j.asyncContext();
  }

  @Override
  @SuppressWarnings("unchecked")
  long afterValue(
      Object call, Object value, int attempt, long previousDelay, long now, long deadline) {
    io.github.resilience4j.retry.Retry.AsyncContext<Object> context =
        (io.github.resilience4j.retry.Retry.AsyncContext<Object>) call;
    Predicate<Object> rule = r4j.getRetryConfig().getResultPredicate();
    boolean retriedValue = rule != null && rule.test(value);
    long millis = context.onResult(value);
    if (millis >= 0) {
      countRetry();
      return millis * 1_000_000L;
    }
    context.onComplete();
    return retriedValue ? PolicyEngine.RETURN_RETRIED_VALUE : PolicyEngine.RETURN_VALUE;
  }

  @Override
  long afterFailure(
      Object call, Throwable failure, int attempt, long previousDelay, long now, long deadline) {
    io.github.resilience4j.retry.Retry.AsyncContext<?> context =
        (io.github.resilience4j.retry.Retry.AsyncContext<?>) call;
    long millis = context.onError(failure);
    if (millis >= 0) {
      countRetry();
      return millis * 1_000_000L;
    }
    Predicate<Throwable> retryable = r4j.getRetryConfig().getExceptionPredicate();
    boolean wanted = retryable == null || retryable.test(failure);
    return wanted && attempt >= r4j.getRetryConfig().getMaxAttempts() ? EXHAUSTED : NOT_RETRYABLE;
  }

  @Override
  public long successfulWithoutRetry() {
    return r4j.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt();
  }

  @Override
  public long successfulAfterRetry() {
    return r4j.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt();
  }

  @Override
  public long failedWithoutRetry() {
    return r4j.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt();
  }

  @Override
  public long failedAfterRetry() {
    return Math.max(0, r4j.getMetrics().getNumberOfFailedCallsWithRetryAttempt() - exhausted());
  }

  @Override
  public Optional<io.github.resilience4j.retry.Retry> resilience4j() {
    return Optional.of(r4j);
  }

  @Override
  public String toString() {
    return "Retry[" + r4j.getName() + ", " + config() + "]";
  }
}
