package dev.reliability.benchmarks.load;

import dev.reliability.core.policy.HedgeConfig;
import dev.reliability.core.policy.Hedging;
import dev.reliability.core.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Scenario 5, hedging against a slow tail: a {@link KneeServer} (16 workers, 10 ms) on which 1% of
 * calls answer after 1 s, under a closed-loop load of 8 clients (below the knee). Each variant runs
 * on a fresh server: {@code none} sends each call once on the client's own connection; a hedging
 * variant sends each call through a policy that starts another attempt after a delay and takes the
 * first answer, its attempts sharing a {@link ConnectionPool}: {@code ours-hedge-100ms} with the
 * defaults of {@link HedgeConfig} (a fixed delay of 100 ms, one hedge, a budget of one hedge per
 * ten calls), {@code ours-hedge-p95} with the delay at the 95th percentile of the measured
 * latencies.
 *
 * <p>Reports p50, p99 and p999 of the calls as the client sees them, successful calls per second,
 * the requests the server received per successful call (1 without hedging; the extra is the hedges'
 * load), the hedges the policy started per call, and those its budget refused.
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.HedgeLoad}. Options: {@code
 * --limiter a,b} (every variant), {@code --duration s} (30), {@code --warmup s} (5), {@code
 * --clients n} (8), {@code --tail-permille n} (10), {@code --tail-ms n} (1000).
 */
public final class HedgeLoad {

  /**
   * The variants by name: no hedging (null), or this library's policy with the hedging settings.
   */
  private static final Map<String, HedgeConfig> VARIANTS = new LinkedHashMap<>();

  static {
    VARIANTS.put("none", null);
    // The defaults: a fixed delay of 100 ms, one hedge, a budget of one hedge per ten calls.
    VARIANTS.put("ours-hedge-100ms", HedgeConfig.ofDefaults());
    // The delay follows the latencies the policy measures: their 95th percentile.
    VARIANTS.put("ours-hedge-p95", HedgeConfig.builder().delayPercentile(0.95).build());
  }

  private HedgeLoad() {}

  /**
   * Runs the scenario.
   *
   * @param args options, see the class comment
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    AdaptiveLimitLoad.quietLimiterLogs();
    AdaptiveLimitLoad.Options o = AdaptiveLimitLoad.Options.parse(args);
    String names = o.get("limiter", "all");
    List<String> variants =
        names.equals("all") ? new ArrayList<>(VARIANTS.keySet()) : Arrays.asList(names.split(","));
    for (String name : variants) {
      if (!VARIANTS.containsKey(name)) {
        throw new IllegalArgumentException(
            "limiter must be one of " + VARIANTS.keySet() + ", was " + name);
      }
    }
    int duration = o.getInt("duration", 30);
    int warmup = o.getInt("warmup", Math.min(5, duration / 3));
    int clients = o.getInt("clients", 8);
    double tail = o.getInt("tail-permille", 10) / 1000.0;
    Duration tailTime = Duration.ofMillis(o.getInt("tail-ms", 1000));
    int workers = o.getInt("workers", 16);
    Duration service = Duration.ofMillis(o.getInt("service-ms", 10));
    long pause = TimeUnit.MILLISECONDS.toNanos(o.getInt("reject-pause-ms", 1));

    System.out.printf(
        Locale.ROOT,
        "### Scenario 5: hedging against a slow tail (%.1f%% of calls take %d ms)%n%n"
            + "%d clients, server: %d workers x %d ms; %d s per variant on a fresh server, the first"
            + " %d s not counted. JDK %s, %d cores.%n%n```text%njava -cp"
            + " benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.HedgeLoad%s%n```%n%n",
        100 * tail,
        tailTime.toMillis(),
        clients,
        workers,
        service.toMillis(),
        duration,
        warmup,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        o.echo(""));

    System.out.println(
        "| variant | p50 ms | p99 ms | p999 ms | max ms | succeeded /s | requests per call | hedges"
            + " per call | hedges denied by the budget |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (String name : variants) {
      HedgeConfig config = VARIANTS.get(name);
      try (KneeServer server = KneeServer.start(workers, service);
          ConnectionPool pool = new ConnectionPool(server.port());
          Policy policy = config == null ? null : Policy.builder(name).hedge(config).build()) {
        server.setSlowTail(tail, tailTime);
        long[] received = new long[2];
        long[] hedges = new long[4];
        Transport.Factory transports =
            policy == null ? HttpConnection::new : port -> hedged(policy, pool);
        System.err.printf(Locale.ROOT, "running %s for %d s%n", name, duration);
        LoadRun run =
            ClosedLoopLoad.run(
                Limiters.create("none"),
                server.port(),
                "/work",
                clients,
                duration,
                pause,
                List.of(
                    new ClosedLoopLoad.Event(
                        warmup,
                        () -> {
                          received[0] = requests(server);
                          hedges[0] = started(policy);
                          hedges[2] = denied(policy);
                        }),
                    new ClosedLoopLoad.Event(
                        duration,
                        () -> {
                          received[1] = requests(server);
                          hedges[1] = started(policy);
                          hedges[3] = denied(policy);
                        })),
                transports);
        Histogram h = run.latency(warmup, duration);
        double calls = run.goodput(warmup, duration) * (duration - warmup);
        System.out.printf(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f | %.1f | %.0f | %.3f | %.3f | %d |%n",
            name,
            h.getValueAtPercentile(50) / 1000.0,
            h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0,
            h.getMaxValue() / 1000.0,
            run.goodput(warmup, duration),
            (received[1] - received[0]) / calls,
            (hedges[1] - hedges[0]) / calls,
            hedges[3] - hedges[2]);
      }
    }
    System.out.println();
    System.exit(0);
  }

  private static long requests(KneeServer server) {
    return server.served() + server.rejected();
  }

  private static long started(Policy policy) {
    return policy == null ? 0 : policy.hedging().map(Hedging::hedgesStarted).orElse(0L);
  }

  private static long denied(Policy policy) {
    return policy == null ? 0 : policy.hedging().map(Hedging::hedgesDeniedByBudget).orElse(0L);
  }

  /**
   * A transport that sends every call through the hedging policy, each run on a connection of the
   * shared pool (a hedge needs its own connection while the first run waits on its).
   */
  static Transport hedged(Policy policy, ConnectionPool pool) {
    return new Transport() {
      @Override
      public int get(byte[] request) throws IOException {
        try {
          return policy.execute(
              () -> {
                try {
                  return pool.get(request);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
        } catch (UncheckedIOException e) {
          throw e.getCause();
        } catch (RuntimeException e) {
          throw new IOException("the hedged call failed", e);
        }
      }

      @Override
      public void close() {}
    };
  }
}
