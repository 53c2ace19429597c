package dev.reliability.core.policy;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counting fakes of the external rate limiter, bulkhead and retry budget. */
final class ExternalFakes {

  private ExternalFakes() {}

  /** Answers {@code acquire} from a script (zero when the script is empty), recording each ask. */
  static class FakeLimiter implements ExternalRateLimiter {
    final Queue<Long> answers = new ConcurrentLinkedQueue<>();
    final List<Long> asked = new CopyOnWriteArrayList<>();
    final LongAdder permitted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    volatile RuntimeException failure;
    final RateLimiterConfig config;

    FakeLimiter(RateLimiterConfig config) {
      this.config = config;
    }

    FakeLimiter() {
      this(
          RateLimiterConfig.builder()
              .limit(100)
              .period(Duration.ofSeconds(1))
              .maxWait(Duration.ofMillis(500))
              .build());
    }

    FakeLimiter answer(long... waits) {
      for (long w : waits) {
        answers.add(w);
      }
      return this;
    }

    @Override
    public long acquire(long maxWaitNanos) {
      asked.add(maxWaitNanos);
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
      Long a = answers.poll();
      long w = a == null ? 0 : a;
      (w < 0 ? rejected : permitted).increment();
      return w;
    }

    @Override
    public RateLimiterConfig config() {
      return config;
    }

    @Override
    public int availablePermits() {
      return 7;
    }

    @Override
    public Duration nextPermitIn() {
      return Duration.ZERO;
    }

    @Override
    public long permittedCalls() {
      return permitted.sum();
    }

    @Override
    public long rejectedCalls() {
      return rejected.sum();
    }
  }

  /**
   * A bulkhead of {@code max} permits that counts every permit taken and given back, and every
   * release of a permit that was not held.
   */
  static final class FakeBulkhead implements ExternalBulkhead {
    final BulkheadConfig config;
    final AtomicInteger inUse = new AtomicInteger();
    final AtomicInteger acquired = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    final AtomicInteger overReleased = new AtomicInteger();
    final LongAdder rejected = new LongAdder();
    volatile RuntimeException failure;

    FakeBulkhead(BulkheadConfig config) {
      this.config = config;
    }

    FakeBulkhead(int max) {
      this(
          BulkheadConfig.builder()
              .maxConcurrentCalls(max)
              .retryAfter(Duration.ofMillis(250))
              .build());
    }

    @Override
    public boolean tryAcquire() {
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
      // Invariant: inUse never passes max; each permit taken is one successful compare-and-set.
      while (true) {
        int n = inUse.get();
        if (n >= config.maxConcurrentCalls()) {
          rejected.increment();
          return false;
        }
        if (inUse.compareAndSet(n, n + 1)) {
          acquired.incrementAndGet();
          return true;
        }
      }
    }

    @Override
    public void release() {
      released.incrementAndGet();
      if (inUse.decrementAndGet() < 0) {
        overReleased.incrementAndGet();
      }
    }

    @Override
    public BulkheadConfig config() {
      return config;
    }

    @Override
    public int availablePermits() {
      return Math.max(0, config.maxConcurrentCalls() - inUse.get());
    }

    @Override
    public long rejectedCalls() {
      return rejected.sum();
    }
  }

  /** A budget that allows {@code allowance} retries or hedges and counts every event. */
  static class FakeBudget implements ExternalRetryBudget {
    final AtomicInteger allowance;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger successes = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger asks = new AtomicInteger();

    FakeBudget(int allowance) {
      this.allowance = new AtomicInteger(allowance);
    }

    @Override
    public void onCall() {
      calls.incrementAndGet();
    }

    @Override
    public void onSuccess() {
      successes.incrementAndGet();
    }

    @Override
    public void onFailure() {
      failures.incrementAndGet();
    }

    @Override
    public boolean tryAcquire() {
      asks.incrementAndGet();
      return allowance.getAndUpdate(a -> a > 0 ? a - 1 : 0) > 0;
    }

    @Override
    public double available() {
      return allowance.get();
    }
  }
}
