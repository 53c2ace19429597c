package dev.reliability.core.policy.internal;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CircuitBreaker;

/**
 * What the policy engine asks of a circuit breaker, besides the public view: a permission per
 * attempt and the attempt's outcome. Implemented by the library's own {@link Breaker} and by {@link
 * Resilience4jBreaker}, which puts a user's Resilience4j breaker into a policy.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
interface PolicyBreaker extends CircuitBreaker {

  /**
   * Asks for a permission; counts a refusal.
   *
   * @return whether the attempt may start
   */
  boolean tryAcquire();

  /** Gives back a permission that was not used: the call was refused further in. */
  void release();

  /**
   * Records a success.
   *
   * @param nanos the attempt's duration
   * @param endsCall whether the call returns this attempt's result as its success
   */
  void onSuccess(long nanos, boolean endsCall);

  /**
   * Records a failure.
   *
   * @param nanos the attempt's duration
   * @param failure the failure, or null when a result counts as failure
   * @param callSucceeds whether the call still returns this attempt's result as a success
   */
  void onFailure(long nanos, Throwable failure, boolean callSucceeds);

  /** Records an attempt whose failure the breaker does not count. */
  void onIgnored();

  /**
   * Returns whether the breaker refuses every call now: open or forced open.
   *
   * @return true if calls are refused
   */
  boolean refusesCalls();

  /**
   * Builds the rejection for a refused call.
   *
   * @return the exception
   */
  CircuitOpenException rejection();
}
