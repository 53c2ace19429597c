package dev.reliability.metrics.export;

import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Warns, before anything is lost, when a backend would drop, reject or truncate a meter:
 *
 * <ul>
 *   <li>Prometheus: two meters whose names map to the same family with another type or another set
 *       of tag keys (Micrometer's Prometheus registry exports only the first);
 *   <li>CloudWatch: more than {@value #CLOUDWATCH_MAX_DIMENSIONS} dimensions (tags, common tags
 *       included), a name longer than 255 characters or a dimension value longer than 1024
 *       (PutMetricData rejects them);
 *   <li>Google Cloud Monitoring: more than {@value #STACKDRIVER_MAX_LABELS} labels or a label value
 *       longer than 1024 characters (the time series is rejected);
 *   <li>Datadog: descriptions and base units without an application key (Datadog then receives no
 *       metadata), and tags longer than 200 characters (Datadog truncates them).
 * </ul>
 *
 * <pre>{@code
 * CapabilityReport report = exporters.capabilityReport();
 * report.warnings().forEach(w -> log.warn("{}", w));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CapabilityReport {

  /** CloudWatch's limit on dimensions per metric. */
  public static final int CLOUDWATCH_MAX_DIMENSIONS = 30;

  /** Google Cloud Monitoring's limit on labels per metric descriptor. */
  public static final int STACKDRIVER_MAX_LABELS = 30;

  private static final int DATADOG_MAX_TAG = 200;

  private final List<CapabilityWarning> warnings;

  private CapabilityReport(List<CapabilityWarning> warnings) {
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Checks the meters of every backend registry of an exporter set, each against its own backend.
   *
   * @param exporters the exporters
   * @return the report
   */
  public static CapabilityReport of(MetricsExporters exporters) {
    Checks.notNull("exporters", exporters);
    List<CapabilityWarning> all = new ArrayList<>();
    for (Backend b : exporters.backends()) {
      MeterRegistry r = exporters.registry(b).orElseThrow();
      all.addAll(check(b, r.getMeters(), exporters.hasDatadogApplicationKey()).warnings);
    }
    return new CapabilityReport(all);
  }

  /**
   * Checks meters against one backend.
   *
   * @param backend the backend
   * @param meters the meters, as registered in that backend's registry (common tags included)
   * @param datadogApplicationKey whether a Datadog application key is configured
   * @return the report
   */
  public static CapabilityReport check(
      Backend backend, Collection<? extends Meter> meters, boolean datadogApplicationKey) {
    Checks.notNull("backend", backend);
    Checks.notNull("meters", meters);
    List<CapabilityWarning> w = new ArrayList<>();
    switch (backend) {
      case PROMETHEUS -> prometheus(meters, w);
      case CLOUDWATCH -> cloudWatch(meters, w);
      case STACKDRIVER -> stackdriver(meters, w);
      case DATADOG -> datadog(meters, datadogApplicationKey, w);
      default -> {}
    }
    return new CapabilityReport(w);
  }

  private static void prometheus(Collection<? extends Meter> meters, List<CapabilityWarning> w) {
    Map<String, Meter.Id> first = new LinkedHashMap<>();
    for (Meter m : meters) {
      Meter.Id id = m.getId();
      String family = prometheusFamily(id);
      Meter.Id seen = first.putIfAbsent(family, id);
      if (seen == null || seen.equals(id)) {
        continue;
      }
      if (seen.getType() != id.getType() && !sameKind(seen.getType(), id.getType())) {
        w.add(
            new CapabilityWarning(
                Backend.PROMETHEUS,
                id.getName(),
                "maps to Prometheus family "
                    + family
                    + " like "
                    + seen.getName()
                    + " ("
                    + seen.getType().name().toLowerCase(java.util.Locale.ROOT)
                    + "); the Prometheus registry exports only the first"));
      } else if (!tagKeys(seen).equals(tagKeys(id))) {
        w.add(
            new CapabilityWarning(
                Backend.PROMETHEUS,
                id.getName(),
                "has tag keys "
                    + tagKeys(id)
                    + " but Prometheus family "
                    + family
                    + " already has "
                    + tagKeys(seen)
                    + "; the Prometheus registry exports only the first"));
      }
    }
  }

  private static boolean sameKind(Meter.Type a, Meter.Type b) {
    return kind(a).equals(kind(b));
  }

  private static String kind(Meter.Type t) {
    return switch (t) {
      case COUNTER -> "counter";
      case TIMER, LONG_TASK_TIMER, DISTRIBUTION_SUMMARY -> "histogram";
      default -> "gauge";
    };
  }

  static String prometheusFamily(Meter.Id id) {
    String base = NamingConvention.snakeCase.name(id.getName(), id.getType(), null);
    String unit =
        switch (id.getType()) {
          case TIMER, LONG_TASK_TIMER -> "seconds";
          default -> id.getBaseUnit();
        };
    if (unit != null && !unit.isEmpty() && !base.endsWith("_" + unit)) {
      base = base + "_" + NamingConvention.snakeCase.name(unit, Meter.Type.OTHER);
    }
    if (id.getType() == Meter.Type.COUNTER && !base.endsWith("_total")) {
      base = base + "_total";
    }
    return base;
  }

  private static Set<String> tagKeys(Meter.Id id) {
    return id.getTags().stream().map(Tag::getKey).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void cloudWatch(Collection<? extends Meter> meters, List<CapabilityWarning> w) {
    for (Meter m : meters) {
      Meter.Id id = m.getId();
      int dims = id.getTags().size();
      if (dims > CLOUDWATCH_MAX_DIMENSIONS) {
        w.add(
            new CapabilityWarning(
                Backend.CLOUDWATCH,
                id.getName(),
                "has "
                    + dims
                    + " dimensions; CloudWatch accepts at most "
                    + CLOUDWATCH_MAX_DIMENSIONS
                    + " and rejects its data"));
      }
      if (id.getName().length() > 255) {
        w.add(
            new CapabilityWarning(
                Backend.CLOUDWATCH,
                id.getName(),
                "name is longer than 255 characters; CloudWatch rejects it"));
      }
      for (Tag t : id.getTags()) {
        if (t.getValue().length() > 1024) {
          w.add(
              new CapabilityWarning(
                  Backend.CLOUDWATCH,
                  id.getName(),
                  "dimension "
                      + t.getKey()
                      + " is longer than 1024 characters; CloudWatch rejects it"));
        }
      }
    }
  }

  private static void stackdriver(Collection<? extends Meter> meters, List<CapabilityWarning> w) {
    for (Meter m : meters) {
      Meter.Id id = m.getId();
      int labels = id.getTags().size();
      if (labels > STACKDRIVER_MAX_LABELS) {
        w.add(
            new CapabilityWarning(
                Backend.STACKDRIVER,
                id.getName(),
                "has "
                    + labels
                    + " labels; Google Cloud Monitoring accepts at most "
                    + STACKDRIVER_MAX_LABELS
                    + " per metric and rejects its time series"));
      }
      for (Tag t : id.getTags()) {
        if (t.getValue().length() > 1024) {
          w.add(
              new CapabilityWarning(
                  Backend.STACKDRIVER,
                  id.getName(),
                  "label "
                      + t.getKey()
                      + " is longer than 1024 characters; Google Cloud Monitoring rejects it"));
        }
      }
    }
  }

  private static void datadog(
      Collection<? extends Meter> meters, boolean applicationKey, List<CapabilityWarning> w) {
    int withMetadata = 0;
    for (Meter m : meters) {
      Meter.Id id = m.getId();
      if ((id.getDescription() != null && !id.getDescription().isEmpty())
          || id.getBaseUnit() != null) {
        withMetadata++;
      }
      for (Tag t : id.getTags()) {
        int length = t.getKey().length() + 1 + t.getValue().length();
        if (length > DATADOG_MAX_TAG) {
          w.add(
              new CapabilityWarning(
                  Backend.DATADOG,
                  id.getName(),
                  "tag "
                      + t.getKey()
                      + " is "
                      + length
                      + " characters long; Datadog truncates tags at "
                      + DATADOG_MAX_TAG));
        }
      }
    }
    if (!applicationKey && withMetadata > 0) {
      w.add(
          new CapabilityWarning(
              Backend.DATADOG,
              "*",
              withMetadata
                  + " meters have descriptions or base units, which Datadog only receives with an"
                  + " application key (reliability.metrics.datadog.application-key)"));
    }
  }

  /**
   * Returns the warnings.
   *
   * @return the warnings, empty when every backend can take every meter as it is
   */
  public List<CapabilityWarning> warnings() {
    return warnings;
  }

  /**
   * Returns whether nothing would be lost.
   *
   * @return true when there are no warnings
   */
  public boolean isClean() {
    return warnings.isEmpty();
  }

  @Override
  public String toString() {
    return warnings.isEmpty()
        ? "CapabilityReport[clean]"
        : "CapabilityReport[\n  "
            + warnings.stream().map(Object::toString).collect(Collectors.joining("\n  "))
            + "\n]";
  }
}
