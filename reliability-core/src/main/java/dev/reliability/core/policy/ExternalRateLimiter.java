package dev.reliability.core.policy;

/**
 * A rate limiter whose permits are kept outside the policy: shared by every instance of a service
 * (the {@code reliability-cluster} module's fleet-wide limits) or held by any other engine. A
 * policy given one with {@link Policy.Builder#rateLimiter(ExternalRateLimiter)} asks it for a
 * permit where its own rate limiter would, waits the time it names on the policy's scheduler, and
 * refuses a call with a {@link dev.reliability.core.error.RateLimitExceededException} carrying the
 * retry-after it returns.
 *
 * <p>Implementations are thread-safe and answer within their own short time-out: the policy does
 * not bound {@link #acquire(long)}.
 */
public interface ExternalRateLimiter extends RateLimiter {

  /**
   * Takes a permit if one is free now or within {@code maxWaitNanos}.
   *
   * @param maxWaitNanos the longest acceptable wait by the policy's settings and the request's
   *     deadline, zero or more
   * @return zero or the wait (at most {@code maxWaitNanos}) before the reserved permit may be used;
   *     or, when refused, minus the nanoseconds until a permit may be free (at least 1)
   */
  long acquire(long maxWaitNanos);
}
