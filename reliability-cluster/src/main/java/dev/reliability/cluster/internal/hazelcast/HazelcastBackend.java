package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.internal.FleetBackend;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * The Hazelcast engine of the fleet-wide limits.
 *
 * <p>Internal: may change at any time.
 */
// replaced by the hazelcast part
public final class HazelcastBackend implements FleetBackend {

  /**
   * Creates the backend.
   *
   * @param instance the Hazelcast member or client; not shut down by {@link #close()}
   */
  public HazelcastBackend(HazelcastInstance instance) {
    throw new UnsupportedOperationException("the Hazelcast engine is not built yet");
  }

  @Override
  public String engine() {
    return "hazelcast";
  }

  @Override
  public AsyncProxyManager<String> buckets() {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Boolean> acquireLease(
      String limit, String leaseId, int max, long ttlMillis) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Void> renewLeases(
      String limit, Collection<String> leaseIds, long ttlMillis) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Void> releaseLease(String limit, String leaseId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Integer> leasesHeld(String limit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<long[]> addCounts(
      String budget, long slice, long calls, long retries, int slices, long sliceTtlMillis) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Void> ping() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
