package dev.reliability.core.policy;

import java.util.Objects;

/**
 * A limit on retries relative to calls, so that retries cannot multiply the load on a dependency
 * that is already failing (a "retry storm").
 *
 * <p>The budget is a token bucket: every call deposits {@link #ratio()} tokens, every retry takes
 * one, and the bucket holds at most {@link #reserve()} tokens (it starts full). So over time at
 * most {@code ratio} retries are made per call, with a burst of {@code reserve} retries allowed
 * after a quiet period. When the bucket is empty a retryable failure is not retried and the retry
 * counts as exhausted.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.of(0.2, 10); // at most one retry per five calls
 * }</pre>
 *
 * <p>Immutable and thread-safe; the policy keeps the bucket.
 */
public final class RetryBudget {

  private final double ratio;
  private final int reserve;

  private RetryBudget(double ratio, int reserve) {
    this.ratio = ratio;
    this.reserve = reserve;
  }

  /**
   * Returns a budget.
   *
   * @param ratio the retries allowed per call, between 0.0 and 1.0
   * @param reserve the most retries that may be saved up, 1 to 1,000,000
   * @return the budget
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetryBudget of(double ratio, int reserve) {
    RetryConfig.BUDGET_RATIO.check(ratio);
    RetryConfig.BUDGET_RESERVE.check(reserve);
    return new RetryBudget(ratio, reserve);
  }

  /**
   * Returns the retries allowed per call.
   *
   * @return the ratio, between 0.0 and 1.0
   */
  public double ratio() {
    return ratio;
  }

  /**
   * Returns the most retries that may be saved up, and the bucket's initial content.
   *
   * @return the reserve
   */
  public int reserve() {
    return reserve;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryBudget b
        && Double.compare(b.ratio, ratio) == 0
        && b.reserve == reserve;
  }

  @Override
  public int hashCode() {
    return Objects.hash(ratio, reserve);
  }

  @Override
  public String toString() {
    return "RetryBudget[ratio=" + ratio + ", reserve=" + reserve + "]";
  }
}
