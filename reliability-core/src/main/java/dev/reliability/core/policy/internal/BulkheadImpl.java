package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Bulkhead;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * A policy's bulkhead: a Resilience4j semaphore bulkhead driven through its public calls ({@code
 * tryAcquirePermission}, {@code onComplete}, {@code releasePermission}), plus a refusal count. The
 * Resilience4j bulkhead is either made here from a {@link BulkheadConfig} or the user's own, whose
 * settings, metrics and events then count every call of the policy.
 *
 * <p>Internal: may change at any time.
 */
final class BulkheadImpl implements Bulkhead, BulkheadPermits {

  final BulkheadConfig config;
  private final io.github.resilience4j.bulkhead.Bulkhead r4j;
  private LongAdder rejected = new LongAdder();

  /** The user's bulkhead's settings described as ours, and the Resilience4j config they are of. */
  private volatile Described described;

  private record Described(
      io.github.resilience4j.bulkhead.BulkheadConfig from, BulkheadConfig as) {}

  BulkheadImpl(String name, BulkheadConfig config) {
    this.config = config;
    this.r4j =
        io.github.resilience4j.bulkhead.Bulkhead.of(
            name,
            io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentCalls())
                .maxWaitDuration(config.maxWait())
                .writableStackTraceEnabled(false)
                .build());
  }

  /**
   * Adapts the user's bulkhead.
   *
   * @param r4j the user's bulkhead
   */
  BulkheadImpl(io.github.resilience4j.bulkhead.Bulkhead r4j) {
    this.config = null;
    this.r4j = r4j;
  }

  /**
   * Describes a Resilience4j bulkhead's settings as a {@link BulkheadConfig}, clamped to its
   * settings' ranges (Resilience4j allows a bulkhead of 0 calls, this library at least 1).
   */
  static BulkheadConfig describe(io.github.resilience4j.bulkhead.BulkheadConfig c) {
    Duration maxWait = c.getMaxWaitDuration();
    return BulkheadConfig.builder()
        .maxConcurrentCalls(Math.max(1, Math.min(1_000_000, c.getMaxConcurrentCalls())))
        .maxWait(maxWait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : maxWait)
        .build();
  }

  /**
   * Carries on the refusal count of the bulkhead of the policy's previous configuration (shared
   * from now on). Its permits are not moved: calls that hold one give it back there.
   *
   * @param previous the previous bulkhead
   * @return this bulkhead
   */
  BulkheadImpl carryOn(BulkheadImpl previous) {
    rejected = previous.rejected;
    return this;
  }

  @Override
  public boolean tryAcquire() {
    if (r4j.tryAcquirePermission()) {
      return true;
    }
    rejected.increment();
    return false;
  }

  /** How often a wait clipped by a deadline looks for a free permit. */
  static final long POLL_NANOS = 1_000_000L;

  /**
   * Takes a permit, waiting at most {@code maxWaitNanos} when that is shorter than the bulkhead's
   * own maximum wait: the time the request's deadline leaves.
   *
   * <p>Resilience4j's semaphore waits for its configured time and cannot be asked for less, so a
   * wait shorter than that looks for a free permit every millisecond on the policy's scheduler and
   * takes it without waiting. A permit seen free may be taken by another caller in between; this
   * call then waits Resilience4j's way, at most the configured wait, as it would without a
   * deadline.
   *
   * @param maxWaitNanos the longest wait, zero or more
   * @param scheduler the policy's clock and sleeper
   * @return whether a permit was taken; false counts a rejection (also when interrupted, with the
   *     interrupt flag set again)
   */
  @Override
  public boolean tryAcquireWithin(long maxWaitNanos, PolicyScheduler scheduler) {
    long configured = r4j.getBulkheadConfig().getMaxWaitDuration().toNanos();
    if (maxWaitNanos >= configured) {
      return tryAcquire();
    }
    TimeSource time = scheduler.timeSource();
    long end = time.nanoTime() + maxWaitNanos;
    while (true) {
      if (r4j.getMetrics().getAvailableConcurrentCalls() > 0 && r4j.tryAcquirePermission()) {
        return true;
      }
      long left = end - time.nanoTime();
      if (left <= 0) {
        rejected.increment();
        return false;
      }
      try {
        scheduler.sleepNanos(Math.min(left, POLL_NANOS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        rejected.increment();
        return false;
      }
    }
  }

  @Override
  public void release() {
    r4j.onComplete();
  }

  @Override
  public void releaseUnused() {
    r4j.releasePermission();
  }

  @Override
  public Bulkhead view() {
    return this;
  }

  @Override
  public BulkheadConfig config() {
    if (config != null) {
      return config;
    }
    // The user may change the Resilience4j bulkhead's config at run time: described again then.
    io.github.resilience4j.bulkhead.BulkheadConfig now = r4j.getBulkheadConfig();
    Described d = described;
    if (d == null || d.from != now) {
      d = new Described(now, describe(now));
      described = d;
    }
    return d.as;
  }

  @Override
  public int availablePermits() {
    return r4j.getMetrics().getAvailableConcurrentCalls();
  }

  @Override
  public long rejectedCalls() {
    return rejected.sum();
  }

  @Override
  public Optional<io.github.resilience4j.bulkhead.Bulkhead> resilience4j() {
    return Optional.of(r4j);
  }

  @Override
  public String toString() {
    return "Bulkhead[" + config() + ", available=" + availablePermits() + "]";
  }
}
