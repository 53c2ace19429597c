package dev.reliability.core.policy;

import java.time.Duration;

/**
 * A policy's rate limiter: free permits and refusals, read by metrics. Obtained from {@link
 * Policy#rateLimiter()}.
 *
 * <p>Thread-safe; reading never allocates except {@link #nextPermitIn()}.
 */
public interface RateLimiter {

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  RateLimiterConfig config();

  /**
   * Returns the permits a burst could take now.
   *
   * @return between 0 and {@link RateLimiterConfig#limit()}
   */
  int availablePermits();

  /**
   * Returns how long until the next permit is free; zero if one is free now.
   *
   * @return the wait
   */
  Duration nextPermitIn();

  /**
   * Returns the calls that got a permit (after waiting, if they waited).
   *
   * @return the count
   */
  long permittedCalls();

  /**
   * Returns the calls refused for want of a permit.
   *
   * @return the count
   */
  long rejectedCalls();
}
