package dev.reliability.cluster.testing;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.internal.FleetBackend;
import dev.reliability.cluster.internal.hazelcast.HazelcastBackend;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One instance of a fleet, in its own JVM: connects to an engine, takes one fleet-wide rate limit,
 * offers calls to it at a fixed rate for a bounded time and prints what it saw as one line of JSON.
 * {@link ForkedFleet} starts several and reads their lines.
 *
 * <p>Arguments are {@code key=value}: {@code engine} ({@code hazelcast:[cluster@]host:port,...} as
 * a Hazelcast client), {@code name}, {@code limit}, {@code period} (ISO-8601), {@code batching}
 * ({@code none}, {@code batching}: Bucket4j's request batching, or {@code prefetch}: Bucket4j's
 * delayed synchronisation of up to {@code prefetch} tokens), {@code rate} (calls per second offered
 * by this worker), {@code threads}, {@code duration} (ISO-8601) and {@code timeout} (ISO-8601, per
 * call).
 *
 * <p>Protocol: the worker connects, warms up on a limit of its own and prints {@code READY}; then
 * each line on standard input is one run, {@code key=value} arguments over the command line's, with
 * {@code start}: the run's start in epoch milliseconds (so every worker measures the same window on
 * the machine's one wall clock). The worker runs until start + duration and prints {@code
 * {"admitted":..,"refused":..,"errors":..,"perSecond":[..],"meanMicros":.., "maxMicros":..}}; it
 * exits at the end of its input.
 */
public final class FleetWorker {

  private FleetWorker() {}

  /**
   * Runs one worker.
   *
   * @param args {@code key=value} arguments, see the class comment
   * @throws Exception if the engine cannot be reached
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> defaults = parse(args);
    Duration timeout = Duration.parse(defaults.getOrDefault("timeout", "PT2S"));
    try (Engine engine = Engine.connect(defaults.get("engine"))) {
      AsyncBucketProxy warmUp =
          engine
              .backend()
              .buckets()
              .builder()
              .build(
                  "fleet-worker-warm-up-" + ProcessHandle.current().pid(),
                  BucketConfiguration.builder()
                      .addLimit(l -> l.capacity(100).refillGreedy(100, Duration.ofSeconds(1)))
                      .build());
      for (int i = 0; i < 50; i++) {
        warmUp.tryConsume(1).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      System.out.println("READY");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.isBlank(); ) {
        Map<String, String> arg = new HashMap<>(defaults);
        arg.putAll(parse(line.trim().split("\\s+")));
        System.out.println(run(engine, arg));
        System.out.flush();
      }
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> arg = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 0) {
        arg.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    return arg;
  }

  private static String run(Engine engine, Map<String, String> arg) throws Exception {
    String name = arg.get("name");
    long limit = Long.parseLong(arg.get("limit"));
    Duration period = Duration.parse(arg.getOrDefault("period", "PT1S"));
    String batching = arg.getOrDefault("batching", "none");
    long prefetch = Long.parseLong(arg.getOrDefault("prefetch", "10"));
    double rate = Double.parseDouble(arg.get("rate"));
    int threads = Integer.parseInt(arg.getOrDefault("threads", "4"));
    Duration duration = Duration.parse(arg.get("duration"));
    Duration timeout = Duration.parse(arg.getOrDefault("timeout", "PT2S"));
    long startMillis = Long.parseLong(arg.get("start"));

    BucketConfiguration config =
        BucketConfiguration.builder()
            .addLimit(l -> l.capacity(limit).refillGreedy(limit, period))
            .build();
    RemoteAsyncBucketBuilder<String> builder = engine.backend().buckets().builder();
    switch (batching) {
      case "none" -> {}
      case "batching" -> builder = builder.withOptimization(Optimizations.batching());
      case "prefetch" ->
          builder =
              builder.withOptimization(
                  Optimizations.delaying(new DelayParameters(prefetch, Duration.ofMillis(100))));
      default ->
          throw new IllegalArgumentException(
              "batching must be none, batching or prefetch, was " + batching);
    }
    AsyncBucketProxy bucket = builder.build(name, config);
    Run run = new Run(startMillis, duration.toMillis());
    Thread[] callers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      long intervalNanos = (long) (1e9 * threads / rate);
      long offsetNanos = intervalNanos * t / threads;
      callers[t] =
          new Thread(() -> run.offer(bucket, intervalNanos, offsetNanos, timeout), "caller-" + t);
      callers[t].start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    return run.json();
  }

  /** The counts of one run, measured over [start, start + duration) of the wall clock. */
  private static final class Run {
    private final long startMillis;
    private final long durationMillis;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLongArray perSecond;

    Run(long startMillis, long durationMillis) {
      this.startMillis = startMillis;
      this.durationMillis = durationMillis;
      this.perSecond = new AtomicLongArray((int) ((durationMillis + 999) / 1000));
    }

    void offer(AsyncBucketProxy bucket, long intervalNanos, long offsetNanos, Duration timeout) {
      long waitMillis = startMillis - System.currentTimeMillis();
      if (waitMillis > 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(waitMillis));
      }
      long origin = System.nanoTime() + offsetNanos;
      for (long i = 0; ; i++) {
        long due = origin + i * intervalNanos;
        long now = System.nanoTime();
        if (due > now) {
          LockSupport.parkNanos(due - now);
        } else if (now - due > 20 * intervalNanos) {
          // Far behind (a stall): skip the missed calls rather than burst them.
          i += (now - due) / intervalNanos;
        }
        long sentMillis = System.currentTimeMillis();
        if (sentMillis >= startMillis + durationMillis) {
          return;
        }
        long sent = System.nanoTime();
        boolean ok;
        try {
          ok = bucket.tryConsume(1).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          errors.incrementAndGet(); // late or failed: counted, and the worker goes on
          continue;
        }
        long took = System.nanoTime() - sent;
        totalNanos.addAndGet(took);
        calls.incrementAndGet();
        maxNanos.accumulateAndGet(took, Math::max);
        long at = System.currentTimeMillis();
        if (at < startMillis || at >= startMillis + durationMillis) {
          continue;
        }
        if (ok) {
          admitted.incrementAndGet();
          perSecond.incrementAndGet((int) ((at - startMillis) / 1000));
        } else {
          refused.incrementAndGet();
        }
      }
    }

    String json() {
      StringBuilder seconds = new StringBuilder();
      for (int i = 0; i < perSecond.length(); i++) {
        seconds.append(i == 0 ? "" : ",").append(perSecond.get(i));
      }
      long n = Math.max(1, calls.get());
      return "{\"admitted\":"
          + admitted.get()
          + ",\"refused\":"
          + refused.get()
          + ",\"errors\":"
          + errors.get()
          + ",\"perSecond\":["
          + seconds
          + "],\"meanMicros\":"
          + totalNanos.get() / n / 1000
          + ",\"maxMicros\":"
          + maxNanos.get() / 1000
          + "}";
    }
  }

  /** An engine connection the worker owns. */
  private interface Engine extends AutoCloseable {
    FleetBackend backend();

    @Override
    void close();

    static Engine connect(String engine) {
      if (engine.startsWith("hazelcast:")) {
        String spec = engine.substring("hazelcast:".length());
        int at = spec.indexOf('@');
        String cluster = at < 0 ? "dev" : spec.substring(0, at);
        String[] addresses = spec.substring(at + 1).split(",");
        HazelcastInstance client =
            HazelcastClient.newHazelcastClient(EmbeddedHazelcast.clientConfig(cluster, addresses));
        HazelcastBackend backend = new HazelcastBackend(client);
        return new Engine() {
          @Override
          public FleetBackend backend() {
            return backend;
          }

          @Override
          public void close() {
            backend.close();
            client.shutdown();
          }
        };
      }
      throw new IllegalArgumentException(
          "engine must be hazelcast:[cluster@]host:port,..., was " + engine);
    }
  }
}
