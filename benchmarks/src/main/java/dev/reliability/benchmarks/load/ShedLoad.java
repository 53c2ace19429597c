package dev.reliability.benchmarks.load;

import dev.reliability.core.shedding.LoadShedder;
import dev.reliability.core.shedding.LoadSheddingConfig;
import dev.reliability.core.shedding.httpserver.LoadSheddingFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Scenario 6, inbound load shedding: a thread-per-request {@link KneeServer} (32 handler threads,
 * 16 workers x 10 ms) loaded on {@code /work} by 64 closed-loop clients with no client-side limit,
 * while one prober asks {@code /health/ready} every 20 ms. Variants: {@code none}, the server takes
 * everything (its handler threads fill and requests queue on the server's socket); {@code
 * ours-shed}, this library's {@code LoadSheddingFilter} with {@code
 * LoadSheddingConfig.ofDefaults()} in front of {@code /work}, answering 503 problem+json over its
 * adaptive limit. {@code /health/ready} answers at once, without the filter or a worker.
 *
 * <p>Reports p50 and p99 of the admitted {@code /work} calls, their goodput, the 503s per second,
 * the shedder's limit, and p50, p99 and maximum of {@code /health/ready}.
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.ShedLoad}. Options: {@code
 * --limiter none,ours-shed}, {@code --duration s} (20), {@code --warmup s} (5), {@code --clients n}
 * (64), {@code --server-threads n} (32).
 */
public final class ShedLoad {

  private static final byte[] READY = HttpConnection.request("/health/ready");

  private ShedLoad() {}

  /**
   * Runs the scenario.
   *
   * @param args options, see the class comment
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    AdaptiveLimitLoad.quietLimiterLogs();
    AdaptiveLimitLoad.Options o = AdaptiveLimitLoad.Options.parse(args);
    List<String> variants = Arrays.asList(o.get("limiter", "none,ours-shed").split(","));
    for (String name : variants) {
      if (!name.equals("none") && !name.equals("ours-shed")) {
        throw new IllegalArgumentException("limiter must be none or ours-shed, was " + name);
      }
    }
    int duration = o.getInt("duration", 20);
    int warmup = o.getInt("warmup", Math.min(5, duration / 3));
    int clients = o.getInt("clients", 64);
    int threads = o.getInt("server-threads", 32);
    int workers = o.getInt("workers", 16);
    Duration service = Duration.ofMillis(o.getInt("service-ms", 10));
    long pause = TimeUnit.MILLISECONDS.toNanos(o.getInt("reject-pause-ms", 1));

    System.out.printf(
        Locale.ROOT,
        "### Scenario 6: inbound load shedding%n%n%d clients on /work, one prober on"
            + " /health/ready every 20 ms; server: %d handler threads, %d workers x %d ms; %d s per"
            + " variant on a fresh server, the first %d s not counted. JDK %s, %d cores.%n%n"
            + "```text%njava -cp benchmarks/target/benchmarks.jar"
            + " dev.reliability.benchmarks.load.ShedLoad%s%n```%n%n",
        clients,
        threads,
        workers,
        service.toMillis(),
        duration,
        warmup,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        o.echo(""));
    System.out.println(
        "| variant | /work p50 ms | /work p99 ms | /work succeeded /s | /work 503 /s | limit mean"
            + " (min-max) | /health/ready p50 ms | p99 ms | max ms |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (String name : variants) {
      LoadShedder shedder =
          name.equals("none") ? null : LoadShedder.create(LoadSheddingConfig.ofDefaults());
      try (KneeServer server =
          KneeServer.startBlocking(
              workers,
              service,
              threads,
              shedder == null ? null : LoadSheddingFilter.create(shedder))) {
        Prober prober = new Prober(server.port(), warmup);
        prober.start();
        System.err.printf(Locale.ROOT, "running %s for %d s%n", name, duration);
        LoadRun run =
            ClosedLoopLoad.run(
                new ShedderView(shedder),
                server.port(),
                "/work",
                clients,
                duration,
                pause,
                List.of());
        prober.stopped = true;
        prober.join(TimeUnit.SECONDS.toMillis(10));
        Histogram work = run.latency(warmup, duration);
        LoadRun.LimitStats limits = run.limitStats(warmup, duration);
        System.out.printf(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.0f | %.0f | %s | %.2f | %.2f | %.2f |%n",
            name,
            work.getValueAtPercentile(50) / 1000.0,
            work.getValueAtPercentile(99) / 1000.0,
            run.goodput(warmup, duration),
            run.droppedRate(warmup, duration),
            limits.min() < 0
                ? "-"
                : String.format(
                    Locale.ROOT, "%.1f (%d-%d)", limits.mean(), limits.min(), limits.max()),
            prober.latency.getValueAtPercentile(50) / 1000.0,
            prober.latency.getValueAtPercentile(99) / 1000.0,
            prober.latency.getMaxValue() / 1000.0);
      }
    }
    System.out.println();
    System.exit(0);
  }

  /** Admits every call on the client side; reports the server's shedding limit, if any. */
  private static final class ShedderView implements LoadLimiter {
    private final LoadShedder shedder;
    private final LoadLimiter none = Limiters.create("none");

    ShedderView(LoadShedder shedder) {
      this.shedder = shedder;
    }

    @Override
    public String name() {
      return shedder == null ? "none" : "ours-shed";
    }

    @Override
    public Permit tryAcquire() {
      return none.tryAcquire();
    }

    @Override
    public int limit() {
      return shedder == null ? -1 : shedder.limiter().limit();
    }
  }

  /** Asks {@code /health/ready} every 20 ms and records its latency after the warm-up. */
  private static final class Prober extends Thread {
    private final int port;
    private final long warmupNanos;
    final Histogram latency = new Histogram(3);
    volatile boolean stopped;

    Prober(int port, int warmupSeconds) {
      super("ready-prober");
      setDaemon(true);
      this.port = port;
      this.warmupNanos = TimeUnit.SECONDS.toNanos(warmupSeconds);
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      HttpConnection connection = null;
      while (!stopped) {
        try {
          if (connection == null) {
            connection = new HttpConnection(port);
          }
          long t0 = System.nanoTime();
          connection.get(READY);
          long t1 = System.nanoTime();
          if (t0 - start >= warmupNanos) {
            latency.recordValue(Math.max(1, (t1 - t0) / 1_000));
          }
        } catch (IOException | RuntimeException e) {
          // Count nothing: reconnect and go on.
          connection = null;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }
}
