package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Bulkhead;
import dev.reliability.core.policy.BulkheadConfig;
import java.util.concurrent.atomic.LongAdder;

/**
 * A policy's bulkhead: Resilience4j's semaphore bulkhead through {@code tryAcquirePermission} and
 * {@code onComplete}, plus a refusal count.
 *
 * <p>Internal: may change at any time.
 */
final class BulkheadImpl implements Bulkhead {

  private final BulkheadConfig config;
  private final io.github.resilience4j.bulkhead.Bulkhead r4j;
  private final LongAdder rejected = new LongAdder();

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

  boolean tryAcquire() {
    if (r4j.tryAcquirePermission()) {
      return true;
    }
    rejected.increment();
    return false;
  }

  void release() {
    r4j.onComplete();
  }

  @Override
  public BulkheadConfig config() {
    return config;
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
  public io.github.resilience4j.bulkhead.Bulkhead unwrap() {
    return r4j;
  }

  @Override
  public String toString() {
    return "Bulkhead[" + config + ", available=" + availablePermits() + "]";
  }
}
