package dev.reliability.core.policy;

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
   * Returns the Resilience4j bulkhead that does the counting. Registering event consumers on it
   * makes every call allocate an event.
   *
   * @return the Resilience4j bulkhead
   */
  io.github.resilience4j.bulkhead.Bulkhead unwrap();
}
