package dev.reliability.monitoring;

import dev.reliability.core.internal.Checks;
import dev.reliability.monitoring.internal.ExpositionParser;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A self-lint for tests: scrapes a Prometheus registry, checks names, units and labels the way
 * {@code promtool check metrics} does, and checks a cardinality budget.
 *
 * <p>Checks, per family: help text present; counters end in {@code _total} and nothing else does;
 * {@code _count}, {@code _sum}, {@code _bucket} and the labels {@code le} and {@code quantile} only
 * on histograms and summaries; no type name ({@code counter}, {@code gauge}, ...) in the name; no
 * {@code :} (reserved for recording rules); snake_case metric and label names; no abbreviated units
 * ({@code _ms}, {@code _sec}, {@code _kb}, ...); base units only ({@code seconds}, {@code bytes},
 * {@code ratio} instead of {@code milliseconds}, {@code megabytes}, {@code percent}, ...). Budget:
 * at most {@link Builder#maxSeries(int)} series in all and {@link Builder#maxSeriesPerMetric(int)}
 * per family.
 *
 * <pre>{@code
 * LintReport report =
 *     MetricsLint.builder()
 *         .maxSeries(5_000)
 *         .ignore(MetricsLint.MICROMETER_EXCEPTIONS)
 *         .build()
 *         .check(prometheusRegistry);
 * assertThat(report.problems()).isEmpty();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class MetricsLint {

  private static final Pattern CAMEL = Pattern.compile("[a-z][A-Z]");
  private static final List<String> ABBREVIATIONS =
      List.of(
          "s", "ms", "us", "ns", "sec", "secs", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d");
  private static final Map<String, String> NON_BASE_UNITS = nonBaseUnits();
  private static final List<String> TYPES =
      List.of("counter", "gauge", "histogram", "summary", "untyped");

  /**
   * Families of Micrometer's own JVM and system binders that {@code promtool check metrics} flags
   * (abbreviated units, a gauge ending in {@code _count}). They are kept under Micrometer's names
   * so that standard JVM dashboards work; pass this set to {@link Builder#ignore} to accept them.
   */
  public static final Set<String> MICROMETER_EXCEPTIONS =
      Set.of("jvm_compilation_time_ms_total", "process_cpu_time_ns_total", "system_cpu_count");

  private final int maxSeries;
  private final int maxSeriesPerMetric;
  private final Set<String> ignored;

  private MetricsLint(Builder b) {
    this.maxSeries = b.maxSeries;
    this.maxSeriesPerMetric = b.maxSeriesPerMetric;
    this.ignored = Set.copyOf(b.ignored);
  }

  private static Map<String, String> nonBaseUnits() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String u :
        List.of(
            "nanoseconds", "microseconds", "milliseconds", "minutes", "hours", "days", "weeks")) {
      m.put(u, "seconds");
    }
    for (String u :
        List.of(
            "bits",
            "kilobytes",
            "megabytes",
            "gigabytes",
            "terabytes",
            "kibibytes",
            "mebibytes",
            "gibibytes")) {
      m.put(u, "bytes");
    }
    m.put("percent", "ratio");
    m.put("percentage", "ratio");
    m.put("fahrenheit", "celsius");
    m.put("kilometers", "meters");
    m.put("millimeters", "meters");
    return m;
  }

  /**
   * Starts a builder with the default budget (10,000 series, 1,000 per family).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a lint with the default budget.
   *
   * @return the lint
   */
  public static MetricsLint ofDefaults() {
    return builder().build();
  }

  /**
   * Scrapes the registry in the Prometheus text format and lints it.
   *
   * @param registry the registry
   * @return the report
   */
  public LintReport check(PrometheusMeterRegistry registry) {
    Checks.notNull("registry", registry);
    return check(registry.scrape());
  }

  /**
   * Lints exposition text (Prometheus text format 0.0.4 or OpenMetrics).
   *
   * @param exposition the text
   * @return the report
   */
  public LintReport check(String exposition) {
    Checks.notNull("exposition", exposition);
    ExpositionParser.Result parsed = ExpositionParser.parse(exposition);
    List<LintProblem> problems = new ArrayList<>();
    for (String error : parsed.errors()) {
      problems.add(new LintProblem("*", "unreadable exposition: " + error));
    }
    Map<String, Integer> perFamily = new LinkedHashMap<>();
    int total = 0;
    for (ExpositionParser.Family f : parsed.families()) {
      if (!ignored.contains(f.name())) {
        lintFamily(f, problems);
      }
      int series = f.samples().size();
      perFamily.put(f.name(), series);
      total += series;
      if (series > maxSeriesPerMetric) {
        problems.add(
            new LintProblem(
                f.name(),
                "has "
                    + series
                    + " series, over the budget of "
                    + maxSeriesPerMetric
                    + " per metric"));
      }
    }
    if (total > maxSeries) {
      problems.add(
          new LintProblem("*", "has " + total + " series, over the budget of " + maxSeries));
    }
    return new LintReport(problems, total, perFamily);
  }

  private static void lintFamily(ExpositionParser.Family f, List<LintProblem> problems) {
    String name = f.name();
    String type = f.type();
    if (f.help() == null || f.help().isBlank()) {
      problems.add(new LintProblem(name, "no help text"));
    }
    boolean counter = type.equals("counter");
    boolean histogram = type.equals("histogram") || type.equals("gaugehistogram");
    boolean summary = type.equals("summary");
    // OpenMetrics names a counter family without _total and its samples with it.
    boolean samplesEndInTotal = f.samples().stream().anyMatch(s -> s.name().endsWith("_total"));
    if (counter && !name.endsWith("_total") && !samplesEndInTotal) {
      problems.add(new LintProblem(name, "counter metrics should have \"_total\" suffix"));
    }
    if (!counter && name.endsWith("_total")) {
      problems.add(new LintProblem(name, "non-counter metrics should not have \"_total\" suffix"));
    }
    if (!histogram && !summary) {
      for (String suffix : List.of("_count", "_sum")) {
        if (name.endsWith(suffix)) {
          problems.add(
              new LintProblem(
                  name,
                  "non-histogram and non-summary metrics should not have \""
                      + suffix
                      + "\" suffix"));
        }
      }
    }
    if (!histogram) {
      if (name.endsWith("_bucket")) {
        problems.add(
            new LintProblem(name, "non-histogram metrics should not have \"_bucket\" suffix"));
      }
      if (f.samples().stream().anyMatch(s -> s.labels().containsKey("le"))) {
        problems.add(new LintProblem(name, "non-histogram metrics should not have \"le\" label"));
      }
    }
    if (!summary && f.samples().stream().anyMatch(s -> s.labels().containsKey("quantile"))) {
      problems.add(new LintProblem(name, "non-summary metrics should not have \"quantile\" label"));
    }
    String[] words = name.toLowerCase(Locale.ROOT).split("_");
    for (String t : TYPES) {
      for (String w : words) {
        if (w.equals(t)) {
          problems.add(new LintProblem(name, "metric name should not include type '" + t + "'"));
        }
      }
    }
    if (name.contains(":")) {
      problems.add(new LintProblem(name, "metric names should not contain ':'"));
    }
    if (CAMEL.matcher(name).find()) {
      problems.add(
          new LintProblem(name, "metric names should be written in 'snake_case' not 'camelCase'"));
    }
    f.samples().stream()
        .flatMap(s -> s.labels().keySet().stream())
        .distinct()
        .filter(l -> CAMEL.matcher(l).find())
        .forEach(
            l ->
                problems.add(
                    new LintProblem(
                        name,
                        "label names should be written in 'snake_case' not 'camelCase', was "
                            + l)));
    for (int i = 1; i < words.length; i++) {
      if (ABBREVIATIONS.contains(words[i])) {
        problems.add(new LintProblem(name, "metric names should not contain abbreviated units"));
        break;
      }
    }
    for (String w : words) {
      String base = NON_BASE_UNITS.get(w);
      if (base != null) {
        problems.add(
            new LintProblem(name, "use base unit \"" + base + "\" instead of \"" + w + "\""));
      }
    }
  }

  /** Builds a {@link MetricsLint}. Not thread-safe. */
  public static final class Builder {
    private int maxSeries = 10_000;
    private int maxSeriesPerMetric = 1_000;
    private final Set<String> ignored = new HashSet<>();

    private Builder() {}

    /**
     * Skips the naming checks of some families (their series still count against the budget).
     *
     * @param families family names as scraped, such as {@link #MICROMETER_EXCEPTIONS}
     * @return this builder
     */
    public Builder ignore(Collection<String> families) {
      Checks.notNull("families", families);
      families.forEach(f -> ignored.add(Checks.notNull("family", f)));
      return this;
    }

    /**
     * Sets the budget of series in the whole scrape. Default 10,000.
     *
     * @param maxSeries at least 1
     * @return this builder
     */
    public Builder maxSeries(int maxSeries) {
      this.maxSeries = Checks.positive("maxSeries", maxSeries);
      return this;
    }

    /**
     * Sets the budget of series per family (buckets, counts and sums included). Default 1,000.
     *
     * @param maxSeriesPerMetric at least 1
     * @return this builder
     */
    public Builder maxSeriesPerMetric(int maxSeriesPerMetric) {
      this.maxSeriesPerMetric = Checks.positive("maxSeriesPerMetric", maxSeriesPerMetric);
      return this;
    }

    /**
     * Builds the lint.
     *
     * @return the lint
     */
    public MetricsLint build() {
      return new MetricsLint(this);
    }
  }
}
