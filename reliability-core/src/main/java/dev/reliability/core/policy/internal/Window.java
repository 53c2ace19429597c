package dev.reliability.core.policy.internal;

/**
 * The outcomes a breaker state counts and its verdict on them: the closed state's sliding window,
 * the half-open state's trial calls, the forced-closed state's window.
 *
 * <p>Outcomes are {@link CountWindow#SUCCESS} or {@link CountWindow#FAILURE}, with {@link
 * CountWindow#SLOW} or-ed in for a call slower than the slow-call threshold.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
interface Window {

  /** The window holds fewer calls than its minimum: no rate applies yet. */
  int TOO_FEW = 0;

  /** The window holds enough calls and both rates are below their thresholds. */
  int BELOW = 1;

  /** The failure rate or the slow-call rate has reached its threshold. */
  int EXCEEDED = 2;

  /**
   * Counts nothing: the forced-open and disabled states, whose rates Resilience4j reports as -1.
   */
  Window EMPTY =
      new Window() {
        @Override
        public int add(int outcome, long nanos) {
          return TOO_FEW;
        }

        @Override
        public float failureRate() {
          return -1f;
        }

        @Override
        public float slowCallRate() {
          return -1f;
        }

        @Override
        public int bufferedCalls() {
          return 0;
        }
      };

  /**
   * Records an outcome.
   *
   * @param outcome the outcome's code
   * @param nanos the call's duration
   * @return {@link #TOO_FEW}, {@link #BELOW} or {@link #EXCEEDED}, for the counts with this outcome
   */
  int add(int outcome, long nanos);

  /**
   * Returns the failure rate in percent, or -1 below the minimum calls.
   *
   * @return the rate
   */
  float failureRate();

  /**
   * Returns the slow-call rate in percent, or -1 below the minimum calls.
   *
   * @return the rate
   */
  float slowCallRate();

  /**
   * Returns the calls the window holds.
   *
   * @return the number of calls
   */
  int bufferedCalls();

  /**
   * Returns a window of the same kind and size that holds this window's outcomes (as of now) and
   * judges them by new thresholds, for a breaker reconfigured at run time. Outcomes recorded in
   * this window afterwards do not reach the returned one, unless the two share their store.
   *
   * @param minimumCalls the calls the window must hold before the rates count
   * @param failureRatePercent the failure rate, in percent, at which the window trips
   * @param slowCallRatePercent the slow-call rate, in percent, at which the window trips
   * @return the window; this one for a window that counts nothing
   */
  default Window withThresholds(
      int minimumCalls, float failureRatePercent, float slowCallRatePercent) {
    return this;
  }
}
