package dev.reliability.core.policy;

/**
 * A policy's call counts and total latency by {@link CallOutcome}, kept in the policy itself so
 * that metrics read them with function meters instead of receiving an event per call. Obtained from
 * {@link Policy#stats()}.
 *
 * <p>Latency is the whole guarded call: retries, waits and fallback included. Thread-safe; reading
 * never allocates.
 */
public interface PolicyStats {

  /**
   * Returns the calls that ended with an outcome.
   *
   * @param outcome the outcome
   * @return the count
   */
  long calls(CallOutcome outcome);

  /**
   * Returns the total time of the calls that ended with an outcome.
   *
   * @param outcome the outcome
   * @return the total in nanoseconds
   */
  long totalNanos(CallOutcome outcome);
}
