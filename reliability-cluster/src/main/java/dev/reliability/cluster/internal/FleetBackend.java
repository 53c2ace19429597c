package dev.reliability.cluster.internal;

import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * One engine's operations for the fleet-wide limits, each asynchronous: the caller bounds every
 * future with its own time-out and falls back to a local limit when one fails or is late. Lease
 * expiry is judged by the engine's clock (Redis's {@code TIME}, the Hazelcast member's clock), so
 * the instances' clocks need not agree.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
public interface FleetBackend extends AutoCloseable {

  /**
   * Returns the engine's name for logs, metrics and health details.
   *
   * @return {@code "redis"} or {@code "hazelcast"}
   */
  String engine();

  /**
   * Returns Bucket4j's asynchronous proxy manager on this engine, its buckets keyed by name.
   *
   * @return the proxy manager
   */
  AsyncProxyManager<String> buckets();

  /**
   * Takes a lease on {@code limit} if fewer than {@code max} unexpired leases are held; expired
   * leases are removed first, in the same atomic step.
   *
   * @param limit the concurrency limit's name
   * @param leaseId the new lease's unique id
   * @param max the fleet-wide limit
   * @param ttlMillis how long the lease lives unless renewed
   * @return whether the lease was taken
   */
  CompletableFuture<Boolean> acquireLease(String limit, String leaseId, int max, long ttlMillis);

  /**
   * Extends the given leases, where they still exist, to {@code ttlMillis} from now.
   *
   * @param limit the concurrency limit's name
   * @param leaseIds the leases this instance holds
   * @param ttlMillis the new time to live
   * @return done when renewed
   */
  CompletableFuture<Void> renewLeases(String limit, Collection<String> leaseIds, long ttlMillis);

  /**
   * Gives a lease back; nothing happens if it has expired or is unknown.
   *
   * @param limit the concurrency limit's name
   * @param leaseId the lease
   * @return done when released
   */
  CompletableFuture<Void> releaseLease(String limit, String leaseId);

  /**
   * Returns the unexpired leases held on {@code limit} by the whole fleet.
   *
   * @param limit the concurrency limit's name
   * @return the count
   */
  CompletableFuture<Integer> leasesHeld(String limit);

  /**
   * Adds an instance's counts to the fleet's counters of one time slice and returns the fleet's
   * sums over the last {@code slices} slices, this one included. Each slice's counters expire after
   * {@code sliceTtlMillis}.
   *
   * @param budget the retry budget's name
   * @param slice the slice's number (time divided by the slice's length)
   * @param calls calls to add
   * @param retries retries to add
   * @param slices how many slices the window holds
   * @param sliceTtlMillis how long a slice's counters live
   * @return the fleet's {@code [calls, retries]} over the window
   */
  CompletableFuture<long[]> addCounts(
      String budget, long slice, long calls, long retries, int slices, long sliceTtlMillis);

  /**
   * Checks that the engine answers.
   *
   * @return done when it answered
   */
  CompletableFuture<Void> ping();

  /** Closes this backend's connections; does not stop an engine it did not start. */
  @Override
  void close();
}
