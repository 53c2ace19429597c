package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.PolicyStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * Call counts and total latency per outcome: two striped adders per outcome, so recording a call is
 * two uncontended additions and reading never blocks writers.
 *
 * <p>Internal: may change at any time.
 */
final class Stats implements PolicyStats {

  private final LongAdder successCount = new LongAdder();
  private final LongAdder successNanos = new LongAdder();
  private final LongAdder failureCount = new LongAdder();
  private final LongAdder failureNanos = new LongAdder();
  private final LongAdder rejectedCount = new LongAdder();
  private final LongAdder rejectedNanos = new LongAdder();
  private final LongAdder fallbackCount = new LongAdder();
  private final LongAdder fallbackNanos = new LongAdder();

  void success(long nanos) {
    successCount.increment();
    successNanos.add(nanos);
  }

  void record(CallOutcome outcome, long nanos) {
    switch (outcome) {
      case SUCCESS -> success(nanos);
      case FAILURE -> {
        failureCount.increment();
        failureNanos.add(nanos);
      }
      case REJECTED -> {
        rejectedCount.increment();
        rejectedNanos.add(nanos);
      }
      case FALLBACK -> {
        fallbackCount.increment();
        fallbackNanos.add(nanos);
      }
    }
  }

  @Override
  public long calls(CallOutcome outcome) {
    return switch (outcome) {
      case SUCCESS -> successCount.sum();
      case FAILURE -> failureCount.sum();
      case REJECTED -> rejectedCount.sum();
      case FALLBACK -> fallbackCount.sum();
    };
  }

  @Override
  public long totalNanos(CallOutcome outcome) {
    return switch (outcome) {
      case SUCCESS -> successNanos.sum();
      case FAILURE -> failureNanos.sum();
      case REJECTED -> rejectedNanos.sum();
      case FALLBACK -> fallbackNanos.sum();
    };
  }
}
