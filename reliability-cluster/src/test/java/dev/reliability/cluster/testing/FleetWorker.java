package dev.reliability.cluster.testing;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.FleetBatching;
import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetRateLimitConfig;
import dev.reliability.cluster.FleetRateLimiter;
import dev.reliability.cluster.FleetStatus;
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
 * One instance of a fleet, in its own JVM: connects a {@link FleetEngine} to an engine, takes one
 * fleet-wide rate limit, offers calls to it at a fixed rate for a bounded time and prints what it
 * saw as one line of JSON. {@link ForkedFleet} starts several and reads their lines.
 * Engine-neutral: the same worker runs against Hazelcast and Redis.
 *
 * <p>Arguments are {@code key=value}. On the command line: {@code engine} ({@code
 * hazelcast:[cluster@]host:port,...}, joined as a Hazelcast client, or {@code redis://host:port}),
 * {@code timeout} (the engine's time-out, ISO-8601, default 0.5 s) and {@code instances} (expected
 * instances, default 3), and defaults for the runs. Per run: {@code name}, {@code limit}, {@code
 * period} (ISO-8601), {@code batching} ({@code none}, {@code batching} or {@code prefetch}, see
 * {@link FleetBatching}), {@code prefetch} (tokens) and {@code prefetchDelay}, {@code rate} (calls
 * per second offered by this worker), {@code threads}, {@code duration} (ISO-8601) and {@code
 * start}.
 *
 * <p>Protocol: the worker connects, warms up on a limit of its own and prints {@code READY}; then
 * each line on standard input is one run, its arguments over the command line's, with {@code
 * start}: the run's start in epoch milliseconds, so every worker measures the same window on the
 * machine's one wall clock. The worker runs until start + duration and prints {@code
 * {"admitted":..,"refused":..,"admittedLocal":..,"fallbacks":..,"perSecond":[..],"meanMicros":..,
 * "maxMicros":..}} ({@code admittedLocal}: admitted on the local share while the engine was
 * degraded, included in {@code admitted}; {@code fallbacks}: switches to the local share during the
 * run); it exits at the end of its input.
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
    HazelcastInstance client = null;
    FleetEngine.Builder builder;
    String engineArg = defaults.get("engine");
    if (engineArg.startsWith("hazelcast:")) {
      String spec = engineArg.substring("hazelcast:".length());
      int at = spec.indexOf('@');
      String cluster = at < 0 ? "dev" : spec.substring(0, at);
      client =
          HazelcastClient.newHazelcastClient(
              EmbeddedHazelcast.clientConfig(cluster, spec.substring(at + 1).split(",")));
      builder = FleetEngine.hazelcast(client);
    } else if (engineArg.startsWith("redis://")) {
      builder = FleetEngine.redis(engineArg);
    } else {
      throw new IllegalArgumentException(
          "engine must be hazelcast:[cluster@]host:port,... or redis://host:port, was "
              + engineArg);
    }
    try (FleetEngine engine =
        builder
            .name("fleet-worker")
            .timeout(Duration.parse(defaults.getOrDefault("timeout", "PT0.5S")))
            .expectedInstances(Integer.parseInt(defaults.getOrDefault("instances", "3")))
            .build()) {
      FleetRateLimiter warmUp =
          engine.rateLimiter(
              FleetRateLimitConfig.builder("fleet-worker-warm-up-" + ProcessHandle.current().pid())
                  .build());
      for (int i = 0; i < 50; i++) {
        warmUp.acquire(0);
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
    } finally {
      if (client != null) {
        client.shutdown();
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

  private static String run(FleetEngine engine, Map<String, String> arg) throws Exception {
    long prefetch = Long.parseLong(arg.getOrDefault("prefetch", "10"));
    FleetRateLimiter limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder(arg.get("name"))
                .limit(Long.parseLong(arg.get("limit")))
                .period(Duration.parse(arg.getOrDefault("period", "PT1S")))
                .batching(FleetBatching.valueOf(arg.getOrDefault("batching", "none").toUpperCase()))
                .prefetch(prefetch, Duration.parse(arg.getOrDefault("prefetchDelay", "PT0.1S")))
                .build());
    double rate = Double.parseDouble(arg.get("rate"));
    int threads = Integer.parseInt(arg.getOrDefault("threads", "4"));
    long fallbacksBefore = engine.fallbacks();
    Run run =
        new Run(Long.parseLong(arg.get("start")), Duration.parse(arg.get("duration")).toMillis());
    Thread[] callers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      long intervalNanos = (long) (1e9 * threads / rate);
      long offsetNanos = intervalNanos * t / threads;
      callers[t] = new Thread(() -> run.offer(limiter, intervalNanos, offsetNanos), "caller-" + t);
      callers[t].start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    return run.json(limiter.admitted(FleetStatus.DEGRADED), engine.fallbacks() - fallbacksBefore);
  }

  /** The counts of one run, measured over [start, start + duration) of the wall clock. */
  private static final class Run {
    private final long startMillis;
    private final long durationMillis;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLongArray perSecond;

    Run(long startMillis, long durationMillis) {
      this.startMillis = startMillis;
      this.durationMillis = durationMillis;
      this.perSecond = new AtomicLongArray((int) ((durationMillis + 999) / 1000));
    }

    void offer(FleetRateLimiter limiter, long intervalNanos, long offsetNanos) {
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
        boolean ok = limiter.acquire(0) >= 0; // never throws, never waits beyond the time-out
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

    String json(long admittedLocal, long fallbacks) {
      StringBuilder seconds = new StringBuilder();
      for (int i = 0; i < perSecond.length(); i++) {
        seconds.append(i == 0 ? "" : ",").append(perSecond.get(i));
      }
      long n = Math.max(1, calls.get());
      return "{\"admitted\":"
          + admitted.get()
          + ",\"refused\":"
          + refused.get()
          + ",\"admittedLocal\":"
          + admittedLocal
          + ",\"fallbacks\":"
          + fallbacks
          + ",\"perSecond\":["
          + seconds
          + "],\"meanMicros\":"
          + totalNanos.get() / n / 1000
          + ",\"maxMicros\":"
          + maxNanos.get() / 1000
          + "}";
    }
  }
}
