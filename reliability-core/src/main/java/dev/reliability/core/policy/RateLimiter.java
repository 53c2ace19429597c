package dev.reliability.core.policy;

import java.time.Duration;
import java.util.Optional;

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

  /**
   * Returns the Resilience4j rate limiter the policy was given with {@link
   * Policy.Builder#rateLimiter(io.github.resilience4j.ratelimiter.RateLimiter)} (or took from a
   * registry); empty for the policy's own rate limiter, which is this library's.
   *
   * @return the user's Resilience4j rate limiter, or empty
   */
  default Optional<io.github.resilience4j.ratelimiter.RateLimiter> resilience4j() {
    return Optional.empty();
  }
}
