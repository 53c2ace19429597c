package dev.reliability.monitoring.cli;

import dev.reliability.core.config.ValueParsers;
import dev.reliability.core.internal.Checks;
import dev.reliability.monitoring.MonitoringDeclaration;
import dev.reliability.monitoring.Slo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's options and their parser. Every option maps onto one setting of {@link
 * MonitoringDeclaration.Builder} or of the two default SLOs; the builder's own checks decide what
 * is valid, and a rejected value is reported under the option's name with the values it allows.
 */
final class Arguments {

  /** The longest argument echoed back in a message; longer ones are cut. */
  private static final int ECHO_LIMIT = 80;

  /** How one option's value changes the settings; throws IllegalArgumentException if invalid. */
  private interface Setter {
    void apply(Settings settings, String value);
  }

  /** One option: its name, the name of its value, the values it allows and what it sets. */
  private record Option(String name, String value, String rule, String help, Setter setter) {}

  /** What the options set, before the declaration is built. */
  private static final class Settings {
    private final MonitoringDeclaration.Builder builder = MonitoringDeclaration.builder();
    private Path out;
    private double availability = MonitoringDeclaration.httpAvailability().objective();
    private double latency = MonitoringDeclaration.httpLatency().objective();
    private Duration window = MonitoringDeclaration.httpAvailability().window();
  }

  private static final List<Option> OPTIONS =
      List.of(
          new Option(
              "--service",
              "NAME",
              "1 to 28 letters, digits, '.', '_' or '-', starting with a letter or digit",
              "the service the files are for; every selector then matches service=\"NAME\""
                  + " (default: the files cover every service)",
              (s, v) -> s.builder.service(v)),
          new Option(
              "--out",
              "DIR",
              "a directory path (created if missing; files in it are replaced)",
              "where to write the four files (required)",
              (s, v) -> s.out = Path.of(Checks.notBlank("out", v))),
          new Option(
              "--group-by",
              "LABELS",
              "comma-separated label names such as service,environment",
              "the labels every rule aggregates by (default: service,environment)",
              (s, v) -> s.builder.groupBy(v.split(",", -1))),
          new Option(
              "--availability",
              "OBJECTIVE",
              "an objective between 0.5 and 0.99999 such as 0.999 or 99.9%",
              "the objective of the http-availability SLO (default: 0.999)",
              (s, v) -> s.availability = objective(v)),
          new Option(
              "--latency",
              "OBJECTIVE",
              "an objective between 0.5 and 0.99999 such as 0.99 or 99%",
              "the objective of the http-latency SLO, requests within 1s (default: 0.99)",
              (s, v) -> s.latency = objective(v)),
          new Option(
              "--slo-window",
              "DURATION",
              "a duration between 1d and 90d such as 30d",
              "the compliance window of both SLOs (default: 30d)",
              (s, v) -> s.window = ValueParsers.parseDuration(v, ChronoUnit.DAYS)),
          new Option(
              "--error-rate",
              "TICKET,PAGE",
              "two fractions between 0 and 1, page at least ticket, such as 0.05,0.1 or 5%,10%",
              "the 5xx ratios that raise a ticket and a page (default: 0.05,0.1)",
              (s, v) -> {
                String[] p = pair(v);
                s.builder.errorRate(
                    ValueParsers.parsePercentage(p[0]), ValueParsers.parsePercentage(p[1]));
              }),
          new Option(
              "--latency-p99",
              "TICKET,PAGE",
              "two positive durations, page at least ticket, such as 5s,10s",
              "the p99 latencies that raise a ticket and a page (default: 5s,10s)",
              (s, v) -> {
                String[] p = pair(v);
                s.builder.latencyP99(duration(p[0]), duration(p[1]));
              }),
          new Option(
              "--minimum-requests",
              "N",
              "a whole number of at least 1",
              "the fewest requests in 5m for the error-rate and latency alerts (default: 20)",
              (s, v) -> s.builder.minimumRequests(ValueParsers.parseLong(v))),
          new Option(
              "--health-for",
              "DURATION",
              "a positive duration such as 5m",
              "how long a check or probe must fail before it alerts (default: 5m)",
              (s, v) -> s.builder.healthFor(duration(v))),
          new Option(
              "--heap-pressure",
              "FRACTION",
              "a fraction between 0 and 1 such as 0.8 or 80%",
              "the heap-after-GC share that raises a ticket (default: 0.8)",
              (s, v) -> s.builder.heapPressure(ValueParsers.parsePercentage(v))),
          new Option(
              "--connections-near-capacity",
              "FRACTION",
              "a fraction between 0 and 1 such as 0.9 or 90%",
              "the connection registry fill level that raises a ticket (default: 0.9)",
              (s, v) -> s.builder.connectionsNearCapacity(ValueParsers.parsePercentage(v))),
          new Option(
              "--no-traffic-for",
              "DURATION",
              "a positive duration such as 5m",
              "how long a service may receive no requests (default: 5m)",
              (s, v) -> s.builder.noTrafficFor(duration(v))),
          new Option(
              "--runbook-base",
              "URL",
              "an http or https URL",
              "the page every alert's runbook_url points into (default: the library's docs)",
              (s, v) -> s.builder.runbookBase(v)));

  private final boolean help;
  private final Path out;
  private final MonitoringDeclaration declaration;

  private Arguments(boolean help, Path out, MonitoringDeclaration declaration) {
    this.help = help;
    this.out = out;
    this.declaration = declaration;
  }

  /** Whether usage was asked for; then nothing else was read. */
  boolean help() {
    return help;
  }

  /** The directory to write into; null when {@link #help()}. */
  Path out() {
    return out;
  }

  /** The declaration the options describe; null when {@link #help()}. */
  MonitoringDeclaration declaration() {
    return declaration;
  }

  /**
   * Reads the arguments. {@code --help} or {@code -h} anywhere asks for usage and wins over
   * everything else.
   *
   * @param args the command line
   * @return the parsed arguments
   * @throws UsageException naming the option and the values it allows, for anything invalid
   */
  static Arguments parse(String[] args) throws UsageException {
    for (String a : args) {
      if ("--help".equals(a) || "-h".equals(a)) {
        return new Arguments(true, null, null);
      }
    }
    Map<Option, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      Option option = find(a);
      if (option == null) {
        throw new UsageException(
            (a != null && a.startsWith("-")
                    ? echo(a) + " is not an option"
                    : "unexpected argument " + echo(a))
                + "; options are "
                + names()
                + " (see --help)");
      }
      if (i + 1 >= args.length || args[i + 1] == null) {
        throw new UsageException(option.name + " needs a value: " + option.rule);
      }
      if (given.containsKey(option)) {
        throw new UsageException(option.name + " is given twice; give it once");
      }
      given.put(option, args[++i]);
    }
    Settings settings = new Settings();
    for (Map.Entry<Option, String> e : given.entrySet()) {
      Option option = e.getKey();
      try {
        option.setter.apply(settings, e.getValue());
      } catch (IllegalArgumentException | ArithmeticException ex) {
        throw rejected(option, e.getValue());
      }
    }
    if (settings.out == null) {
      throw new UsageException("--out is required: " + find("--out").rule);
    }
    Slo availability = MonitoringDeclaration.httpAvailability();
    Slo latency = MonitoringDeclaration.httpLatency();
    try {
      settings.builder.slo(like(availability, settings.availability, settings.window));
    } catch (IllegalArgumentException ex) {
      throw rejected(find("--slo-window"), given.get(find("--slo-window")));
    }
    settings.builder.slo(like(latency, settings.latency, settings.window));
    try {
      return new Arguments(false, settings.out, settings.builder.build());
    } catch (IllegalArgumentException ex) {
      throw new UsageException(
          "--group-by must include service when --service is given, was "
              + echo(given.getOrDefault(find("--group-by"), "")));
    }
  }

  /** The usage text. */
  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar reliability-monitoring-cli.jar --out DIR [--service NAME] [...]\n")
        .append("\n")
        .append(
            "Writes the Prometheus rules, their promtool tests, an Alertmanager example and a\n")
        .append("Grafana dashboard generated from one monitoring declaration.\n")
        .append("\n")
        .append("Options:\n");
    for (Option o : OPTIONS) {
      sb.append("  ").append(o.name).append(' ').append(o.value).append('\n');
      sb.append("      ").append(o.help).append('\n');
      sb.append("      allowed: ").append(o.rule).append('\n');
    }
    sb.append("  --help, -h\n      prints this text\n")
        .append("\n")
        .append("Exit status: 0 written (or help), 1 the files could not be written,")
        .append(" 2 a bad option or value (nothing is written).\n");
    return sb.toString();
  }

  private static Slo like(Slo slo, double objective, Duration window) {
    return Slo.builder(slo.name())
        .description(slo.description())
        .objective(objective)
        .window(window)
        .good(slo.good())
        .total(slo.total())
        .build();
  }

  private static double objective(String value) {
    double objective = ValueParsers.parsePercentage(value);
    Slo.builder("check").objective(objective);
    return objective;
  }

  private static Duration duration(String value) {
    return ValueParsers.parseDuration(value, ChronoUnit.SECONDS);
  }

  private static String[] pair(String value) {
    String[] p = value.split(",", -1);
    if (p.length != 2) {
      throw new IllegalArgumentException("two values");
    }
    return p;
  }

  private static UsageException rejected(Option option, String value) {
    return new UsageException(
        option.name + " must be " + option.rule + ", was " + echo(value == null ? "" : value));
  }

  private static Option find(String name) {
    for (Option o : OPTIONS) {
      if (o.name.equals(name)) {
        return o;
      }
    }
    return null;
  }

  private static String names() {
    List<String> names = new ArrayList<>();
    OPTIONS.forEach(o -> names.add(o.name));
    names.add("--help");
    return String.join(", ", names);
  }

  /**
   * Quotes an argument for a message, cut to a bounded length and with control characters shown.
   */
  static String echo(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(value.length(), ECHO_LIMIT);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > ECHO_LIMIT) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }

  /** A bad command line: the message names the option and the values it allows. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
