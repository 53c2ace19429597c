package dev.reliability.benchmarks.connection;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Register + unregister throughput with one and two threads, and heap retained per registered
 * connection, for the {@link ConnectionRegistry} against the hand-rolled baseline it replaces: a
 * {@code ConcurrentHashMap} key set with an {@code AtomicInteger} cap (no per-key limit, expiry,
 * heartbeat or statistics).
 *
 * <p>{@code impl}: {@code baseline}; {@code registry} (no key; expiry, age and heartbeat on, so
 * every registration enters the sweeper's schedule); {@code registry-keyed} (also a per-key limit,
 * 64 keys).
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * ConnectionRegistryBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectionRegistryBenchmark {

  @Param({"baseline", "registry", "registry-keyed"})
  public String impl;

  private Registrar registrar;

  @Setup
  public void setUp() {
    registrar = Registrar.of(impl, 1_000_000);
  }

  @TearDown
  public void tearDown() {
    registrar.close();
  }

  /** Per-thread connections, reused so the benchmark does not measure their allocation. */
  @State(Scope.Thread)
  public static class Connections {
    final Object[] pool = new Object[1024];
    final String[] keys = new String[1024];
    int next;

    @Setup
    public void setUp() {
      for (int i = 0; i < pool.length; i++) {
        pool[i] = new Object();
        keys[i] = "user-" + (i % 64);
      }
    }
  }

  private static int cycle(Registrar registrar, Connections c) {
    int i = c.next++ & 1023;
    registrar.register(c.keys[i], c.pool[i]);
    return registrar.unregister(c.pool[i]) ? 1 : 0;
  }

  /**
   * One registration and its removal, one thread.
   *
   * @param c the thread's connections
   * @return 1 when removed
   */
  @Benchmark
  @Threads(1)
  public int registerUnregister1Thread(Connections c) {
    return cycle(registrar, c);
  }

  /**
   * One registration and its removal, two threads at once.
   *
   * @param c the thread's connections
   * @return 1 when removed
   */
  @Benchmark
  @Threads(2)
  public int registerUnregister2Threads(Connections c) {
    return cycle(registrar, c);
  }

  /** Bytes of heap held per registered connection, beyond the connection object itself. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Footprint {
    /** Heap retained per registered connection, in bytes. */
    public double bytesPerConnection;
  }

  /**
   * Registers 100,000 connections and reports the heap they retain in the registry, per connection,
   * as the {@code bytesPerConnection} counter.
   *
   * @param footprint where the result goes
   * @return the number registered
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  @Threads(1)
  public int retainedBytes(Footprint footprint) {
    int n = 100_000;
    Registrar r = Registrar.of(impl, n);
    Object[] connections = new Object[n];
    for (int i = 0; i < n; i++) {
      connections[i] = new Object();
    }
    long before = usedHeapAfterGc();
    for (int i = 0; i < n; i++) {
      r.register("user-" + (i % 64), connections[i]);
    }
    long after = usedHeapAfterGc();
    footprint.bytesPerConnection = (after - before) / (double) n;
    for (int i = 0; i < n; i++) {
      r.unregister(connections[i]);
    }
    r.close();
    return connections.length;
  }

  @Setup(Level.Iteration)
  public void gcBetweenIterations() {
    System.gc();
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The two implementations behind one interface. */
  interface Registrar extends AutoCloseable {
    void register(String key, Object connection);

    boolean unregister(Object connection);

    @Override
    void close();

    static Registrar of(String impl, int capacity) {
      switch (impl) {
        case "baseline":
          return new Baseline(capacity);
        case "registry":
          return new Registry(capacity, false);
        case "registry-keyed":
          return new Registry(capacity, true);
        default:
          throw new IllegalArgumentException("impl must be baseline, registry or registry-keyed");
      }
    }
  }

  /** What services write by hand: a concurrent set and a counter. */
  static final class Baseline implements Registrar {
    private final Set<Object> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final int capacity;

    Baseline(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public void register(String key, Object connection) {
      for (; ; ) {
        int n = count.get();
        if (n >= capacity) {
          throw new IllegalStateException("full");
        }
        if (count.compareAndSet(n, n + 1)) {
          break;
        }
      }
      connections.add(connection);
    }

    @Override
    public boolean unregister(Object connection) {
      if (connections.remove(connection)) {
        count.decrementAndGet();
        return true;
      }
      return false;
    }

    @Override
    public void close() {}
  }

  static final class Registry implements Registrar {
    private final ConnectionRegistry<Object> registry;
    private final boolean keyed;

    Registry(int capacity, boolean keyed) {
      this.keyed = keyed;
      ConnectionRegistryConfig.Builder config =
          ConnectionRegistryConfig.builder()
              .name("bench")
              .maxConnections(capacity)
              .sweepInterval(Duration.ZERO);
      if (keyed) {
        config.maxConnectionsPerKey(capacity);
      }
      this.registry =
          ConnectionRegistry.builder(ConnectionTransport.discarding())
              .config(config.build())
              .build();
    }

    @Override
    public void register(String key, Object connection) {
      registry.register(keyed ? key : null, connection);
    }

    @Override
    public boolean unregister(Object connection) {
      return registry.unregister(connection);
    }

    @Override
    public void close() {
      registry.shutdown(Duration.ZERO);
      registry.close();
    }
  }
}
