package dev.reliability.core.policy;

/**
 * A retry budget whose counts are kept outside the process: one budget for a downstream shared by
 * every instance of a service (the {@code reliability-cluster} module's fleet-wide retry budget) or
 * kept by any other engine. Made into a {@link RetryBudget} with {@link
 * RetryBudget#external(String, ExternalRetryBudget)}; the policies configured with that budget tell
 * it of every call and attempt outcome, and ask it before each retry or hedge.
 *
 * <p>Implementations are thread-safe and never block: these methods are on every call's path.
 */
public interface ExternalRetryBudget {

  /** A call's first attempt starts. */
  void onCall();

  /** An attempt succeeded. */
  default void onSuccess() {}

  /** An attempt failed with a failure the retry would retry. */
  default void onFailure() {}

  /**
   * Takes one retry or hedge from the budget if it allows one now.
   *
   * @return whether the retry or hedge may go
   */
  boolean tryAcquire();

  /**
   * Returns the retries or hedges the budget would allow now; may be approximate.
   *
   * @return zero or more
   */
  double available();
}
