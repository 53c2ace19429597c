package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.Jitter;
import dev.reliability.core.policy.Retry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
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

  private static final long MILLI = 1000;

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

  private final AtomicLong budgetMilli;
  private final long depositMilli;
  private final long capMilli;

  RetryState(RetryConfig config, Stats stats) {
    this(config, stats, false);
  }

  /**
   * Creates the state.
   *
   * @param config the settings
   * @param stats the policy's statistics
   * @param everyValue whether every returned value goes through {@link #afterValue}, rule or not
   */
  RetryState(RetryConfig config, Stats stats, boolean everyValue) {
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
    RetryBudget budget = config.budget().orElse(null);
    if (budget == null) {
      this.budgetMilli = null;
      this.depositMilli = 0;
      this.capMilli = 0;
    } else {
      this.capMilli = budget.reserve() * MILLI;
      this.depositMilli = Math.round(budget.ratio() * MILLI);
      this.budgetMilli = new AtomicLong(capMilli);
    }
  }

  /**
   * Carries on from the retry of the policy's previous configuration: its counts continue here (the
   * counters are shared, so calls still in flight on the previous one count too), and a budget
   * keeps the tokens it had, up to the new reserve. Called before this retry takes any call.
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
    if (budgetMilli != null && previous.budgetMilli != null) {
      budgetMilli.set(Math.min(capMilli, previous.budgetMilli.get()));
    }
    return this;
  }

  /** Credits the budget for a new call. Reads only, while the budget is full. */
  void deposit() {
    AtomicLong b = budgetMilli;
    if (b == null || depositMilli == 0) {
      return;
    }
    while (true) {
      long v = b.get();
      if (v >= capMilli) {
        return;
      }
      if (b.compareAndSet(v, Math.min(capMilli, v + depositMilli))) {
        return;
      }
    }
  }

  private boolean withdraw() {
    if (takeToken()) {
      return true;
    }
    budgetRejections.increment();
    return false;
  }

  /** Whether this retry has a budget, which hedges then share. */
  boolean hasBudget() {
    return budgetMilli != null;
  }

  /**
   * Takes one token for a hedge, which the retry does not count as its own rejection.
   *
   * @return whether the budget had a token (always true without a budget)
   */
  boolean withdrawForHedge() {
    return takeToken();
  }

  private boolean takeToken() {
    AtomicLong b = budgetMilli;
    if (b == null) {
      return true;
    }
    while (true) {
      long v = b.get();
      if (v < MILLI) {
        return false;
      }
      if (b.compareAndSet(v, v - MILLI)) {
        return true;
      }
    }
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
    AtomicLong b = budgetMilli;
    return b == null ? -1 : b.get() / (double) MILLI;
  }
}
