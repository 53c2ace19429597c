package dev.reliability.core.policy;

/**
 * The hedging of a policy, for metrics and health: its settings, how many hedges started, how many
 * calls a hedge won, how many hedges the budget refused, and the delay in effect.
 *
 * <p>Counts are cumulative since the policy was built. Thread-safe; reads do not block calls.
 */
public interface Hedging {

  /**
   * Returns the settings.
   *
   * @return the configuration
   */
  HedgeConfig config();

  /**
   * Returns the hedges started: runs of a call after its first.
   *
   * @return the count
   */
  long hedgesStarted();

  /**
   * Returns the calls whose result came from a hedge rather than from the first run.
   *
   * @return the count
   */
  long hedgeWins();

  /**
   * Returns the hedges not started because the budget was empty.
   *
   * @return the count
   */
  long hedgesDeniedByBudget();

  /**
   * Returns the delay after which a call is hedged now: the fixed delay, or the tracked percentile
   * within its bounds once enough latencies are known.
   *
   * @return the delay in nanoseconds of the policy's time source
   */
  long delayNanos();
}
