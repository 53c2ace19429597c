package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Bulkhead;
import dev.reliability.core.policy.ExternalBulkhead;
import dev.reliability.core.policy.PolicyScheduler;

/**
 * A user's {@link ExternalBulkhead} inside a policy. The external bulkhead takes permits without
 * waiting (its own time-out bounds the answer), so a deadline's shorter wait changes nothing. A
 * permit is given back with {@link ExternalBulkhead#release()} once, whether the call ran or not.
 *
 * <p>A bulkhead that throws from {@code tryAcquire} refuses that call, so that a faulty engine
 * never lets calls past the limit; one that throws from {@code release} is logged and the call's
 * outcome stands. The policy's view is the external bulkhead itself.
 *
 * <p>Internal: may change at any time.
 */
final class ExternalPermits implements BulkheadPermits {

  private final String policy;
  final ExternalBulkhead external;

  /** Set after the first failure was logged at warning level; later ones go to debug. */
  private volatile boolean warned;

  ExternalPermits(String policy, ExternalBulkhead external) {
    this.policy = policy;
    this.external = external;
  }

  @Override
  public boolean tryAcquire() {
    try {
      return external.tryAcquire();
    } catch (RuntimeException e) {
      failed("tryAcquire", e);
      return false;
    }
  }

  @Override
  public boolean tryAcquireWithin(long maxWaitNanos, PolicyScheduler scheduler) {
    return tryAcquire();
  }

  @Override
  public void release() {
    try {
      external.release();
    } catch (RuntimeException e) {
      failed("release", e);
    }
  }

  @Override
  public void releaseUnused() {
    release();
  }

  @Override
  public Bulkhead view() {
    return external;
  }

  private void failed(String method, RuntimeException e) {
    boolean first = !warned;
    warned = true;
    EventLog.externalFailed(policy, "bulkhead", method, e, first);
  }

  @Override
  public String toString() {
    return external.toString();
  }
}
