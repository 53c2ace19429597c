package dev.reliability.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4, client-side throttling: a {@link KneeServer} (16 workers, 10 ms) that answers a
 * fraction of calls (50%) with 503 at once from {@code --fail-at} to {@code --heal-at} seconds,
 * under a closed-loop load of 16 clients (at the knee, so the server itself does not queue). Each
 * variant of {@link Limiters#throttles()} runs on a fresh server: {@code none} sends every call;
 * the throttles reject locally with the SRE book's probability. A client rejected locally pauses 1
 * ms, as in every scenario.
 *
 * <p>Reports, per variant and phase (healthy, failing, healed): calls sent to the server per
 * second, successes per second, local rejections per second; and the recovery time: seconds from
 * healing until the successes per second are within 10% of the healthy phase's for good.
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.ThrottleLoad}. Options: {@code
 * --limiter a,b} (every throttle variant), {@code --duration s} (30), {@code --fail-at s} (5),
 * {@code --heal-at s} (20), {@code --reject-percent n} (50), {@code --clients n} (16), {@code
 * --charts dir|none} (docs/images).
 */
public final class ThrottleLoad {

  private ThrottleLoad() {}

  /**
   * Runs the scenario.
   *
   * @param args options, see the class comment
   * @throws Exception if the server cannot start or a chart cannot be written
   */
  public static void main(String[] args) throws Exception {
    AdaptiveLimitLoad.quietLimiterLogs();
    AdaptiveLimitLoad.Options o = AdaptiveLimitLoad.Options.parse(args);
    String names = o.get("limiter", "all");
    List<String> variants =
        names.equals("all") ? Limiters.throttles() : Arrays.asList(names.split(","));
    for (String name : variants) {
      Limiters.create(name);
    }
    int duration = o.getInt("duration", 30);
    int failAt = o.getInt("fail-at", Math.max(1, duration / 6));
    int healAt = o.getInt("heal-at", Math.max(failAt + 1, duration * 2 / 3));
    double reject = o.getInt("reject-percent", 50) / 100.0;
    int clients = o.getInt("clients", 16);
    int workers = o.getInt("workers", 16);
    Duration service = Duration.ofMillis(o.getInt("service-ms", 10));
    long pause = TimeUnit.MILLISECONDS.toNanos(o.getInt("reject-pause-ms", 1));
    String charts = o.get("charts", "docs/images");

    System.out.printf(
        Locale.ROOT,
        "### Scenario 4: client-side throttling against a server rejecting %.0f%%%n%n"
            + "%d clients, server: %d workers x %d ms; 503 for %.0f%% of calls from %d s to %d s;"
            + " %d s per variant, each on a fresh server; a client rejected locally pauses %d ms."
            + " JDK %s, %d cores.%n%n```text%njava -cp benchmarks/target/benchmarks.jar"
            + " dev.reliability.benchmarks.load.ThrottleLoad%s%n```%n%n",
        100 * reject,
        clients,
        workers,
        service.toMillis(),
        100 * reject,
        failAt,
        healAt,
        duration,
        TimeUnit.NANOSECONDS.toMillis(pause),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        o.echo(""));

    List<LoadRun> runs = new ArrayList<>();
    for (String name : variants) {
      try (KneeServer server = KneeServer.start(workers, service)) {
        System.err.printf(Locale.ROOT, "running %s for %d s%n", name, duration);
        runs.add(
            ClosedLoopLoad.run(
                Limiters.create(name),
                server.port(),
                "/work",
                clients,
                duration,
                pause,
                List.of(
                    new ClosedLoopLoad.Event(failAt, () -> server.setRejectFraction(reject)),
                    new ClosedLoopLoad.Event(healAt, () -> server.setRejectFraction(0)))));
      }
    }

    int warm = Math.min(1, failAt - 1);
    System.out.println(
        "| variant | healthy: sent /s | failing: sent /s | failing: 503 /s | failing: succeeded /s"
            + " | failing: rejected locally /s | healed: sent /s | healed: succeeded /s | recovery |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (LoadRun run : runs) {
      double healthy = run.goodput(warm, failAt);
      int[] perSecond = new int[run.length()];
      for (int s = 0; s < perSecond.length; s++) {
        perSecond[s] = (int) run.successesIn(s);
      }
      OptionalDouble recovered = Convergence.settledAt(perSecond, 1, healAt + 1, healthy, 0.10);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %s |%n",
          run.limiter(),
          run.sentRate(warm, failAt),
          run.sentRate(failAt, healAt),
          run.droppedRate(failAt, healAt),
          run.goodput(failAt, healAt),
          run.rejectionRate(failAt, healAt),
          run.sentRate(healAt, run.length()),
          run.goodput(healAt, run.length()),
          recovered.isPresent()
              ? String.format(Locale.ROOT, "%.0f s", recovered.getAsDouble() - healAt)
              : "not within the run");
    }
    System.out.println();
    if (!charts.equals("none")) {
      Path file = Path.of(charts, "load-throttle.png");
      Charts.sentAndGoodput(
          file,
          "server rejects 50% from " + failAt + " s to " + healAt + " s",
          runs,
          failAt,
          healAt);
      System.out.println("Chart: " + file);
    }
    System.exit(0);
  }
}
