package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The user's Resilience4j rate limiter inside a policy. A permit is reserved with {@code
 * reservePermission(1)}, which decides by the user's limit, period and timeout; the policy then
 * waits the time the reservation names with its own scheduler (so tests with a manual scheduler
 * never sleep), instead of letting Resilience4j park the thread. The view reads Resilience4j's
 * metrics and counts this policy's permitted and refused calls.
 *
 * <p>Resilience4j's rate limiter reads the system clock, not the policy's time source.
 *
 * <p>Internal: may change at any time.
 */
final class Resilience4jRateLimiter implements Limiter {

  private final io.github.resilience4j.ratelimiter.RateLimiter r4j;
  private final LongAdder permitted = new LongAdder();
  private final LongAdder rejected = new LongAdder();

  /** The user's limiter's settings described as ours, and the Resilience4j config they are of. */
  private volatile Described described;

  private record Described(
      io.github.resilience4j.ratelimiter.RateLimiterConfig from, RateLimiterConfig as) {}

  Resilience4jRateLimiter(io.github.resilience4j.ratelimiter.RateLimiter r4j) {
    this.r4j = r4j;
  }

  /**
   * Describes a Resilience4j rate limiter's settings as a {@link RateLimiterConfig}, clamped to its
   * settings' ranges: limit for period, refresh period, timeout as the longest wait.
   */
  static RateLimiterConfig describe(io.github.resilience4j.ratelimiter.RateLimiterConfig c) {
    Duration period = c.getLimitRefreshPeriod();
    Duration wait = c.getTimeoutDuration();
    return RateLimiterConfig.builder()
        .limit(Math.max(1, Math.min(1_000_000_000, c.getLimitForPeriod())))
        .period(clamp(period, Duration.ofMillis(1), Duration.ofDays(1)))
        .maxWait(clamp(wait, Duration.ZERO, Duration.ofHours(1)))
        .build();
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  /** Reserves a permit within the user's timeout; {@code maxWaitNanos} is that timeout already. */
  @Override
  public long acquire(long maxWaitNanos) {
    long wait = r4j.reservePermission(1);
    if (wait >= 0) {
      permitted.increment();
      return wait;
    }
    rejected.increment();
    return -Math.max(1, nanosToNextPermit());
  }

  private long nanosToNextPermit() {
    io.github.resilience4j.ratelimiter.RateLimiter.Metrics m = r4j.getMetrics();
    if (m instanceof AtomicRateLimiter.AtomicRateLimiterMetrics atomic) {
      return atomic.getNanosToWait();
    }
    // Another implementation: at most one refresh period away.
    return r4j.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
  }

  @Override
  public RateLimiterConfig config() {
    io.github.resilience4j.ratelimiter.RateLimiterConfig now = r4j.getRateLimiterConfig();
    Described d = described;
    if (d == null || d.from != now) {
      d = new Described(now, describe(now));
      described = d;
    }
    return d.as;
  }

  @Override
  public int availablePermits() {
    return Math.max(0, r4j.getMetrics().getAvailablePermissions());
  }

  @Override
  public Duration nextPermitIn() {
    return availablePermits() > 0
        ? Duration.ZERO
        : Duration.ofNanos(Math.max(0, nanosToNextPermit()));
  }

  @Override
  public long permittedCalls() {
    return permitted.sum();
  }

  @Override
  public long rejectedCalls() {
    return rejected.sum();
  }

  @Override
  public Optional<io.github.resilience4j.ratelimiter.RateLimiter> resilience4j() {
    return Optional.of(r4j);
  }

  @Override
  public String toString() {
    return "RateLimiter[" + config() + ", available=" + availablePermits() + "]";
  }
}
