package dev.reliability.core.policy;

import java.util.Optional;

/**
 * A policy's bulkhead: free permits and refusals, read by metrics. Obtained from {@link
 * Policy#bulkhead()}.
 *
 * <p>Thread-safe; reading never allocates.
 */
public interface Bulkhead {

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  BulkheadConfig config();

  /**
   * Returns the permits free now.
   *
   * @return between 0 and {@link BulkheadConfig#maxConcurrentCalls()}
   */
  int availablePermits();

  /**
   * Returns the calls refused because no permit was free.
   *
   * @return the count
   */
  long rejectedCalls();

  /**
   * Returns the Resilience4j bulkhead that does the counting: the one the policy was given with
   * {@link Policy.Builder#bulkhead(io.github.resilience4j.bulkhead.Bulkhead)} (or took from a
   * registry), or the one the policy made for its {@link BulkheadConfig}. Registering event
   * consumers on it makes every call allocate an event.
   *
   * @return the Resilience4j bulkhead, present for every bulkhead of a policy
   */
  Optional<io.github.resilience4j.bulkhead.Bulkhead> resilience4j();
}
