package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.ExternalBulkhead;
import dev.reliability.core.policy.ExternalRateLimiter;

/**
 * The user's own instances a policy uses instead of making its components from the configuration:
 * Resilience4j ones, and external rate limiters and bulkheads (kept by another engine); null where
 * the policy makes its own. At most one of {@code bulkhead} and {@code externalBulkhead}, and of
 * {@code rateLimiter} and {@code externalRateLimiter}, is set. A policy keeps them across every
 * reconfiguration.
 *
 * <p>Internal: may change at any time.
 *
 * @param circuitBreaker the user's circuit breaker, or null
 * @param bulkhead the user's bulkhead, or null
 * @param rateLimiter the user's rate limiter, or null
 * @param retry the user's retry, or null
 * @param externalRateLimiter the user's external rate limiter, or null
 * @param externalBulkhead the user's external bulkhead, or null
 */
public record Resilience4jInstances(
    io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker,
    io.github.resilience4j.bulkhead.Bulkhead bulkhead,
    io.github.resilience4j.ratelimiter.RateLimiter rateLimiter,
    io.github.resilience4j.retry.Retry retry,
    ExternalRateLimiter externalRateLimiter,
    ExternalBulkhead externalBulkhead) {

  /** No user instances: every component comes from the configuration. */
  public static final Resilience4jInstances NONE =
      new Resilience4jInstances(null, null, null, null, null, null);

  /**
   * The user's Resilience4j instances, without external components.
   *
   * @param circuitBreaker the user's circuit breaker, or null
   * @param bulkhead the user's bulkhead, or null
   * @param rateLimiter the user's rate limiter, or null
   * @param retry the user's retry, or null
   */
  public Resilience4jInstances(
      io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker,
      io.github.resilience4j.bulkhead.Bulkhead bulkhead,
      io.github.resilience4j.ratelimiter.RateLimiter rateLimiter,
      io.github.resilience4j.retry.Retry retry) {
    this(circuitBreaker, bulkhead, rateLimiter, retry, null, null);
  }

  /**
   * Returns whether any instance is set.
   *
   * @return false for {@link #NONE} and its equals
   */
  public boolean any() {
    return circuitBreaker != null
        || bulkhead != null
        || rateLimiter != null
        || retry != null
        || externalRateLimiter != null
        || externalBulkhead != null;
  }

  /**
   * Describes the user's bulkhead's settings as this library's.
   *
   * @param bulkhead the user's bulkhead
   * @return its settings, clamped to this library's ranges
   */
  public static dev.reliability.core.policy.BulkheadConfig describeBulkhead(
      io.github.resilience4j.bulkhead.Bulkhead bulkhead) {
    return BulkheadImpl.describe(bulkhead.getBulkheadConfig());
  }

  /**
   * Describes the user's rate limiter's settings as this library's.
   *
   * @param rateLimiter the user's rate limiter
   * @return its settings, clamped to this library's ranges
   */
  public static dev.reliability.core.policy.RateLimiterConfig describeRateLimiter(
      io.github.resilience4j.ratelimiter.RateLimiter rateLimiter) {
    return Resilience4jRateLimiter.describe(rateLimiter.getRateLimiterConfig());
  }

  /**
   * Describes the user's retry's settings as this library's.
   *
   * @param retry the user's retry
   * @return its settings, clamped to this library's ranges
   */
  public static dev.reliability.core.policy.RetryConfig describeRetry(
      io.github.resilience4j.retry.Retry retry) {
    return Resilience4jRetry.describe(retry.getRetryConfig());
  }
}
