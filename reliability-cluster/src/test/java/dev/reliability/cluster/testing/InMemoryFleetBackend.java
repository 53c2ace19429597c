package dev.reliability.cluster.testing;

import dev.reliability.cluster.internal.FleetBackend;
import dev.reliability.core.time.TimeSource;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link FleetBackend} in memory, for tests: Bucket4j buckets on a compare-and-swap map, leases
 * and sliced counters in maps, all judged by one injected clock, and faults on demand: every
 * operation can fail at once ({@link Fault#FAIL}), never answer ({@link Fault#HANG}, a partition),
 * or answer after a real delay ({@link Fault#SLOW}), and {@link #throwOnPing(Throwable)} makes the
 * probe throw. Several engines may share one instance, as several instances share one Redis.
 */
public final class InMemoryFleetBackend implements FleetBackend {

  /** What every operation does. */
  public enum Fault {
    /** Answers at once. */
    NONE,
    /** Fails at once. */
    FAIL,
    /** Never answers. */
    HANG,
    /** Answers after {@link #slowBy(Duration)}, on another thread. */
    SLOW
  }

  private final TimeSource time;
  private final Map<String, byte[]> buckets = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> leases = new HashMap<>();
  private final Map<String, Map<Long, long[]>> counters = new HashMap<>();
  private final Proxies proxies;
  private final AtomicInteger operations = new AtomicInteger();
  private final AtomicInteger bucketOperations = new AtomicInteger();
  private volatile Fault fault = Fault.NONE;
  private volatile Duration slowBy = Duration.ofMillis(50);
  private volatile Throwable pingThrows;
  private volatile Throwable backgroundThrows;
  private volatile boolean closed;

  /**
   * Creates a backend on a clock.
   *
   * @param time the engine's clock, for buckets and lease expiry
   */
  public InMemoryFleetBackend(TimeSource time) {
    this.time = time;
    this.proxies = new Proxies();
  }

  /**
   * Sets what every following operation does.
   *
   * @param fault the fault
   * @return this
   */
  public InMemoryFleetBackend fault(Fault fault) {
    this.fault = fault;
    return this;
  }

  /**
   * Sets the delay of {@link Fault#SLOW}.
   *
   * @param delay the delay
   * @return this
   */
  public InMemoryFleetBackend slowBy(Duration delay) {
    this.slowBy = delay;
    return this;
  }

  /**
   * Makes {@link #renewLeases} and {@link #addCounts} (the background work) throw this (not fail
   * their futures), or stop throwing with null.
   *
   * @param t what to throw
   * @return this
   */
  public InMemoryFleetBackend throwOnRenewAndCount(Throwable t) {
    this.backgroundThrows = t;
    return this;
  }

  private void throwIfAsked() {
    Throwable t = backgroundThrows;
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  /**
   * Makes {@link #ping()} throw this (not fail its future), or stop throwing with null.
   *
   * @param t what to throw
   * @return this
   */
  public InMemoryFleetBackend throwOnPing(Throwable t) {
    this.pingThrows = t;
    return this;
  }

  /**
   * Returns the operations asked of this backend (buckets' compare-and-swap steps counted apart).
   *
   * @return the count
   */
  public int operations() {
    return operations.get();
  }

  /**
   * Returns the bucket reads asked of this backend: one per round trip of a bucket command.
   *
   * @return the count
   */
  public int bucketRoundTrips() {
    return bucketOperations.get();
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return whether closed
   */
  public boolean closed() {
    return closed;
  }

  /**
   * Returns the unexpired leases of a limit, now, without faults.
   *
   * @param limit the limit
   * @return the count
   */
  public synchronized int leases(String limit) {
    return live(limit).size();
  }

  private <T> CompletableFuture<T> run(Supplier<T> op) {
    operations.incrementAndGet();
    switch (fault) {
      case FAIL:
        return CompletableFuture.failedFuture(new IllegalStateException("engine down (injected)"));
      case HANG:
        return new CompletableFuture<>();
      case SLOW:
        Executor later = CompletableFuture.delayedExecutor(slowBy.toNanos(), TimeUnit.NANOSECONDS);
        return CompletableFuture.supplyAsync(op, later);
      default:
        try {
          return CompletableFuture.completedFuture(op.get());
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
    }
  }

  @Override
  public String engine() {
    return "memory";
  }

  @Override
  public AsyncProxyManager<String> buckets() {
    return proxies.asAsync();
  }

  private synchronized Map<String, Long> live(String limit) {
    Map<String, Long> held = leases.computeIfAbsent(limit, k -> new HashMap<>());
    long now = nowMillis();
    held.values().removeIf(expiry -> expiry <= now);
    return held;
  }

  private long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(time.nanoTime());
  }

  @Override
  public CompletableFuture<Boolean> acquireLease(
      String limit, String leaseId, int max, long ttlMillis) {
    return run(
        () -> {
          synchronized (this) {
            Map<String, Long> held = live(limit);
            if (held.size() >= max) {
              return false;
            }
            held.put(leaseId, nowMillis() + ttlMillis);
            return true;
          }
        });
  }

  @Override
  public CompletableFuture<Void> renewLeases(
      String limit, Collection<String> leaseIds, long ttlMillis) {
    throwIfAsked();
    return run(
        () -> {
          synchronized (this) {
            Map<String, Long> held = live(limit);
            for (String id : leaseIds) {
              held.computeIfPresent(id, (k, v) -> nowMillis() + ttlMillis);
            }
            return null;
          }
        });
  }

  @Override
  public CompletableFuture<Void> releaseLease(String limit, String leaseId) {
    return run(
        () -> {
          synchronized (this) {
            live(limit).remove(leaseId);
            return null;
          }
        });
  }

  @Override
  public CompletableFuture<Integer> leasesHeld(String limit) {
    return run(
        () -> {
          synchronized (this) {
            return live(limit).size();
          }
        });
  }

  @Override
  public CompletableFuture<long[]> addCounts(
      String budget, long slice, long calls, long retries, int slices, long sliceTtlMillis) {
    throwIfAsked();
    return run(
        () -> {
          synchronized (this) {
            Map<Long, long[]> bySlice = counters.computeIfAbsent(budget, k -> new HashMap<>());
            long[] c = bySlice.computeIfAbsent(slice, k -> new long[2]);
            c[0] += calls;
            c[1] += retries;
            bySlice.keySet().removeIf(s -> s <= slice - slices);
            long[] sum = new long[2];
            for (Map.Entry<Long, long[]> e : bySlice.entrySet()) {
              if (e.getKey() <= slice) {
                sum[0] += e.getValue()[0];
                sum[1] += e.getValue()[1];
              }
            }
            return sum;
          }
        });
  }

  @Override
  public CompletableFuture<Void> ping() {
    Throwable t = pingThrows;
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return run(() -> null);
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Bucket4j's compare-and-swap proxy manager over the map, with the faults of the backend. */
  private final class Proxies extends AbstractCompareAndSwapBasedProxyManager<String> {

    Proxies() {
      super(
          ClientSideConfig.getDefault()
              .withClientClock(
                  new TimeMeter() {
                    @Override
                    public long currentTimeNanos() {
                      return time.nanoTime();
                    }

                    @Override
                    public boolean isWallClockBased() {
                      return false;
                    }
                  }));
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
      return new CompareAndSwapOperation() {
        @Override
        public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
          return Optional.ofNullable(buckets.get(key));
        }

        @Override
        public boolean compareAndSwap(
            byte[] original, byte[] newData, RemoteBucketState state, Optional<Long> timeout) {
          return swap(key, original, newData);
        }
      };
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
      return new AsyncCompareAndSwapOperation() {
        @Override
        public CompletableFuture<Optional<byte[]>> getStateData(Optional<Long> timeoutNanos) {
          bucketOperations.incrementAndGet();
          return run(() -> Optional.ofNullable(buckets.get(key)));
        }

        @Override
        public CompletableFuture<Boolean> compareAndSwap(
            byte[] original, byte[] newData, RemoteBucketState state, Optional<Long> timeout) {
          return run(() -> swap(key, original, newData));
        }
      };
    }

    private boolean swap(String key, byte[] original, byte[] newData) {
      if (original == null) {
        return buckets.putIfAbsent(key, newData) == null;
      }
      byte[] current = buckets.get(key);
      return current != null
          && Arrays.equals(current, original)
          && buckets.replace(key, current, newData);
    }

    @Override
    public void removeProxy(String key) {
      buckets.remove(key);
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
      buckets.remove(key);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isAsyncModeSupported() {
      return true;
    }
  }
}
