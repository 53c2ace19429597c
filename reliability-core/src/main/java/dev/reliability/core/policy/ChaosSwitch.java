package dev.reliability.core.policy;

import java.time.Duration;

/**
 * The runtime switch of a policy's chaos strategies ({@link Policy#chaos()}): turns injection on
 * and off and changes the injection rates and the latency while the policy runs, without rebuilding
 * it, and counts what was injected.
 *
 * <p>A change applies to attempts that start after it; an attempt already waiting an injected delay
 * finishes its wait. The switch starts as {@link ChaosConfig} describes it ({@link
 * ChaosConfig#enabled()} off by default). {@link #disable()} is the abort switch of a rehearsal:
 * from the next attempt on the policy behaves as if it had no chaos at all.
 *
 * <p>Thread-safe. Reading the state on a call is one volatile read; changes are rare and may come
 * from any thread (an admin endpoint, a config reload).
 */
public interface ChaosSwitch {

  /** Turns injection on, with the current rates. */
  void enable();

  /** Turns injection off: attempts that start from now on are untouched. */
  void disable();

  /**
   * Returns whether injection is on.
   *
   * @return true if on
   */
  boolean isEnabled();

  /**
   * Returns the share of attempts that fail with the injected fault.
   *
   * @return 0 to 1
   */
  double faultRate();

  /**
   * Sets the share of attempts that fail with the injected fault.
   *
   * @param rate from 0 to 1
   * @throws IllegalArgumentException if out of range
   */
  void faultRate(double rate);

  /**
   * Returns the share of attempts delayed by {@link #latency()}.
   *
   * @return 0 to 1
   */
  double latencyRate();

  /**
   * Sets the share of attempts delayed by {@link #latency()}.
   *
   * @param rate from 0 to 1
   * @throws IllegalArgumentException if out of range
   */
  void latencyRate(double rate);

  /**
   * Returns the injected delay.
   *
   * @return the delay
   */
  Duration latency();

  /**
   * Sets the injected delay.
   *
   * @param latency from 0 to one day
   * @throws IllegalArgumentException if out of range
   */
  void latency(Duration latency);

  /**
   * Returns the share of attempts that return the substitute result.
   *
   * @return 0 to 1
   */
  double resultRate();

  /**
   * Sets the share of attempts that return the substitute result.
   *
   * @param rate from 0 to 1; above 0 only if the configuration has a {@link
   *     ChaosConfig.Builder#result result supplier}
   * @throws IllegalArgumentException if out of range, or above 0 without a result supplier
   */
  void resultRate(double rate);

  /**
   * Returns how many times this kind was injected since the policy was built.
   *
   * @param kind the kind
   * @return the count
   */
  long injections(ChaosKind kind);

  /**
   * Returns the configuration the policy was built with (the switch's changes are not in it).
   *
   * @return the configuration
   */
  ChaosConfig config();
}
