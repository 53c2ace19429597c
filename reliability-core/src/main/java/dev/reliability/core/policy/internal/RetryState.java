package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Retry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The retry decision and statistics of one policy. {@link Resilience4jRetry} extends it to let the
 * user's Resilience4j retry decide through the same hooks ({@link #begin}, {@link #afterValue},
 * {@link #afterFailure}).
 *
 * <p>Internal: may change at any time.
 */
class RetryState implements Retry {

  /** Returned by {@link #delayNanos} when the failure is not retried. */
  static final long NOT_RETRYABLE = -1;

  /** Returned by {@link #delayNanos} when the retries, the deadline or the budget ran out. */
  static final long EXHAUSTED = -2;

  final RetryConfig config;
  final boolean hasResultRule;
  final int maxRetries;
  final long maxDurationNanos;
  private final Backoff backoff;
  private final Jitter jitter;
  private final long initialNanos;
  private final long maxNanos;
  private final boolean respectRetryAfter;
  private final Stats stats;

  // Shared with the retry of the policy's next configuration, so counts continue across it.
  private LongAdder successAfterRetry = new LongAdder();
  private LongAdder exhaustedWithResult = new LongAdder();
  private LongAdder failedWithoutRetry = new LongAdder();
  private LongAdder failedAfterRetry = new LongAdder();
  private LongAdder exhausted = new LongAdder();
  private LongAdder retries = new LongAdder();
  private LongAdder budgetRejections = new LongAdder();

  /** The budget's state, shared or this policy's own; null without a budget. */
  private final BudgetState budget;

  /** The budget when it reads successful attempts (the token-bucket rule), else null. */
  private final BudgetState successBudget;

  RetryState(RetryConfig config, Stats stats) {
    this(config, stats, false, TimeSource.system());
  }

  RetryState(RetryConfig config, Stats stats, TimeSource time) {
    this(config, stats, false, time);
  }

  RetryState(RetryConfig config, Stats stats, boolean everyValue) {
    this(config, stats, everyValue, TimeSource.system());
  }

  /**
   * Creates the state.
   *
   * @param config the settings
   * @param stats the policy's statistics
   * @param everyValue whether every returned value goes through {@link #afterValue}, rule or not
   * @param time the policy's clock, for a budget that reads it
   */
  RetryState(RetryConfig config, Stats stats, boolean everyValue, TimeSource time) {
    this.config = config;
    this.stats = stats;
    this.hasResultRule = everyValue || config.hasResultRule();
    this.maxRetries = config.maxRetries();
    this.maxDurationNanos = config.maxDuration().toNanos();
    this.backoff = config.backoff();
    this.jitter = config.jitter();
    this.initialNanos = backoff.initialDelay().toNanos();
    this.maxNanos = backoff.maxDelay().toNanos();
    this.respectRetryAfter = config.respectRetryAfter();
    RetryBudget b = config.budget().orElse(null);
    this.budget = b == null ? null : BudgetState.forPolicy(b, time);
    this.successBudget = budget != null && budget.readsSuccesses() ? budget : null;
  }

  /** Reports a new call to the budget (the ratio and percent-of-requests rules credit it). */
  void deposit() {
    BudgetState b = budget;
    if (b != null) {
      b.onCall();
    }
  }

  /**
   * Carries on from the retry of the policy's previous configuration: its counts continue here (the
   * counters are shared, so calls still in flight on the previous one count too), and a budget
   * keeps what it had (tokens up to the new capacity, for a budget of the same rule; a shared
   * budget is one state anyway). Called before this retry takes any call.
   *
   * @param previous the previous retry
   * @return this retry
   */
  RetryState carryOn(RetryState previous) {
    successAfterRetry = previous.successAfterRetry;
    exhaustedWithResult = previous.exhaustedWithResult;
    failedWithoutRetry = previous.failedWithoutRetry;
    failedAfterRetry = previous.failedAfterRetry;
    exhausted = previous.exhausted;
    retries = previous.retries;
    budgetRejections = previous.budgetRejections;
    if (budget != null && previous.budget != null && budget != previous.budget) {
      budget.carryFrom(previous.budget);
    }
    return this;
  }

  /** Reports a successful attempt to a budget that reads it (the token-bucket rule). */
  void onSuccess() {
    BudgetState b = successBudget;
    if (b != null) {
      b.onSuccess();
    }
  }

  private boolean withdraw() {
    BudgetState b = budget;
    if (b == null || b.tryRetry()) {
      return true;
    }
    budgetRejections.increment();
    return false;
  }

  /** Whether this retry has a budget, which hedges then share. */
  boolean hasBudget() {
    return budget != null;
  }

  /**
   * Takes one token for a hedge, which the retry does not count as its own rejection.
   *
   * @return whether the budget allows the hedge (always true without a budget)
   */
  boolean withdrawForHedge() {
    BudgetState b = budget;
    return b == null || b.tryAcquire();
  }

  /**
   * Starts the retry's part of one call.
   *
   * @return the call's own retry state, or null when the decisions need none (this class)
   */
  Object begin() {
    return null;
  }

  /**
   * Decides about a value an attempt returned, when the retry has a rule on values.
   *
   * @param call what {@link #begin} returned for this call
   * @param value the value
   * @param attempt the attempt that just ended, 1 for the first
   * @param previousDelay the previous delay of this call, 0 if none
   * @param now the current time
   * @param deadline the time after which no retry may start, or {@link Long#MAX_VALUE}
   * @return the delay before retrying, or {@link PolicyEngine#RETURN_VALUE} or {@link
   *     PolicyEngine#RETURN_RETRIED_VALUE} to end the call with the value
   */
  long afterValue(
      Object call, Object value, int attempt, long previousDelay, long now, long deadline) {
    if (!config.isRetryableResult(value)) {
      return PolicyEngine.RETURN_VALUE;
    }
    long d = delayNanos(null, attempt, previousDelay, now, deadline);
    return d >= 0 ? d : PolicyEngine.RETURN_RETRIED_VALUE;
  }

  /**
   * Decides about an attempt's failure.
   *
   * @param call what {@link #begin} returned for this call
   * @param failure the failure
   * @param attempt the attempt that just ended, 1 for the first
   * @param previousDelay the previous delay of this call, 0 if none
   * @param now the current time
   * @param deadline the time after which no retry may start, or {@link Long#MAX_VALUE}
   * @return the delay, or {@link #NOT_RETRYABLE} or {@link #EXHAUSTED}
   */
  long afterFailure(
      Object call, Throwable failure, int attempt, long previousDelay, long now, long deadline) {
    return delayNanos(failure, attempt, previousDelay, now, deadline);
  }

  /**
   * Decides about a retry.
   *
   * @param failure the attempt's failure, or null when a result is retried
   * @param attempt the attempt that just ended, 1 for the first
   * @param previousDelay the previous delay of this call, 0 if none
   * @param now the current time
   * @param deadline the time after which no retry may start, or {@link Long#MAX_VALUE}
   * @return the delay, or {@link #NOT_RETRYABLE} or {@link #EXHAUSTED}
   */
  long delayNanos(Throwable failure, int attempt, long previousDelay, long now, long deadline) {
    if (failure != null && !config.isRetryable(failure)) {
      return NOT_RETRYABLE;
    }
    if (budget != null) {
      budget.onFailure();
    }
    if (attempt > maxRetries) {
      return EXHAUSTED;
    }
    long delay =
        Delays.next(
            backoff,
            jitter,
            attempt,
            previousDelay,
            ThreadLocalRandom.current().nextDouble(),
            initialNanos,
            maxNanos);
    if (failure != null && respectRetryAfter) {
      ErrorClassification c = config.classifier().classify(failure);
      Duration hint = c.retryAfter();
      if (hint != null) {
        long h = hint.toNanos();
        if (h > maxNanos) {
          return EXHAUSTED;
        }
        delay = Math.max(delay, h);
      }
    }
    if (deadline != Long.MAX_VALUE && now + delay >= deadline) {
      return EXHAUSTED;
    }
    if (!withdraw()) {
      return EXHAUSTED;
    }
    retries.increment();
    return delay;
  }

  /** Counts a retry decided outside {@link #delayNanos}. */
  void countRetry() {
    retries.increment();
  }

  /** Counts how a call ended, for the retry's statistics. */
  void record(CallOutcome outcome, int attempts, long stop, boolean returnedRetriedResult) {
    if (outcome == CallOutcome.SUCCESS) {
      if (returnedRetriedResult) {
        exhaustedWithResult.increment();
        exhausted.increment();
      } else if (attempts > 1) {
        successAfterRetry.increment();
      }
      return;
    }
    if (stop == EXHAUSTED) {
      exhausted.increment();
    } else if (attempts > 1) {
      failedAfterRetry.increment();
    } else {
      failedWithoutRetry.increment();
    }
  }

  @Override
  public RetryConfig config() {
    return config;
  }

  @Override
  public long successfulWithoutRetry() {
    return Math.max(
        0, stats.calls(CallOutcome.SUCCESS) - successAfterRetry.sum() - exhaustedWithResult.sum());
  }

  @Override
  public long successfulAfterRetry() {
    return successAfterRetry.sum();
  }

  @Override
  public long failedWithoutRetry() {
    return failedWithoutRetry.sum();
  }

  @Override
  public long failedAfterRetry() {
    return failedAfterRetry.sum();
  }

  @Override
  public long exhausted() {
    return exhausted.sum();
  }

  @Override
  public long retries() {
    return retries.sum();
  }

  @Override
  public long budgetRejections() {
    return budgetRejections.sum();
  }

  @Override
  public double budgetAvailable() {
    BudgetState b = budget;
    return b == null ? -1 : b.available();
  }
}
