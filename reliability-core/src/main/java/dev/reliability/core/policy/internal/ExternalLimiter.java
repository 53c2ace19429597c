package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.ExternalRateLimiter;
import dev.reliability.core.policy.RateLimiter;
import dev.reliability.core.policy.RateLimiterConfig;
import java.time.Duration;

/**
 * A user's {@link ExternalRateLimiter} inside a policy. The engine passes the wait its settings and
 * the request's deadline allow, waits the time the limiter names on the policy's scheduler, and
 * refuses with the retry-after the limiter returns. The policy's view is the external limiter
 * itself.
 *
 * <p>A limiter that throws refuses that call, with a retry-after of one emission interval of its
 * configuration (period / limit), so that a faulty engine never lets calls past the limit; the
 * failure is logged.
 *
 * <p>Internal: may change at any time.
 */
final class ExternalLimiter implements Limiter {

  private final String policy;
  final ExternalRateLimiter external;

  /** The retry-after of a refusal by a limiter that threw, in nanoseconds, at least 1. */
  private final long failedRetryAfterNanos;

  /** Set after the first failure was logged at warning level; later ones go to debug. */
  private volatile boolean warned;

  ExternalLimiter(String policy, ExternalRateLimiter external) {
    this.policy = policy;
    this.external = external;
    RateLimiterConfig config = external.config();
    this.failedRetryAfterNanos = Math.max(1, config.period().toNanos() / config.limit());
  }

  @Override
  public long acquire(long maxWaitNanos) {
    long wait;
    try {
      wait = external.acquire(maxWaitNanos);
    } catch (RuntimeException e) {
      boolean first = !warned;
      warned = true;
      EventLog.externalFailed(policy, "rate_limiter", "acquire", e, first);
      return -failedRetryAfterNanos;
    }
    // Long.MIN_VALUE has no positive counterpart: the longest retry-after instead.
    return wait == Long.MIN_VALUE ? -Long.MAX_VALUE : wait;
  }

  RateLimiter view() {
    return external;
  }

  @Override
  public RateLimiterConfig config() {
    return external.config();
  }

  @Override
  public int availablePermits() {
    return external.availablePermits();
  }

  @Override
  public Duration nextPermitIn() {
    return external.nextPermitIn();
  }

  @Override
  public long permittedCalls() {
    return external.permittedCalls();
  }

  @Override
  public long rejectedCalls() {
    return external.rejectedCalls();
  }

  @Override
  public String toString() {
    return external.toString();
  }
}
