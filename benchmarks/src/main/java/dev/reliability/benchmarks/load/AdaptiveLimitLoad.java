package dev.reliability.benchmarks.load;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load tests of the adaptive concurrency limit: a {@link KneeServer} (16 workers, 10 ms each)
 * driven by a {@link ClosedLoopLoad}, once per limiter of {@link Limiters}, each run on a fresh
 * server and a fresh limiter in the same JVM. Prints a Markdown table per scenario and the command
 * that produced it, and draws its charts.
 *
 * <ul>
 *   <li>{@code baseline}: 8 clients, below the knee: p50, p99 and goodput per limiter (no goodput
 *       may be lost under the knee);
 *   <li>{@code overload}: 64 clients, 4x the knee: p50, p99 and p999 of admitted calls, p99 against
 *       the unloaded p99 (measured first: 4 clients, no limiter), goodput against the best fixed
 *       bulkhead, and the limit's mean, minimum and maximum in steady state;
 *   <li>{@code knee-move}: 64 clients, the server's workers drop from 16 to 8 a third into the run:
 *       where the limit settles, how long after the move it is within 25% of the new knee (8) for
 *       good, p99 and goodput after the move.
 * </ul>
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.AdaptiveLimitLoad --scenario
 * overload}. Options: {@code --scenario baseline|overload|knee-move|all} (all), {@code --limiter
 * a,b} (every one), {@code --duration s} and {@code --warmup s} per limiter (15/3, 20/5, 30/5),
 * {@code --clients n}, {@code --workers n} (16), {@code --moved-workers n} (8), {@code --move-at s}
 * (a third of the duration), {@code --service-ms n} (10), {@code --reject-pause-ms n} (1), {@code
 * --charts dir|none} (docs/images).
 */
public final class AdaptiveLimitLoad {

  private static final String PATH = "/work";

  private AdaptiveLimitLoad() {}

  /**
   * Runs the scenarios.
   *
   * @param args options, see the class comment
   * @throws Exception if the server cannot start or a chart cannot be written
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    quietLimiterLogs();
    Limiters.setOurs(options.get("ours", ""));
    String scenario = options.get("scenario", "all");
    List<String> scenarios =
        scenario.equals("all") ? List.of("baseline", "overload", "knee-move") : List.of(scenario);
    for (String s : scenarios) {
      switch (s) {
        case "baseline" -> baseline(options);
        case "overload" -> overload(options);
        case "knee-move" -> kneeMove(options);
        default ->
            throw new IllegalArgumentException(
                "scenario must be one of baseline, overload, knee-move, all, was " + s);
      }
    }
    System.exit(0);
  }

  private static void baseline(Options o) throws Exception {
    Setup setup = Setup.of(o, 8, 15, 3);
    setup.printHeader("Scenario 1: unloaded baseline (below the knee)", "baseline", o);
    List<LoadRun> runs = runAll(setup, List.of());
    Double noneGoodput = null;
    for (LoadRun run : runs) {
      if (run.limiter().equals("none")) {
        noneGoodput = run.goodput(setup.warmup, setup.duration);
      }
    }
    System.out.println(
        "| limiter | p50 ms | p99 ms | goodput /s | vs no limiter | rejections /s | limit mean |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (LoadRun run : runs) {
      Histogram h = run.latency(setup.warmup, setup.duration);
      double goodput = run.goodput(setup.warmup, setup.duration);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %.0f | %s | %.1f | %s |%n",
          run.limiter(),
          ms(h, 50),
          ms(h, 99),
          goodput,
          noneGoodput == null ? "n/a" : percent(goodput / noneGoodput - 1),
          run.rejectionRate(setup.warmup, setup.duration),
          limitMean(run.limitStats(setup.warmup, setup.duration)));
    }
    System.out.println();
  }

  private static void overload(Options o) throws Exception {
    Setup setup = Setup.of(o, 64, 20, 5);
    setup.printHeader("Scenario 2: 4x overload", "overload", o);
    double unloadedP99 = unloadedP99(setup);
    System.out.printf(
        Locale.ROOT,
        "Unloaded p99 (4 clients, no limiter, 5 s after 1 s of warm-up): %.1f ms; the target is"
            + " p99 <= %.1f ms at goodput >= 98%% of the best fixed bulkhead.%n%n",
        unloadedP99,
        2 * unloadedP99);
    List<LoadRun> runs = runAll(setup, List.of());
    double bestFixed = Double.NaN;
    for (LoadRun run : runs) {
      if (run.limiter().startsWith("fixed-")) {
        double g = run.goodput(setup.warmup, setup.duration);
        bestFixed = Double.isNaN(bestFixed) ? g : Math.max(bestFixed, g);
      }
    }
    System.out.println(
        "| limiter | p50 ms | p99 ms | p999 ms | p99 / unloaded | goodput /s | vs best fixed"
            + " | rejections /s | limit mean | min | max | meets target |");
    System.out.println(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (LoadRun run : runs) {
      Histogram h = run.latency(setup.warmup, setup.duration);
      double goodput = run.goodput(setup.warmup, setup.duration);
      LoadRun.LimitStats limits = run.limitStats(setup.warmup, setup.duration);
      double ratio = ms(h, 99) / unloadedP99;
      double vsBest = goodput / bestFixed - 1;
      boolean meets = ratio <= 2.0 && (Double.isNaN(bestFixed) || vsBest >= -0.02);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %.1f | %.2f | %.0f | %s | %.0f | %s | %s | %s | %s |%n",
          run.limiter(),
          ms(h, 50),
          ms(h, 99),
          ms(h, 99.9),
          ratio,
          goodput,
          Double.isNaN(bestFixed) ? "n/a" : percent(vsBest),
          run.rejectionRate(setup.warmup, setup.duration),
          limitMean(limits),
          limits.min() < 0 ? "-" : Integer.toString(limits.min()),
          limits.max() < 0 ? "-" : Integer.toString(limits.max()),
          meets ? "yes" : "no");
    }
    System.out.println();
    setup.charts(runs, "overload", "4x overload: 64 clients, knee at 16", 0);
  }

  private static void kneeMove(Options o) throws Exception {
    Setup setup = Setup.of(o, 64, 30, 5);
    int moved = o.getInt("moved-workers", 8);
    int moveAt = o.getInt("move-at", Math.max(setup.warmup + 1, setup.duration / 3));
    setup.printHeader(
        "Scenario 3: the knee moves from "
            + setup.workers
            + " to "
            + moved
            + " at "
            + moveAt
            + " s",
        "knee-move",
        o);
    List<LoadRun> runs = runAll(setup, List.of(moveAt), moved);
    int tail = Math.max(1, Math.min(5, (setup.duration - moveAt) / 2));
    System.out.printf(
        Locale.ROOT,
        "Target after the move: a limit within 25%% of %d (%.0f to %.0f). Seconds after the move"
            + " until the first limit sample (every 100 ms) in that band, and until the last one"
            + " outside it (never: outside in the last second); the share of samples after the move in the band. Settled limit: the"
            + " last %d s.%n%n",
        moved,
        moved * 0.75,
        moved * 1.25,
        tail);
    System.out.println(
        "| limiter | limit before (mean) | p99 before ms | limit settled (mean, min-max) | first"
            + " within 25% | within 25% for good | time within 25% | p99 after ms | goodput after /s"
            + " | rejections after /s |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (LoadRun run : runs) {
      LoadRun.LimitStats before = run.limitStats(setup.warmup, moveAt);
      LoadRun.LimitStats settled = run.limitStats(setup.duration - tail, setup.duration);
      OptionalDouble at = run.settledAt(moveAt, moved, 0.25);
      OptionalDouble first = run.firstWithin(moveAt, moved, 0.25);
      double share = run.shareWithin(moveAt, moved, 0.25);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.1f | %s | %s | %s | %s | %.1f | %.0f | %.0f |%n",
          run.limiter(),
          limitMean(before),
          ms(run.latency(setup.warmup, moveAt), 99),
          settled.min() < 0
              ? "-"
              : String.format(
                  Locale.ROOT, "%.1f (%d-%d)", settled.mean(), settled.min(), settled.max()),
          first.isPresent()
              ? String.format(Locale.ROOT, "%.1f s", first.getAsDouble() - moveAt)
              : "never",
          at.isPresent()
              ? String.format(Locale.ROOT, "%.1f s", at.getAsDouble() - moveAt)
              : "never",
          Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share),
          ms(run.latency(moveAt, setup.duration), 99),
          run.goodput(moveAt, setup.duration),
          run.rejectionRate(moveAt, setup.duration));
    }
    System.out.println();
    setup.charts(
        runs,
        "knee-move",
        "knee moves " + setup.workers + " -> " + moved + " at " + moveAt + " s, 64 clients",
        moveAt);
  }

  /** Netflix's limits log every limit change at debug level, thousands of lines a second. */
  static void quietLimiterLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
    }
  }

  private static double unloadedP99(Setup setup) throws Exception {
    try (KneeServer server = KneeServer.start(setup.workers, setup.serviceTime)) {
      LoadRun run =
          ClosedLoopLoad.run(
              Limiters.create("none"),
              server.port(),
              PATH,
              4,
              6,
              setup.rejectPauseNanos,
              List.of());
      return ms(run.latency(1, 6), 99);
    }
  }

  private static List<LoadRun> runAll(Setup setup, List<Integer> moveAt) throws Exception {
    return runAll(setup, moveAt, setup.workers);
  }

  private static List<LoadRun> runAll(Setup setup, List<Integer> moveAt, int moved)
      throws Exception {
    List<LoadRun> runs = new ArrayList<>();
    for (String name : setup.limiters) {
      try (KneeServer server = KneeServer.start(setup.workers, setup.serviceTime)) {
        List<ClosedLoopLoad.Event> events = new ArrayList<>();
        for (int at : moveAt) {
          events.add(new ClosedLoopLoad.Event(at, () -> server.setWorkers(moved)));
        }
        System.err.printf(Locale.ROOT, "running %s for %d s%n", name, setup.duration);
        runs.add(
            ClosedLoopLoad.run(
                Limiters.create(name),
                server.port(),
                PATH,
                setup.clients,
                setup.duration,
                setup.rejectPauseNanos,
                events));
      }
    }
    return runs;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * fraction);
  }

  private static String limitMean(LoadRun.LimitStats stats) {
    return Double.isNaN(stats.mean()) ? "-" : String.format(Locale.ROOT, "%.1f", stats.mean());
  }

  /** The settings of one scenario's runs. */
  private static final class Setup {
    final List<String> limiters;
    final int clients;
    final int duration;
    final int warmup;
    final int workers;
    final Duration serviceTime;
    final long rejectPauseNanos;
    final String charts;

    private Setup(Options o, int clients, int duration, int warmup) {
      String names = o.get("limiter", "all");
      this.limiters = names.equals("all") ? Limiters.names() : Arrays.asList(names.split(","));
      for (String name : limiters) {
        Limiters.create(name); // fail before running anything
      }
      this.clients = o.getInt("clients", clients);
      this.duration = o.getInt("duration", duration);
      this.warmup = o.getInt("warmup", Math.min(warmup, this.duration / 3));
      this.workers = o.getInt("workers", 16);
      this.serviceTime = Duration.ofMillis(o.getInt("service-ms", 10));
      this.rejectPauseNanos = TimeUnit.MILLISECONDS.toNanos(o.getInt("reject-pause-ms", 1));
      this.charts = o.get("charts", "docs/images");
    }

    static Setup of(Options o, int clients, int duration, int warmup) {
      return new Setup(o, clients, duration, warmup);
    }

    void printHeader(String title, String scenario, Options o) {
      System.out.printf(Locale.ROOT, "### %s%n%n", title);
      System.out.printf(
          Locale.ROOT,
          "%d clients, server: %d workers x %d ms, FIFO queue; each limiter %d s on a fresh server,"
              + " the first %d s not counted; a rejected client pauses %d ms. JDK %s, %d cores.%n%n",
          clients,
          workers,
          serviceTime.toMillis(),
          duration,
          warmup,
          TimeUnit.NANOSECONDS.toMillis(rejectPauseNanos),
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          Locale.ROOT,
          "```text%njava -cp benchmarks/target/benchmarks.jar"
              + " dev.reliability.benchmarks.load.AdaptiveLimitLoad --scenario %s%s%n```%n%n",
          scenario,
          o.echo("scenario"));
    }

    void charts(List<LoadRun> runs, String name, String title, double eventAt) throws IOException {
      if (charts.equals("none")) {
        return;
      }
      Path p99 = Path.of(charts, "load-" + name + "-p99.png");
      Path limit = Path.of(charts, "load-" + name + "-limit.png");
      Charts.p99PerSecond(p99, title + ": p99 per second", runs, eventAt);
      Charts.limitOverTime(limit, title + ": limit", runs, eventAt);
      System.out.println("Charts: " + p99 + ", " + limit);
      System.out.println();
    }
  }

  /** {@code --name value} pairs. */
  static final class Options {
    private final Map<String, String> values;
    private final List<String> order;

    private Options(Map<String, String> values, List<String> order) {
      this.values = values;
      this.order = order;
    }

    static Options parse(String[] args) {
      Map<String, String> values = new HashMap<>();
      List<String> order = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException(
              "arguments must be --name value pairs, was " + String.join(" ", args));
        }
        String name = args[i].substring(2);
        values.put(name, args[++i]);
        order.add(name);
      }
      return new Options(values, order);
    }

    String get(String name, String otherwise) {
      return values.getOrDefault(name, otherwise);
    }

    int getInt(String name, int otherwise) {
      String value = values.get(name);
      if (value == null) {
        return otherwise;
      }
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer, was " + value, e);
      }
    }

    /** The options given, but {@code except}, as they would be typed again. */
    String echo(String except) {
      StringBuilder s = new StringBuilder();
      for (String name : order) {
        if (!name.equals(except)) {
          s.append(" --").append(name).append(' ').append(values.get(name));
        }
      }
      return s.toString();
    }
  }
}
