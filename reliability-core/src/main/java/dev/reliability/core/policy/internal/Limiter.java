package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.RateLimiter;

/**
 * A policy's rate limiter as the engine drives it: this library's {@link TokenBucket}, or {@link
 * Resilience4jRateLimiter} around the user's own.
 *
 * <p>Internal: may change at any time.
 */
interface Limiter extends RateLimiter {

  /**
   * Takes a permit if one is free now or within the wait the limiter allows.
   *
   * @param maxWaitNanos the longest acceptable wait by the policy's settings
   * @return zero or the wait before the reserved permit may be used; or, when refused, minus the
   *     time until the next permit (at least 1)
   */
  long acquire(long maxWaitNanos);
}
