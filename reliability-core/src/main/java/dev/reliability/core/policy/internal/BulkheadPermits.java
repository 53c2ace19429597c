package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.Bulkhead;
import dev.reliability.core.policy.PolicyScheduler;

/**
 * A policy's bulkhead as the engine drives it: this library's {@link BulkheadImpl} (on a
 * Resilience4j semaphore, the policy's own or the user's), or {@link ExternalPermits} around a
 * user's {@link dev.reliability.core.policy.ExternalBulkhead}. Every permit taken is given back
 * exactly once, by {@link #release()} after the call ran or {@link #releaseUnused()} when it did
 * not.
 *
 * <p>Internal: may change at any time.
 */
interface BulkheadPermits {

  /**
   * Takes a permit, waiting at most the bulkhead's own maximum wait.
   *
   * @return whether a permit was taken; false counts a rejection
   */
  boolean tryAcquire();

  /**
   * Takes a permit, waiting at most {@code maxWaitNanos} when that is shorter than the bulkhead's
   * own maximum wait: the time the request's deadline leaves.
   *
   * @param maxWaitNanos the longest wait, zero or more
   * @param scheduler the policy's clock and sleeper
   * @return whether a permit was taken; false counts a rejection
   */
  boolean tryAcquireWithin(long maxWaitNanos, PolicyScheduler scheduler);

  /** Ends a call that held a permit. */
  void release();

  /** Gives back a permit whose call did not run. */
  void releaseUnused();

  /**
   * Returns what {@link dev.reliability.core.policy.Policy#bulkhead()} shows.
   *
   * @return this bulkhead, or the user's external one
   */
  Bulkhead view();
}
