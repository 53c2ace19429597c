package dev.reliability.examples;

import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.policy.ExternalBulkhead;
import dev.reliability.core.policy.ExternalRateLimiter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Admits a request to a route only within the limits the whole fleet shares: a permit of the
 * fleet-wide rate limit (refused: 429 {@code RATE_LIMIT_EXCEEDED} with {@code Retry-After}), then
 * one of the fleet-wide concurrency limit, given back when the request ends (refused: 503 {@code
 * BULKHEAD_FULL}). The limiters answer within their engine's time-out and fall back to this
 * instance's share by themselves when the engine fails, so the filter never waits on the engine.
 *
 * <p>Thread-safe. Placed after the problem+json filter, which renders the refusals.
 */
final class FleetLimitFilter implements Filter {

  private final String name;
  private final ExternalRateLimiter rateLimiter;
  private final ExternalBulkhead bulkhead;

  /**
   * Creates the filter.
   *
   * @param name the component name refusals carry
   * @param rateLimiter the fleet-wide rate limit
   * @param bulkhead the fleet-wide concurrency limit, or null for none
   */
  FleetLimitFilter(String name, ExternalRateLimiter rateLimiter, ExternalBulkhead bulkhead) {
    this.name = Objects.requireNonNull(name, "name");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.bulkhead = bulkhead;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    // No wait: a request over the fleet's rate is refused at once with the time to the next permit.
    long wait = rateLimiter.acquire(0);
    if (wait < 0) {
      throw new RateLimitExceededException(name, -wait);
    }
    if (bulkhead == null) {
      chain.doFilter(request, response);
      return;
    }
    if (!bulkhead.tryAcquire()) {
      throw new BulkheadFullException(name, bulkhead.config().maxConcurrentCalls(), null);
    }
    try {
      chain.doFilter(request, response);
    } finally {
      bulkhead.release();
    }
  }
}
