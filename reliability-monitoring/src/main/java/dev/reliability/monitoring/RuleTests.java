package dev.reliability.monitoring;

import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT;
import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT_MIN;
import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.BULKHEAD_AVAILABLE;
import static dev.reliability.monitoring.MonitoringDeclaration.CARDINALITY_OVERFLOW;
import static dev.reliability.monitoring.MonitoringDeclaration.CIRCUIT_BREAKER_STATE;
import static dev.reliability.monitoring.MonitoringDeclaration.CONNECTIONS_ACTIVE;
import static dev.reliability.monitoring.MonitoringDeclaration.CONNECTIONS_MAX;
import static dev.reliability.monitoring.MonitoringDeclaration.HEALTH_CHECK_STATUS;
import static dev.reliability.monitoring.MonitoringDeclaration.HEALTH_PROBE_STATUS;
import static dev.reliability.monitoring.MonitoringDeclaration.HEAP_AFTER_GC;
import static dev.reliability.monitoring.MonitoringDeclaration.HEDGE_BUDGET_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.HTTP_REQUESTS_BUCKET;
import static dev.reliability.monitoring.MonitoringDeclaration.HTTP_REQUESTS_COUNT;
import static dev.reliability.monitoring.MonitoringDeclaration.POLICY_CALLS;
import static dev.reliability.monitoring.MonitoringDeclaration.SHEDDING_REQUESTS;
import static dev.reliability.monitoring.MonitoringDeclaration.SHEDDING_SHED;
import static dev.reliability.monitoring.MonitoringDeclaration.THROTTLE_REJECTION_PROBABILITY;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the promtool unit tests of the generated rules: a service burning its budget (fast tiers
 * fire, the slowest is still pending), a low-traffic service with one error (nothing pages), no
 * metrics at all (absent alerts), latency over the thresholds, a growing heap, one scenario per
 * operational alert, and load-aware protection (adaptive limits, load shedding, throttles, hedging
 * budgets). Expected annotations are rendered from the same templates as the rules.
 *
 * <p>The scenarios exercise the SLOs named {@code http-availability} and {@code http-latency} of
 * {@link MonitoringDeclaration#defaults()} when present; SLOs of your own need tests of your own.
 */
final class RuleTests {

  private static final Pattern LABEL = Pattern.compile("\\{\\{ \\$labels\\.([a-zA-Z_]+) }}");

  private final MonitoringDeclaration declaration;
  private final Map<String, String> base = new LinkedHashMap<>();

  private RuleTests(MonitoringDeclaration declaration) {
    this.declaration = declaration;
    for (String label : declaration.groupBy()) {
      base.put(
          label,
          switch (label) {
            case "service" -> declaration.service().orElse("checkout");
            case "environment" -> "production";
            default -> "x";
          });
    }
  }

  static Map<String, Object> document(MonitoringDeclaration declaration, String rulesFile) {
    RuleTests t = new RuleTests(declaration);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("rule_files", List.of(rulesFile));
    doc.put("evaluation_interval", "1m");
    List<Object> tests = new ArrayList<>();
    boolean availability = t.hasSlo("http-availability");
    boolean latency = t.hasSlo("http-latency");
    if (availability) {
      tests.add(t.burning(latency));
      tests.add(t.lowTraffic(latency));
    }
    tests.add(t.absent());
    tests.add(t.slow());
    tests.add(t.operational());
    tests.add(t.growingHeap());
    tests.add(t.loadProtection());
    doc.put("tests", tests);
    return doc;
  }

  private boolean hasSlo(String name) {
    return declaration.slos().stream().anyMatch(s -> s.name().equals(name));
  }

  /** 20% of 1000 requests a minute fail: tiers 1 to 3 and both error-rate alerts fire. */
  private Map<String, Object> burning(boolean latency) {
    List<Object> series = new ArrayList<>();
    series.add(series(HTTP_REQUESTS_COUNT, Map.of("status_class", "2xx"), "0+800x150"));
    series.add(series(HTTP_REQUESTS_COUNT, Map.of("status_class", "5xx"), "0+200x150"));
    if (latency) {
      series.add(
          series(HTTP_REQUESTS_BUCKET, Map.of("status_class", "2xx", "le", "1.0"), "0+800x150"));
      series.add(
          series(HTTP_REQUESTS_BUCKET, Map.of("status_class", "5xx", "le", "1.0"), "0+200x150"));
    }
    List<Object> checks = new ArrayList<>();
    List<Object> burns = new ArrayList<>();
    for (AlertRule a : declaration.sloAlerts()) {
      if (a.name().equals("ReliabilityErrorBudgetBurn")
          && a.labels().get("slo").equals("http-availability")
          && !a.labels().get("tier").equals("4")) {
        Map<String, String> labels = new TreeMap<>(base);
        labels.putAll(a.labels());
        burns.add(expected(a, labels));
      }
    }
    checks.add(check("70m", "ReliabilityErrorBudgetBurn", burns));
    checks.add(
        check(
            "70m",
            "ReliabilityHighErrorRate",
            expectedOperational("ReliabilityHighErrorRate", Map.of())));
    return test(series, checks);
  }

  /** One error among about 60 requests an hour: the minimum-traffic guards keep every alert off. */
  private Map<String, Object> lowTraffic(boolean latency) {
    List<Object> series = new ArrayList<>();
    series.add(series(HTTP_REQUESTS_COUNT, Map.of("status_class", "2xx"), "0+1x90"));
    series.add(series(HTTP_REQUESTS_COUNT, Map.of("status_class", "5xx"), "0x62 1x27"));
    if (latency) {
      series.add(
          series(HTTP_REQUESTS_BUCKET, Map.of("status_class", "2xx", "le", "1.0"), "0+1x90"));
      series.add(
          series(HTTP_REQUESTS_BUCKET, Map.of("status_class", "5xx", "le", "1.0"), "0x62 1x27"));
    }
    return test(
        series,
        List.of(
            check("66m", "ReliabilityErrorBudgetBurn", List.of()),
            check("66m", "ReliabilityHighErrorRate", List.of())));
  }

  /** No request metrics at all: one absent alert per SLO. */
  private Map<String, Object> absent() {
    List<Object> series = List.of(series(HEAP_AFTER_GC, heapLabels(), "0.1x20"));
    List<Object> expected = new ArrayList<>();
    for (AlertRule a : declaration.sloAlerts()) {
      if (a.name().equals("ReliabilityMetricsAbsent")) {
        // absent() keeps the equality matchers of its selector as labels: the service's, if any.
        Map<String, String> labels = new TreeMap<>(a.labels());
        declaration.service().ifPresent(s -> labels.put(MonitoringDeclaration.SERVICE_LABEL, s));
        expected.add(expected(a, labels));
      }
    }
    return test(series, List.of(check("11m", "ReliabilityMetricsAbsent", expected)));
  }

  /** Every request takes between 10s and 30s: both latency alerts fire. */
  private Map<String, Object> slow() {
    List<Object> series = new ArrayList<>();
    series.add(series(HTTP_REQUESTS_COUNT, Map.of("status_class", "2xx"), "0+100x30"));
    for (String le : List.of("1.0", "5.0", "10.0")) {
      series.add(series(HTTP_REQUESTS_BUCKET, Map.of("status_class", "2xx", "le", le), "0x30"));
    }
    for (String le : List.of("30.0", "+Inf")) {
      series.add(series(HTTP_REQUESTS_BUCKET, Map.of("status_class", "2xx", "le", le), "0+100x30"));
    }
    return test(
        series,
        List.of(
            check(
                "15m",
                "ReliabilityHighLatency",
                expectedOperational("ReliabilityHighLatency", Map.of()))));
  }

  /** One scenario per operational alert that reads a gauge. */
  private Map<String, Object> operational() {
    List<Object> series = new ArrayList<>();
    series.add(series(CIRCUIT_BREAKER_STATE, Map.of("name", "payments", "state", "open"), "1x20"));
    series.add(
        series(CIRCUIT_BREAKER_STATE, Map.of("name", "payments", "state", "closed"), "0x20"));
    series.add(series(BULKHEAD_AVAILABLE, Map.of("name", "search"), "0x20"));
    series.add(series(HEALTH_CHECK_STATUS, Map.of("check", "database"), "3x20"));
    series.add(series(HEALTH_CHECK_STATUS, Map.of("check", "cache"), "1x20"));
    series.add(series(HEALTH_CHECK_STATUS, Map.of("check", "disk"), "0x20"));
    series.add(series(HEALTH_PROBE_STATUS, Map.of("probe", "readiness"), "3x20"));
    series.add(series(HEALTH_PROBE_STATUS, Map.of("probe", "liveness"), "0x20"));
    series.add(series(HEAP_AFTER_GC, heapLabels(), "0.9x20"));
    series.add(series(CONNECTIONS_ACTIVE, Map.of("registry", "websocket"), "95x20"));
    series.add(series(CONNECTIONS_MAX, Map.of("registry", "websocket"), "100x20"));
    series.add(
        series(
            CARDINALITY_OVERFLOW,
            Map.of("meter", "reliability.http.server.requests", "tag", "route"),
            "0+1x20"));
    series.add(series(HTTP_REQUESTS_COUNT, Map.of("status_class", "2xx"), "1000x20"));
    List<Object> checks = new ArrayList<>();
    checks.add(
        check(
            "12m",
            "ReliabilityCircuitBreakerOpen",
            expectedOperational("ReliabilityCircuitBreakerOpen", Map.of("name", "payments"))));
    checks.add(
        check(
            "12m",
            "ReliabilityBulkheadFull",
            expectedOperational("ReliabilityBulkheadFull", Map.of("name", "search"))));
    checks.add(
        check(
            "12m",
            "ReliabilityHealthCheckUnhealthy",
            expectedOperational("ReliabilityHealthCheckUnhealthy", Map.of("check", "database"))));
    checks.add(
        check(
            "12m",
            "ReliabilityHealthCheckDegraded",
            expectedOperational("ReliabilityHealthCheckDegraded", Map.of("check", "cache"))));
    checks.add(
        check(
            "12m",
            "ReliabilityProbeFailing",
            expectedOperational("ReliabilityProbeFailing", Map.of("probe", "readiness"))));
    checks.add(
        check(
            "12m",
            "ReliabilityHeapPressure",
            expectedOperational("ReliabilityHeapPressure", Map.of())));
    checks.add(check("12m", "ReliabilitySuspectedMemoryLeak", List.of()));
    checks.add(
        check(
            "12m",
            "ReliabilityConnectionsNearCapacity",
            expectedOperational(
                "ReliabilityConnectionsNearCapacity", Map.of("registry", "websocket"))));
    checks.add(
        check(
            "12m",
            "ReliabilityCardinalityOverflow",
            expectedOperational(
                "ReliabilityCardinalityOverflow",
                Map.of("meter", "reliability.http.server.requests", "tag", "route"))));
    checks.add(
        check(
            "12m", "ReliabilityNoTraffic", expectedOperational("ReliabilityNoTraffic", Map.of())));
    return test(series, checks);
  }

  /** The long-lived heap after GC grows steadily from 60%: a suspected leak, no heap pressure. */
  private Map<String, Object> growingHeap() {
    List<Object> series = List.of(series(HEAP_AFTER_GC, heapLabels(), "0.6+0.001x120"));
    return test(
        series,
        List.of(
            check(
                "45m",
                "ReliabilitySuspectedMemoryLeak",
                expectedOperational("ReliabilitySuspectedMemoryLeak", Map.of())),
            check("45m", "ReliabilityHeapPressure", List.of())));
  }

  /**
   * Load-aware protection: an adaptive limit stuck at its minimum and one above it, one refusing
   * 10% of calls and one 1%, a load shedder shedding 8% of requests (exempt probes do not dilute
   * it) and one 1%, one throttle refusing 30% of calls and one at 5%, one hedging budget refusing
   * hedges and one that stopped after a minute.
   */
  private Map<String, Object> loadProtection() {
    List<Object> series = new ArrayList<>();
    series.add(series(ADAPTIVE_LIMIT, Map.of("name", "inventory"), "8 4 1x18"));
    series.add(series(ADAPTIVE_LIMIT_MIN, Map.of("name", "inventory"), "1x20"));
    series.add(series(ADAPTIVE_LIMIT, Map.of("name", "pricing"), "2x20"));
    series.add(series(ADAPTIVE_LIMIT_MIN, Map.of("name", "pricing"), "1x20"));
    series.add(series(ADAPTIVE_LIMIT_REJECTIONS, Map.of("name", "inventory"), "0+60x20"));
    series.add(series(POLICY_CALLS, Map.of("name", "inventory", "outcome", "success"), "0+540x20"));
    series.add(series(POLICY_CALLS, Map.of("name", "inventory", "outcome", "rejected"), "0+60x20"));
    series.add(series(ADAPTIVE_LIMIT_REJECTIONS, Map.of("name", "pricing"), "0+6x20"));
    series.add(series(POLICY_CALLS, Map.of("name", "pricing", "outcome", "success"), "0+594x20"));
    series.add(series(POLICY_CALLS, Map.of("name", "pricing", "outcome", "rejected"), "0+6x20"));
    series.add(
        series(SHEDDING_SHED, Map.of("name", "inbound", "traffic_class", "default"), "0+80x20"));
    series.add(
        series(SHEDDING_SHED, Map.of("name", "inbound", "traffic_class", "interactive"), "0x20"));
    series.add(
        series(SHEDDING_REQUESTS, Map.of("name", "inbound", "outcome", "admitted"), "0+920x20"));
    series.add(
        series(SHEDDING_REQUESTS, Map.of("name", "inbound", "outcome", "exempt"), "0+5000x20"));
    series.add(
        series(SHEDDING_SHED, Map.of("name", "admin", "traffic_class", "default"), "0+1x20"));
    series.add(
        series(SHEDDING_REQUESTS, Map.of("name", "admin", "outcome", "admitted"), "0+99x20"));
    series.add(series(THROTTLE_REJECTION_PROBABILITY, Map.of("name", "inventory"), "0.3x20"));
    series.add(series(THROTTLE_REJECTION_PROBABILITY, Map.of("name", "pricing"), "0.05x20"));
    series.add(series(HEDGE_BUDGET_REJECTIONS, Map.of("name", "search"), "0+2x20"));
    series.add(series(HEDGE_BUDGET_REJECTIONS, Map.of("name", "quotes"), "0 1 1x18"));
    List<Object> checks = new ArrayList<>();
    checks.add(check("5m", "ReliabilityAdaptiveLimitAtMinimum", List.of()));
    checks.add(
        check(
            "12m",
            "ReliabilityAdaptiveLimitAtMinimum",
            expectedOperational("ReliabilityAdaptiveLimitAtMinimum", Map.of("name", "inventory"))));
    checks.add(check("8m", "ReliabilityConcurrencyLimited", List.of()));
    checks.add(
        check(
            "18m",
            "ReliabilityConcurrencyLimited",
            expectedOperational("ReliabilityConcurrencyLimited", Map.of("name", "inventory"))));
    checks.add(check("8m", "ReliabilityLoadShedding", List.of()));
    checks.add(
        check(
            "18m",
            "ReliabilityLoadShedding",
            expectedOperational("ReliabilityLoadShedding", Map.of("name", "inbound"))));
    checks.add(check("3m", "ReliabilityThrottleRejecting", List.of()));
    checks.add(
        check(
            "12m",
            "ReliabilityThrottleRejecting",
            expectedOperational("ReliabilityThrottleRejecting", Map.of("name", "inventory"))));
    checks.add(check("8m", "ReliabilityHedgeBudgetExhausted", List.of()));
    checks.add(
        check(
            "15m",
            "ReliabilityHedgeBudgetExhausted",
            expectedOperational("ReliabilityHedgeBudgetExhausted", Map.of("name", "search"))));
    return test(series, checks);
  }

  private static Map<String, String> heapLabels() {
    return Map.of("area", "heap", "pool", "long-lived");
  }

  private List<Object> expectedOperational(String name, Map<String, String> extra) {
    List<Object> expected = new ArrayList<>();
    for (AlertRule a : declaration.operationalAlerts()) {
      if (a.name().equals(name)) {
        Map<String, String> labels = new TreeMap<>(base);
        labels.putAll(extra);
        labels.putAll(a.labels());
        expected.add(expected(a, labels));
      }
    }
    return expected;
  }

  /**
   * The expected alert. Prometheus renders {@code $labels} from the result series, without the
   * rule's own labels; the rendering here does the same.
   */
  private Map<String, Object> expected(AlertRule a, Map<String, String> labels) {
    Map<String, String> seriesLabels = new TreeMap<>(labels);
    for (Map.Entry<String, String> l : a.labels().entrySet()) {
      if (!l.getKey().equals("slo") || !a.name().equals("ReliabilityErrorBudgetBurn")) {
        seriesLabels.remove(l.getKey());
      }
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("exp_labels", labels);
    Map<String, String> annotations = new LinkedHashMap<>();
    for (Map.Entry<String, String> an : MonitoringFiles.annotations(declaration, a).entrySet()) {
      annotations.put(an.getKey(), render(an.getValue(), seriesLabels));
    }
    e.put("exp_annotations", annotations);
    return e;
  }

  static String render(String template, Map<String, String> labels) {
    Matcher m = LABEL.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(labels.getOrDefault(m.group(1), "")));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private Map<String, Object> series(String metric, Map<String, String> labels, String values) {
    Map<String, String> all = new TreeMap<>(base);
    declaration.service().ifPresent(s -> all.put(MonitoringDeclaration.SERVICE_LABEL, s));
    all.putAll(labels);
    StringBuilder sb = new StringBuilder(metric).append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : all.entrySet()) {
      sb.append(first ? "" : ",").append(e.getKey()).append("=\"").append(e.getValue()).append('"');
      first = false;
    }
    sb.append('}');
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("series", sb.toString());
    s.put("values", values);
    return s;
  }

  private static Map<String, Object> check(String at, String alert, List<Object> expected) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("eval_time", at);
    c.put("alertname", alert);
    c.put("exp_alerts", expected);
    return c;
  }

  private static Map<String, Object> test(List<Object> series, List<Object> checks) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("interval", "1m");
    t.put("input_series", series);
    t.put("alert_rule_test", checks);
    return t;
  }
}
