package dev.reliability.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4, client-side throttling: a {@link KneeServer} (16 workers, 10 ms) that answers a
 * fraction of calls (50%) with 503 at once from {@code --fail-at} to {@code --heal-at} seconds,
 * under a closed-loop load of 16 clients (at the knee, so the server itself does not queue). Each
 * variant of {@link Limiters#throttles()} runs on a fresh server: {@code none} sends every call;
 * this library's {@code AdaptiveThrottle} refuses locally with the SRE book's probability, with its
 * defaults ({@code ours-throttle}: k = 2, a 2-minute window) or throttling sooner and forgetting
 * faster ({@code ours-throttle-k1.5-10s}). With k = 2 a dependency that accepts half the calls sits
 * exactly at the formula's threshold (requests = 2 x accepts), so the defaults are expected to
 * refuse almost nothing there. A client rejected locally pauses 1 ms, as in every scenario.
 *
 * <p>Reports, per variant and phase (healthy, failing, healed): calls sent to the server per
 * second, successes per second, local refusals per second and the share of attempts sent; and the
 * recovery time: whole seconds from healing to the end of the first second from which, to the end
 * of the run, at most 1% of the attempts of every second are refused locally.
 *
 * <p>Run (after {@code mvn -B package -pl benchmarks -am -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar dev.reliability.benchmarks.load.ThrottleLoad}. Options: {@code
 * --limiter a,b} (every throttle variant), {@code --duration s} (40), {@code --fail-at s} (5),
 * {@code --heal-at s} (20), {@code --reject-percent n} (50), {@code --clients n} (16), {@code
 * --charts dir|none} (docs/images).
 */
public final class ThrottleLoad {

  private ThrottleLoad() {}

  /** The first second at or after {@code healAt} from which local refusals stay at most 1%. */
  static OptionalInt recoveredAt(LoadRun run, int healAt) {
    double[] refusedShare = new double[run.length()];
    for (int s = 0; s < refusedShare.length; s++) {
      long refused = run.rejectionsIn(s);
      long attempts = refused + run.sentIn(s);
      refusedShare[s] = attempts == 0 ? 0 : (double) refused / attempts;
    }
    return Convergence.staysAtMostFrom(refusedShare, healAt, 0.01);
  }

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
    int duration = o.getInt("duration", 40);
    int failAt = o.getInt("fail-at", Math.max(1, duration / 8));
    int healAt = o.getInt("heal-at", Math.max(failAt + 1, duration / 2));
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
            + " | failing: refused locally /s | failing: attempts sent | healed: sent /s | healed:"
            + " succeeded /s | recovery |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (LoadRun run : runs) {
      double sent = run.sentRate(failAt, healAt);
      double refused = run.rejectionRate(failAt, healAt);
      OptionalInt recovered = recoveredAt(run, healAt);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f%% | %.0f | %.0f | %s |%n",
          run.limiter(),
          run.sentRate(warm, failAt),
          sent,
          run.droppedRate(failAt, healAt),
          run.goodput(failAt, healAt),
          refused,
          100 * sent / (sent + refused),
          run.sentRate(healAt, run.length()),
          run.goodput(healAt, run.length()),
          refused == 0
              ? "n/a"
              : recovered.isPresent()
                  ? String.format(Locale.ROOT, "%d s", recovered.getAsInt() + 1 - healAt)
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
