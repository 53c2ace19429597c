package dev.reliability.core.policy;

import java.util.Optional;

/**
 * A bulkhead whose permits are kept outside the policy: a concurrency limit shared by every
 * instance of a service (the {@code reliability-cluster} module's fleet-wide bulkhead) or held by
 * any other engine. A policy given one with {@link Policy.Builder#bulkhead(ExternalBulkhead)} takes
 * a permit where its own bulkhead would, refuses a call with a {@link
 * dev.reliability.core.error.BulkheadFullException} when none is free, and gives the permit back
 * exactly once when the call ends or did not run.
 *
 * <p>Implementations are thread-safe and answer within their own short time-out: the policy does
 * not bound {@link #tryAcquire()}.
 */
public interface ExternalBulkhead extends Bulkhead {

  /**
   * Takes a permit now, without waiting. A refusal is counted by the implementation in {@link
   * #rejectedCalls()}.
   *
   * @return whether a permit was taken
   */
  boolean tryAcquire();

  /** Gives back a permit taken with {@link #tryAcquire()}; called once per permit. */
  void release();

  /**
   * Returns empty: an external bulkhead does not count with Resilience4j.
   *
   * @return empty
   */
  @Override
  default Optional<io.github.resilience4j.bulkhead.Bulkhead> resilience4j() {
    return Optional.empty();
  }
}
