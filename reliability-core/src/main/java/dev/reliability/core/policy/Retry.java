package dev.reliability.core.policy;

import java.util.Optional;

/**
 * A policy's retry statistics, read by metrics. Obtained from {@link Policy#retry()}.
 *
 * <p>Each guarded call that passes the retry ends in exactly one of five outcomes: success without
 * retry, success after retry, failure without retry (not retryable, or refused by the policy
 * itself), failure after retry (a later attempt failed in a way that is not retried), or exhausted
 * (still failing when the retries, the deadline or the budget ran out). Counts are cumulative and
 * reading them never allocates.
 *
 * <p>Thread-safe.
 */
public interface Retry {

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  RetryConfig config();

  /**
   * Returns the calls that succeeded at the first attempt.
   *
   * @return the count
   */
  long successfulWithoutRetry();

  /**
   * Returns the calls that succeeded after at least one retry.
   *
   * @return the count
   */
  long successfulAfterRetry();

  /**
   * Returns the calls whose first attempt failed in a way that is not retried.
   *
   * @return the count
   */
  long failedWithoutRetry();

  /**
   * Returns the calls that were retried and then failed in a way that is not retried.
   *
   * @return the count
   */
  long failedAfterRetry();

  /**
   * Returns the calls still failing (or returning a retried result) when the retries, the overall
   * deadline or the budget ran out.
   *
   * @return the count
   */
  long exhausted();

  /**
   * Returns the retries made: attempts after the first, over all calls.
   *
   * @return the count
   */
  long retries();

  /**
   * Returns the retries the budget refused.
   *
   * @return the count, 0 without a budget
   */
  long budgetRejections();

  /**
   * Returns the retries the budget would allow now, or -1 without a budget: the tokens of the ratio
   * and token-bucket rules (the latter admits only above half its capacity), the retries left in
   * the window of the percent-of-requests rule; for a shared budget, the shared state.
   *
   * @return the tokens in the budget
   */
  double budgetAvailable();

  /**
   * Returns the Resilience4j retry the policy was given with {@link
   * Policy.Builder#retry(io.github.resilience4j.retry.Retry)} (or took from a registry); empty for
   * the policy's own retry, which is this library's.
   *
   * @return the user's Resilience4j retry, or empty
   */
  default Optional<io.github.resilience4j.retry.Retry> resilience4j() {
    return Optional.empty();
  }
}
