package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.reliability.cluster.internal.FleetBackend;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The fleet-wide limits on Hazelcast (member or client), on three maps: Bucket4j's entry-processor
 * proxy manager keeps the token buckets in {@value #BUCKETS}; {@value #LEASES} holds one small
 * table of lease id to expiry per concurrency limit; {@value #COUNTERS} holds one table of time
 * slices per retry budget. Every change is an entry processor, atomic on the key's partition and
 * judged by the partition owner's clock; backups receive the owner's result, so they never
 * recompute it with another member's clock.
 *
 * <p>Hazelcast 5.5 moved the CP subsystem (semaphores, atomic longs) to the Enterprise edition, so
 * leases and counters use plain maps and entry processors instead. The processors are Java
 * serializable and run on the members: when the instance is a Hazelcast client, the members' class
 * path must hold this module and {@code bucket4j_jdk17-hazelcast} (or the classes must reach them
 * through Hazelcast's user code namespaces).
 *
 * <p>Every method is asynchronous ({@code submitToKey}, {@code getAsync}); none blocks, and none
 * throws: a call Hazelcast refuses at once gives a failed future. Closing this backend does not
 * shut the instance down: it belongs to the application.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
public final class HazelcastBackend implements FleetBackend {

  /** The map of Bucket4j's token buckets, keyed by limit (and key) name. */
  public static final String BUCKETS = "reliability-fleet-buckets";

  /** The map of concurrency limits' lease tables, keyed by limit name. */
  public static final String LEASES = "reliability-fleet-leases";

  /** The map of retry budgets' slice tables, keyed by budget name. */
  public static final String COUNTERS = "reliability-fleet-counters";

  /** How long an untouched bucket outlives its refill to full: buckets of idle keys go away. */
  private static final Duration BUCKET_KEEP_AFTER_FULL = Duration.ofSeconds(10);

  private static final String PING_KEY = "reliability-fleet-ping";

  private final HazelcastInstance instance;
  private final IMap<String, HashMap<String, Long>> leases;
  private final IMap<String, long[]> counters;
  private final AsyncProxyManager<String> buckets;

  /**
   * Creates the backend on an instance the application owns.
   *
   * @param instance a Hazelcast member or client
   */
  public HazelcastBackend(HazelcastInstance instance) {
    this.instance = Objects.requireNonNull(instance, "instance");
    this.leases = instance.getMap(LEASES);
    this.counters = instance.getMap(COUNTERS);
    IMap<String, byte[]> bucketMap = instance.getMap(BUCKETS);
    this.buckets =
        Bucket4jHazelcast.entryProcessorBasedBuilder(bucketMap)
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    BUCKET_KEEP_AFTER_FULL))
            .build()
            .asAsync();
  }

  /** Returns the Hazelcast instance this backend works on. */
  HazelcastInstance instance() {
    return instance;
  }

  @Override
  public String engine() {
    return "hazelcast";
  }

  @Override
  public AsyncProxyManager<String> buckets() {
    return buckets;
  }

  @Override
  public CompletableFuture<Boolean> acquireLease(
      String limit, String leaseId, int max, long ttlMillis) {
    return call(
        () ->
            leases
                .submitToKey(
                    limit, new LeaseProcessor(LeaseProcessor.ACQUIRE, leaseId, max, ttlMillis))
                .thenApply(Boolean.TRUE::equals));
  }

  @Override
  public CompletableFuture<Void> renewLeases(
      String limit, Collection<String> leaseIds, long ttlMillis) {
    if (leaseIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> ids = new ArrayList<>(leaseIds);
    return call(
        () ->
            leases
                .submitToKey(limit, new LeaseProcessor(ids, ttlMillis))
                .thenApply(ignored -> (Void) null));
  }

  @Override
  public CompletableFuture<Void> releaseLease(String limit, String leaseId) {
    return call(
        () ->
            leases
                .submitToKey(limit, new LeaseProcessor(LeaseProcessor.RELEASE, leaseId, 0, 0))
                .thenApply(ignored -> (Void) null));
  }

  @Override
  public CompletableFuture<Integer> leasesHeld(String limit) {
    return call(
        () ->
            leases
                .submitToKey(limit, new LeaseCountProcessor())
                .thenApply(held -> held == null ? 0 : held));
  }

  @Override
  public CompletableFuture<long[]> addCounts(
      String budget, long slice, long calls, long retries, int slices, long sliceTtlMillis) {
    return call(
        () ->
            counters.submitToKey(
                budget, new CounterProcessor(slice, calls, retries, slices, sliceTtlMillis)));
  }

  @Override
  public CompletableFuture<Void> ping() {
    return call(() -> leases.getAsync(PING_KEY).thenApply(ignored -> (Void) null));
  }

  /**
   * Starts a Hazelcast call; one that throws at once (an instance shut down, a client offline)
   * gives a failed future instead, as the callers expect of every engine operation.
   */
  private static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> operation) {
    try {
      return operation.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    // The instance belongs to the application; the maps' entries expire on their own.
  }
}
