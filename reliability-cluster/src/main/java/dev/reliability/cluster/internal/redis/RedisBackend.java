package dev.reliability.cluster.internal.redis;

import dev.reliability.cluster.internal.FleetBackend;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.lettuce.core.RedisClient;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis engine of the fleet-wide limits.
 *
 * <p>Internal: may change at any time.
 */
// replaced by the redis part
public final class RedisBackend implements FleetBackend {

  /**
   * Creates the backend.
   *
   * @param client the Lettuce client
   * @param owned whether {@link #close()} shuts the client down
   */
  public RedisBackend(RedisClient client, boolean owned) {
    throw new UnsupportedOperationException("the Redis engine is not built yet");
  }

  @Override
  public String engine() {
    return "redis";
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
