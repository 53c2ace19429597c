package dev.reliability.cluster.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forks {@link FleetWorker}s with this JVM's class path, starts them on one wall-clock instant once
 * all are connected, and collects their result lines; every step is bounded by a hard time-out, and
 * on any failure (or {@link #close()}) the workers are killed.
 */
public final class ForkedFleet implements AutoCloseable {

  private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":(-?\\d+)");
  private static final Pattern PER_SECOND = Pattern.compile("\"perSecond\":\\[([\\d,]*)]");

  private final List<Process> workers = new ArrayList<>();
  private final List<BufferedReader> outputs = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  /** One worker's result line. */
  public record Result(
      long admitted,
      long refused,
      long admittedLocal,
      long fallbacks,
      long[] perSecond,
      long meanMicros,
      long maxMicros) {

    static Result parse(String json) {
      Matcher n = NUMBER.matcher(json);
      Map<String, Long> values = new HashMap<>();
      while (n.find()) {
        values.put(n.group(1), Long.parseLong(n.group(2)));
      }
      Matcher s = PER_SECOND.matcher(json);
      long[] seconds =
          s.find() && !s.group(1).isEmpty()
              ? Arrays.stream(s.group(1).split(",")).mapToLong(Long::parseLong).toArray()
              : new long[0];
      return new Result(
          values.get("admitted"),
          values.get("refused"),
          values.get("admittedLocal"),
          values.get("fallbacks"),
          seconds,
          values.get("meanMicros"),
          values.get("maxMicros"));
    }
  }

  /**
   * Forks {@code count} workers with the same arguments and waits until each printed {@code READY}.
   *
   * @param count how many workers
   * @param ready how long all may take to connect
   * @param args the workers' {@code key=value} arguments
   * @return the connected fleet
   * @throws IOException if a worker cannot be started or did not get ready in time
   */
  public static ForkedFleet start(int count, Duration ready, String... args) throws IOException {
    ForkedFleet fleet = new ForkedFleet();
    try {
      for (int i = 0; i < count; i++) {
        fleet.fork(args);
      }
      fleet.awaitLine("READY", ready);
      return fleet;
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  private void fork(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx192m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FleetWorker.class.getName());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("fleet-worker-", ".log");
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
    workers.add(process);
    logs.add(log);
    outputs.add(
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
  }

  /**
   * Runs one round on every worker: each gets {@code start=startMillis} (epoch milliseconds) and
   * {@code runArgs}, and its result line is awaited.
   *
   * @param startMillis the common start of the measured window
   * @param timeout the hard limit for all results
   * @param runArgs the round's {@code key=value} arguments
   * @return the results, in fork order
   * @throws IOException if a worker failed or was late (all are killed then)
   */
  public List<Result> run(long startMillis, Duration timeout, String... runArgs)
      throws IOException {
    String line = "start=" + startMillis + " " + String.join(" ", runArgs) + "\n";
    for (Process worker : workers) {
      Writer in = new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8);
      in.write(line);
      in.flush();
    }
    List<Result> results = new ArrayList<>();
    for (String json : awaitLine("{", timeout)) {
      results.add(Result.parse(json));
    }
    return results;
  }

  /** Reads, from every worker in parallel, the first line starting with {@code prefix}. */
  private List<String> awaitLine(String prefix, Duration timeout) throws IOException {
    List<CompletableFuture<String>> lines = new ArrayList<>();
    for (BufferedReader output : outputs) {
      lines.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  for (String line; (line = output.readLine()) != null; ) {
                    if (line.startsWith(prefix)) {
                      return line;
                    }
                  }
                  return null;
                } catch (IOException e) {
                  return null;
                }
              }));
    }
    List<String> found = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < lines.size(); i++) {
      String line;
      try {
        line = lines.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        line = null;
      }
      if (line == null) {
        String log = Files.readString(logs.get(i));
        close();
        throw new IOException(
            "worker "
                + i
                + " printed no line starting with "
                + prefix
                + " in "
                + timeout
                + ":\n"
                + log.substring(Math.max(0, log.length() - 4000)));
      }
      found.add(line);
    }
    return found;
  }

  /** Kills the workers still running and deletes their logs. */
  @Override
  public void close() {
    for (Process worker : workers) {
      worker.descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly();
    }
    for (Process worker : workers) {
      try {
        worker.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Path log : logs) {
      new File(log.toString()).delete();
    }
  }
}
