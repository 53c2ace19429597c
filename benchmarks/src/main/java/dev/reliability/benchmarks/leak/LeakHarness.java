package dev.reliability.benchmarks.leak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the leak workloads in forked JVMs with {@code -Xmx256m} and compares, on the same samples,
 * when the {@link dev.reliability.core.leak.LeakDetector} (default configuration) raised a
 * suspicion with what the naive rules would have done: seed 000's {@code MemoryMonitor} (RSS more
 * than 500 MB over the first reading), seed 003's {@code HEALTH_MEMORY_THRESHOLD_MB=500} (RSS over
 * 500 MB) and an 80%-of-heap threshold on post-GC old-generation usage, both as a check after every
 * collection and as the detector's own alarm, which the JVM raises through the pool's
 * collection-usage threshold (updated only by collections that collect the old generation).
 *
 * <p>Per workload it reports the detection latency from the leak's start and the number of false
 * alarms (suspicions of any gauge on a workload that does not leak, or before the leak starts), how
 * many of those were confirmed, and when exhaustion was first reported imminent. Not a JMH
 * benchmark and not a test: run it from the repository root after {@code mvn -B package -pl
 * benchmarks -am -DskipTests}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.reliability.benchmarks.leak.LeakHarness \
 *     --duration 600 --leak-start 150 --parallel 7 --raw /tmp/leak-raw
 * </pre>
 *
 * <p>Options: {@code --duration <s>} per non-leaking workload (default 600), {@code --leak-start
 * <s>} when the leak and the step begin (default 150), {@code --leak-rate <KB/s>} (default 1024),
 * {@code --leak-duration <s>} how long the leaking JVM may run (default leak start + 300; it
 * usually runs out of heap first), {@code --workloads a,b} (default all), {@code --gc <option>}
 * (such as {@code -XX:+UseParallelGC}), {@code --raw <dir>} to keep each JVM's output, {@code
 * --parallel <n>} how many workload JVMs run at once (default 1: one after the other; each paces
 * itself by the wall clock and uses well under a core), {@code --from <dir>} to tabulate the output
 * kept by an earlier {@code --raw <dir>} instead of running. Prints a Markdown table.
 */
public final class LeakHarness {

  private static final long MB = 1024L * 1024;

  private LeakHarness() {}

  /**
   * Runs the workloads.
   *
   * @param args the options above
   * @throws Exception if a JVM cannot be started
   */
  public static void main(String[] args) throws Exception {
    int duration = 600;
    int leakStart = 150;
    int leakRate = 1024;
    int leakDuration = -1;
    String gc = null;
    Path raw = null;
    int parallel = 1;
    Path from = null;
    List<String> workloads = new ArrayList<>();
    for (Workload.Kind k : Workload.Kind.values()) {
      workloads.add(k.id);
    }
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--duration" -> duration = Integer.parseInt(v);
        case "--leak-start" -> leakStart = Integer.parseInt(v);
        case "--leak-rate" -> leakRate = Integer.parseInt(v);
        case "--leak-duration" -> leakDuration = Integer.parseInt(v);
        case "--gc" -> gc = v;
        case "--raw" -> raw = Path.of(v);
        case "--parallel" -> parallel = Integer.parseInt(v);
        case "--from" -> from = Path.of(v);
        case "--workloads" -> workloads = List.of(v.split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (leakDuration < 0) {
      leakDuration = leakStart + 300;
    }
    PrintStream out = System.out;
    List<Future<Result>> running = new ArrayList<>();
    ExecutorService forks = Executors.newFixedThreadPool(Math.max(1, parallel));
    try {
      for (String w : workloads) {
        Workload.Kind kind = Workload.Kind.of(w);
        int seconds =
            kind == Workload.Kind.LEAK_ON_SUSPICION
                ? leakDuration + 90
                : kind.leaks ? leakDuration : duration;
        int start = leakStart;
        int rate = leakRate;
        String collector = gc;
        Path rawDir = raw;
        Path fromDir = from;
        running.add(
            forks.submit(
                () -> {
                  synchronized (out) {
                    out.printf(
                        Locale.ROOT,
                        fromDir == null ? "running %s for up to %ds...%n" : "reading %s...%n",
                        w,
                        seconds);
                  }
                  List<String> lines =
                      fromDir == null
                          ? fork(kind, seconds, start, rate, collector)
                          : Files.readAllLines(fromDir.resolve(w + ".txt"));
                  if (rawDir != null) {
                    Files.createDirectories(rawDir);
                    Files.write(rawDir.resolve(w + ".txt"), lines);
                  }
                  Result r = Result.of(kind, lines, rate);
                  synchronized (out) {
                    out.println("  " + r.summary());
                  }
                  return r;
                }));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : running) {
        results.add(f.get());
      }
      printTable(out, results, gc, leakRate, leakStart, duration, parallel);
    } finally {
      forks.shutdownNow();
    }
  }

  private static void printTable(
      PrintStream out,
      List<Result> results,
      String gc,
      int leakRate,
      int leakStart,
      int duration,
      int parallel) {
    out.println();
    out.printf(
        Locale.ROOT,
        "-Xmx256m%s, leak %d KB/s from %ds, non-leaking workloads %ds, %d JVM%s at a time%n%n",
        gc == null ? "" : " " + gc,
        leakRate,
        leakStart,
        duration,
        parallel,
        parallel == 1 ? "" : "s");
    out.println(
        "| workload | ran | LeakDetector: first suspicion | false alarms | false confirmations"
            + " | exhaustion imminent | 80% of heap after any GC"
            + " | 80% threshold (JVM collection usage) | seed 000: RSS > first + 500 MB"
            + " | seed 003: RSS > 500 MB | heap exhausted |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (Result r : results) {
      out.println(r.row());
    }
  }

  private static List<String> fork(
      Workload.Kind kind, int seconds, int leakStart, int leakRate, String gc)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    if (gc != null) {
      command.add(gc);
    }
    for (String p : System.getProperties().stringPropertyNames()) {
      if (p.startsWith("reliability.")) {
        command.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WorkloadMain.class.getName());
    command.add(kind.id);
    command.add(Integer.toString(seconds));
    command.add(Integer.toString(leakStart));
    command.add(Integer.toString(leakRate));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    lines.add("exit " + p.waitFor());
    return lines;
  }

  /** What one workload's run showed. */
  static final class Result {
    String workload;
    boolean leaks;
    long ranMillis;
    long markMillis = -1;
    long maxHeap;
    long detectorFirst = -1;
    String detectorFirstText = "";
    int detectorFalse;
    List<String> falseGauges = new ArrayList<>();
    int confirmedFalse;
    long imminentFirst = -1;
    int imminentFalse;
    long thresholdFirst = -1;
    int thresholdFalse;
    long alarmFirst = -1;
    int alarmFalse;
    long seed000First = -1;
    int seed000False;
    long seed003First = -1;
    int seed003False;
    long exhaustedMillis = -1;
    long peakOld;
    long peakRss;

    static Result of(Workload.Kind kind, List<String> lines, int leakRate) {
      Result r = new Result();
      r.workload = kind.id + (kind.leaks ? " " + leakRate + " KB/s" : "");
      r.leaks = kind.leaks;
      long rssBaseline = -1;
      boolean seed000On = false;
      boolean seed003On = false;
      boolean thresholdOn = false;
      boolean exited = false;
      for (String line : lines) {
        String[] p = line.split(" ", 7);
        switch (p[0]) {
          case "start" -> r.maxHeap = Long.parseLong(p[3]);
          case "mark" -> r.markMillis = Long.parseLong(p[1]);
          case "end" -> r.ranMillis = Long.parseLong(p[1]);
          case "exit" -> exited = !p[1].equals("0");
          case "gc" -> {
            long t = Long.parseLong(p[1]);
            long after = Long.parseLong(p[5]);
            r.ranMillis = Math.max(r.ranMillis, t);
            r.peakOld = Math.max(r.peakOld, after);
            boolean over = after >= 0.8 * r.maxHeap;
            if (over && !thresholdOn) {
              if (r.isFalse(t)) {
                r.thresholdFalse++;
              } else if (r.thresholdFirst < 0) {
                r.thresholdFirst = t;
              }
            }
            thresholdOn = over;
          }
          case "rss" -> {
            long t = Long.parseLong(p[1]);
            long rss = Long.parseLong(p[2]);
            r.ranMillis = Math.max(r.ranMillis, t);
            if (rss <= 0) {
              break;
            }
            r.peakRss = Math.max(r.peakRss, rss);
            if (rssBaseline < 0) {
              rssBaseline = rss;
            }
            boolean over000 = rss > rssBaseline + 500 * MB;
            if (over000 && !seed000On) {
              if (r.isFalse(t)) {
                r.seed000False++;
              } else if (r.seed000First < 0) {
                r.seed000First = t;
              }
            }
            seed000On = over000;
            boolean over003 = rss > 500 * MB;
            if (over003 && !seed003On) {
              if (r.isFalse(t)) {
                r.seed003False++;
              } else if (r.seed003First < 0) {
                r.seed003First = t;
              }
            }
            seed003On = over003;
          }
          case "event" -> {
            long t = Long.parseLong(p[1]);
            String type = p[2];
            String gauge = p[3];
            String state = p[4];
            if (type.equals("threshold_exceeded")) {
              if (r.isFalse(t)) {
                r.alarmFalse++;
              } else if (r.alarmFirst < 0) {
                r.alarmFirst = t;
              }
            }
            if (type.equals("state_changed") && state.equals("confirmed") && r.isFalse(t)) {
              r.confirmedFalse++;
            }
            if (type.equals("exhaustion_imminent")) {
              if (r.isFalse(t)) {
                r.imminentFalse++;
              } else if (r.imminentFirst < 0) {
                r.imminentFirst = t;
              }
            }
            if (type.equals("state_changed") && state.equals("suspected")) {
              if (r.isFalse(t) || !gauge.equals("heap")) {
                r.detectorFalse++;
                r.falseGauges.add(gauge + "@" + t / 1000 + "s");
              } else if (r.detectorFirst < 0) {
                r.detectorFirst = t;
                r.detectorFirstText = p.length > 6 ? p[6] : "";
              }
            }
          }
          default -> {
            // other lines: SLF4J notices, the report
          }
        }
      }
      if (exited && r.leaks) {
        r.exhaustedMillis = r.ranMillis;
      }
      return r;
    }

    /** A signal is false on a workload that does not leak, or before the leak starts. */
    boolean isFalse(long t) {
      return !leaks || markMillis < 0 || t < markMillis;
    }

    String latency(long first) {
      if (!leaks) {
        return "n/a";
      }
      if (first < 0) {
        return exhaustedMillis >= 0 ? "never (heap exhausted first)" : "never";
      }
      return String.format(Locale.ROOT, "%.0f s after leak start", (first - markMillis) / 1000.0);
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "%s: ran %.0fs, detector %s, false alarms %d %s, false confirmations %d, exhaustion"
              + " imminent %s, peak old gen %s, peak RSS %s",
          workload,
          ranMillis / 1000.0,
          latency(detectorFirst),
          detectorFalse,
          falseGauges,
          confirmedFalse,
          cell(imminentFirst, imminentFalse),
          mb(peakOld),
          mb(peakRss));
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "| %s | %.0f s | %s | %d%s | %d | %s | %s | %s | %s | %s | %s |",
          workload,
          ranMillis / 1000.0,
          leaks ? latency(detectorFirst) : "none",
          detectorFalse,
          falseGauges.isEmpty() ? "" : " (" + String.join(", ", falseGauges) + ")",
          confirmedFalse,
          cell(imminentFirst, imminentFalse),
          cell(thresholdFirst, thresholdFalse),
          cell(alarmFirst, alarmFalse),
          cell(seed000First, seed000False),
          cell(seed003First, seed003False),
          exhaustedMillis < 0
              ? "no"
              : String.format(
                  Locale.ROOT, "%.0f s after leak start", (exhaustedMillis - markMillis) / 1000.0));
    }

    private String cell(long first, int falseAlarms) {
      String detection = leaks ? latency(first) : "none";
      return falseAlarms == 0
          ? detection
          : detection + ", " + falseAlarms + " false alarm" + (falseAlarms == 1 ? "" : "s");
    }

    private static String mb(long bytes) {
      return String.format(Locale.ROOT, "%.0f MB", bytes / (double) MB);
    }
  }
}
