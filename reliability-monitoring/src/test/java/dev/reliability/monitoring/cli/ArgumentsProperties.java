package dev.reliability.monitoring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.monitoring.MonitoringFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/** The command line never throws on any arguments: it writes the files or exits 2, writing none. */
class ArgumentsProperties {

  private static final List<String> OPTIONS =
      List.of(
          "--service",
          "--out",
          "--group-by",
          "--availability",
          "--latency",
          "--slo-window",
          "--error-rate",
          "--latency-p99",
          "--minimum-requests",
          "--health-for",
          "--heap-pressure",
          "--connections-near-capacity",
          "--no-traffic-for",
          "--runbook-base",
          "--help",
          "-h",
          "--",
          "-",
          "--out=x");

  private static final List<String> VALUES =
      List.of(
          "checkout",
          "0.5",
          "99.9%",
          "1",
          "0",
          "-1",
          "NaN",
          "1e309",
          "5m",
          "30d",
          "0s",
          "P1D",
          "9999999999999d",
          "0.05,0.1",
          "5s,10s",
          "0.2,0.1",
          ",",
          "service,environment",
          "environment",
          "https://example.com/r",
          "",
          " ",
          "a\"b");

  private static Path base;
  private static final AtomicInteger TRIES = new AtomicInteger();

  @BeforeContainer
  static void createBase() throws IOException {
    base = Files.createTempDirectory("monitoring-cli");
  }

  @AfterContainer
  static void deleteBase() throws IOException {
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Provide
  Arbitrary<List<String>> commandLines() {
    Arbitrary<String> token =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.of(OPTIONS)),
            Tuple.of(4, Arbitraries.of(VALUES)),
            Tuple.of(2, Arbitraries.strings().ofMaxLength(12)));
    Arbitrary<List<String>> garbage = token.list().ofMaxSize(12);
    Arbitrary<List<String>> pairs =
        Combinators.combine(Arbitraries.of(OPTIONS), Arbitraries.of(VALUES))
            .as(List::of)
            .list()
            .ofMaxSize(4)
            .map(
                p -> {
                  List<String> line = new ArrayList<>(List.of("--out", "dir"));
                  p.forEach(line::addAll);
                  return line;
                });
    return Arbitraries.oneOf(garbage, pairs);
  }

  @Property(tries = 300)
  void garbageArgumentsNeverThrowAndExitZeroOrTwo(@ForAll("commandLines") List<String> tokens)
      throws IOException {
    Path dir = base.resolve("try-" + TRIES.incrementAndGet());
    String[] args = tokens.toArray(new String[0]);
    for (int i = 0; i + 1 < args.length; i++) {
      if ("--out".equals(args[i])) {
        args[i + 1] = dir.toString();
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    Statistics.label("exit status").collect(status);
    Statistics.label("exit status").coverage(c -> c.check(Main.OK).percentage(p -> p > 5.0));
    assertThat(status).isIn(Main.OK, Main.USAGE);
    if (status == Main.USAGE) {
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").hasSizeLessThan(2000);
      assertThat(dir).doesNotExist();
    } else if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ");
      assertThat(dir).doesNotExist();
    } else {
      assertThat(dir.resolve(MonitoringFiles.RULES)).isRegularFile();
      assertThat(dir.resolve(MonitoringFiles.RULE_TESTS)).isRegularFile();
      assertThat(dir.resolve(MonitoringFiles.ALERTMANAGER)).isRegularFile();
      assertThat(dir.resolve(MonitoringFiles.DASHBOARD)).isRegularFile();
    }
  }
}
