package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A rate limiter by the generic cell rate algorithm: one atomic "theoretical arrival time". A
 * permit is free when that time is at most {@code tau} (the burst tolerance) ahead of now; taking
 * one moves it {@code emission} (period / limit) further. Equivalent to a token bucket of {@code
 * limit} tokens refilled continuously, without a refill thread and without allocation.
 *
 * <p>Internal: may change at any time.
 */
public final class TokenBucket implements Limiter {

  private final RateLimiterConfig config;
  private final TimeSource time;
  private final long emission;
  private final long tau;
  private final int limit;
  private final AtomicLong tat;
  private LongAdder permitted = new LongAdder();
  private LongAdder rejected = new LongAdder();

  /**
   * Creates a full bucket.
   *
   * @param config the limit and period
   * @param time the clock
   */
  public TokenBucket(RateLimiterConfig config, TimeSource time) {
    this.config = config;
    this.time = time;
    this.limit = config.limit();
    this.emission = Math.max(1, config.period().toNanos() / limit);
    this.tau = emission * (limit - 1L);
    this.tat = new AtomicLong(time.nanoTime());
  }

  /**
   * Carries on the counts of the bucket of the policy's previous configuration (the counters are
   * shared from now on). The new bucket starts full. Called before the bucket takes any call.
   *
   * @param previous the previous bucket
   * @return this bucket
   */
  TokenBucket carryOn(TokenBucket previous) {
    permitted = previous.permitted;
    rejected = previous.rejected;
    return this;
  }

  /**
   * Takes a permit if one is free now or within {@code maxWaitNanos}.
   *
   * @param maxWaitNanos the longest acceptable wait
   * @return zero or the wait before the reserved permit may be used; or, when refused, minus the
   *     time until the next permit (at least 1)
   */
  @Override
  public long acquire(long maxWaitNanos) {
    long now = time.nanoTime();
    while (true) {
      long t = tat.get();
      long start = Math.max(t, now);
      long wait = start - now - tau;
      if (wait > maxWaitNanos) {
        rejected.increment();
        return -Math.max(1, wait);
      }
      if (tat.compareAndSet(t, start + emission)) {
        permitted.increment();
        return Math.max(0, wait);
      }
    }
  }

  @Override
  public RateLimiterConfig config() {
    return config;
  }

  @Override
  public int availablePermits() {
    long now = time.nanoTime();
    long t = Math.max(tat.get(), now);
    long room = now + tau - t;
    if (room < 0) {
      return 0;
    }
    return (int) Math.min(limit, room / emission + 1);
  }

  @Override
  public Duration nextPermitIn() {
    long now = time.nanoTime();
    return Duration.ofNanos(Math.max(0, Math.max(tat.get(), now) - now - tau));
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
  public String toString() {
    return "RateLimiter[" + config + ", available=" + availablePermits() + "]";
  }
}
