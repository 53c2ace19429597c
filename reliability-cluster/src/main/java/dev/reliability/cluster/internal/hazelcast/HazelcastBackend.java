package dev.reliability.cluster.internal.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.reliability.cluster.internal.FleetBackend;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.remote.CommandResult;
import io.github.bucket4j.distributed.remote.Request;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Every method is asynchronous: it hands Hazelcast's synchronous call ({@code executeOnKey},
 * {@code get}) to this backend's own small pool ({@value #THREADS} threads, at most {@value
 * #QUEUED} calls waiting) and returns at once; none blocks its caller, and none throws: a call
 * Hazelcast refuses at once, or one the full pool refuses, gives a failed future. Hazelcast's own
 * asynchronous calls ({@code submitToKey}) complete on its default asynchronous executor, which on
 * a machine of 2 cores or fewer starts a new thread for every stage (about 1 ms per acquire,
 * against tens of microseconds for the synchronous call); the pool also bounds what a stuck member
 * can hold: its threads and queue, never the callers, whom the engine's time-out frees. Closing
 * this backend stops the pool but does not shut the instance down: it belongs to the application.
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

  /** Threads of the pool that makes Hazelcast's calls. */
  static final int THREADS = 4;

  /** Calls that may wait for a thread of the pool; beyond them a call fails at once. */
  static final int QUEUED = 1024;

  /** Numbers the backends' pools in thread names only; nothing depends on its value. */
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final HazelcastInstance instance;
  private final IMap<String, HashMap<String, Long>> leases;
  private final IMap<String, long[]> counters;
  private final AsyncProxyManager<String> buckets;
  private final ThreadPoolExecutor pool;

  /**
   * Creates the backend on an instance the application owns.
   *
   * @param instance a Hazelcast member or client
   */
  public HazelcastBackend(HazelcastInstance instance) {
    this.instance = Objects.requireNonNull(instance, "instance");
    this.leases = instance.getMap(LEASES);
    this.counters = instance.getMap(COUNTERS);
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger(); // numbers this pool's threads in their names

    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            task -> {
              Thread t =
                  new Thread(
                      task,
                      "reliability-fleet-hazelcast-" + pool + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.pool.allowCoreThreadTimeOut(true);
    IMap<String, byte[]> bucketMap = instance.getMap(BUCKETS);
    this.buckets =
        new PooledProxyManager(
                bucketMap,
                ClientSideConfig.getDefault()
                    .withExpirationAfterWriteStrategy(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                            BUCKET_KEEP_AFTER_FULL)),
                this)
            .asAsync();
  }

  /**
   * Bucket4j's entry-processor proxy manager whose asynchronous requests are its synchronous ones
   * run on the backend's pool (see the class comment for why).
   */
  private static final class PooledProxyManager extends HazelcastProxyManager<String> {

    private final HazelcastBackend backend;

    PooledProxyManager(
        IMap<String, byte[]> map, ClientSideConfig config, HazelcastBackend backend) {
      super(map, config);
      this.backend = backend;
    }

    @Override
    public <T> CompletableFuture<CommandResult<T>> executeAsync(String key, Request<T> request) {
      return backend.call(() -> execute(key, request));
    }
  }

  /** Returns the calls the pool has run: every operation of this backend is one. */
  long pooledCalls() {
    return pool.getCompletedTaskCount();
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
            Boolean.TRUE.equals(
                leases.executeOnKey(
                    limit, new LeaseProcessor(LeaseProcessor.ACQUIRE, leaseId, max, ttlMillis))));
  }

  @Override
  public CompletableFuture<Void> renewLeases(
      String limit, Collection<String> leaseIds, long ttlMillis) {
    if (leaseIds.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> ids = new ArrayList<>(leaseIds);
    return call(
        () -> {
          leases.executeOnKey(limit, new LeaseProcessor(ids, ttlMillis));
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> releaseLease(String limit, String leaseId) {
    return call(
        () -> {
          leases.executeOnKey(limit, new LeaseProcessor(LeaseProcessor.RELEASE, leaseId, 0, 0));
          return null;
        });
  }

  @Override
  public CompletableFuture<Integer> leasesHeld(String limit) {
    return call(
        () -> {
          Integer held = leases.executeOnKey(limit, new LeaseCountProcessor());
          return held == null ? 0 : held;
        });
  }

  @Override
  public CompletableFuture<long[]> addCounts(
      String budget, long slice, long calls, long retries, int slices, long sliceTtlMillis) {
    return call(
        () ->
            counters.executeOnKey(
                budget, new CounterProcessor(slice, calls, retries, slices, sliceTtlMillis)));
  }

  @Override
  public CompletableFuture<Void> ping() {
    return call(
        () -> {
          leases.get(PING_KEY);
          return null;
        });
  }

  /**
   * Runs a synchronous Hazelcast call on the pool. A call that throws (an instance shut down, a
   * client offline) or that the full or closed pool refuses gives a failed future, as the callers
   * expect of every engine operation. {@code supplyAsync} completes the future with whatever the
   * call throws, {@code Error}s included, so a pool thread never dies of a call.
   */
  <T> CompletableFuture<T> call(Supplier<T> operation) {
    try {
      return CompletableFuture.supplyAsync(operation, pool);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    // The instance belongs to the application; the maps' entries expire on their own. Calls
    // queued or running finish; later ones fail.
    pool.shutdown();
  }
}
