package dev.reliability.monitoring;

import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT;
import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT_CONCURRENT;
import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT_LATENCY_BASELINE;
import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT_LATENCY_ESTIMATE;
import static dev.reliability.monitoring.MonitoringDeclaration.ADAPTIVE_LIMIT_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.BULKHEAD_AVAILABLE;
import static dev.reliability.monitoring.MonitoringDeclaration.BULKHEAD_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.CARDINALITY_OVERFLOW;
import static dev.reliability.monitoring.MonitoringDeclaration.CIRCUIT_BREAKER_CALLS;
import static dev.reliability.monitoring.MonitoringDeclaration.CIRCUIT_BREAKER_STATE;
import static dev.reliability.monitoring.MonitoringDeclaration.CONNECTIONS_ACTIVE;
import static dev.reliability.monitoring.MonitoringDeclaration.CONNECTIONS_MAX;
import static dev.reliability.monitoring.MonitoringDeclaration.HEALTH_CHECK_STATUS;
import static dev.reliability.monitoring.MonitoringDeclaration.HEALTH_PROBE_STATUS;
import static dev.reliability.monitoring.MonitoringDeclaration.HEAP_AFTER_GC;
import static dev.reliability.monitoring.MonitoringDeclaration.HEDGE_BUDGET_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.HEDGE_DELAY;
import static dev.reliability.monitoring.MonitoringDeclaration.HEDGE_STARTED;
import static dev.reliability.monitoring.MonitoringDeclaration.HEDGE_WINS;
import static dev.reliability.monitoring.MonitoringDeclaration.HTTP_ACTIVE;
import static dev.reliability.monitoring.MonitoringDeclaration.HTTP_ERRORS;
import static dev.reliability.monitoring.MonitoringDeclaration.HTTP_REQUESTS_BUCKET;
import static dev.reliability.monitoring.MonitoringDeclaration.HTTP_REQUESTS_COUNT;
import static dev.reliability.monitoring.MonitoringDeclaration.POLICY_CALLS;
import static dev.reliability.monitoring.MonitoringDeclaration.RATE_LIMITER_AVAILABLE;
import static dev.reliability.monitoring.MonitoringDeclaration.RATE_LIMITER_CALLS;
import static dev.reliability.monitoring.MonitoringDeclaration.RETRY_BUDGET_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.RETRY_CALLS;
import static dev.reliability.monitoring.MonitoringDeclaration.SHEDDING_REQUESTS;
import static dev.reliability.monitoring.MonitoringDeclaration.SHEDDING_SHED;
import static dev.reliability.monitoring.MonitoringDeclaration.THROTTLE_REJECTIONS;
import static dev.reliability.monitoring.MonitoringDeclaration.THROTTLE_REJECTION_PROBABILITY;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the Grafana dashboard: service overview (rate, errors, latency, saturation), SLOs (budget
 * left, burn rate), resilience (breaker states, calls, retries, permits), load (adaptive limits,
 * throttles, hedging), health, JVM and memory, business (cache hit ratio, cost, cardinality
 * overflow). Variables select the data source, the service and the environment.
 */
final class GrafanaDashboard {

  private static final String DS = "${datasource}";
  private static final int WIDTH = 24;

  private final MonitoringDeclaration declaration;
  private final String filter;
  private final List<Object> panels = new ArrayList<>();
  private int id = 1;
  private int x;
  private int y;

  private GrafanaDashboard(MonitoringDeclaration declaration) {
    this.declaration = declaration;
    StringBuilder f = new StringBuilder();
    for (String label : declaration.groupBy()) {
      f.append(f.length() == 0 ? "" : ",").append(label).append("=~\"$").append(label).append('"');
    }
    this.filter = f.toString();
  }

  static String json(MonitoringDeclaration declaration) {
    return MonitoringFiles.json(new GrafanaDashboard(declaration).build());
  }

  /** Every PromQL expression of the dashboard, for tests. */
  static List<String> expressions(MonitoringDeclaration declaration) {
    GrafanaDashboard d = new GrafanaDashboard(declaration);
    d.build();
    List<String> exprs = new ArrayList<>();
    for (Object p : d.panels) {
      @SuppressWarnings("unchecked")
      Map<String, Object> panel = (Map<String, Object>) p;
      Object targets = panel.get("targets");
      if (targets instanceof List<?> list) {
        for (Object t : list) {
          exprs.add((String) ((Map<?, ?>) t).get("expr"));
        }
      }
    }
    return exprs;
  }

  private String sel(String metric, String extra) {
    return metric + "{" + filter + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  private String rate(String metric, String extra) {
    return "rate(" + sel(metric, extra) + "[$__rate_interval])";
  }

  private Map<String, Object> build() {
    row("Service overview: rate, errors, latency, saturation");
    panel(
        "Requests per second by route",
        "reqps",
        target("sum by (route) (" + rate(HTTP_REQUESTS_COUNT, "") + ")", "{{route}}"));
    panel(
        "Server error ratio (5xx)",
        "percentunit",
        target(
            "sum("
                + rate(HTTP_REQUESTS_COUNT, "status_class=\"5xx\"")
                + ")\n/\nsum("
                + rate(HTTP_REQUESTS_COUNT, "")
                + ")",
            "5xx ratio"));
    panel(
        "Errors by status class and error code",
        "reqps",
        target(
            "sum by (status_class, error_code) (" + rate(HTTP_ERRORS, "") + ")",
            "{{status_class}} {{error_code}}"));
    List<Map<String, Object>> quantiles = new ArrayList<>();
    for (String q : List.of("0.5", "0.95", "0.99")) {
      quantiles.add(
          target(
              "histogram_quantile(" + q + ", sum by (le) (" + rate(HTTP_REQUESTS_BUCKET, "") + "))",
              "p" + q.substring(2) + (q.length() == 3 ? "0" : "")));
    }
    panel("Latency percentiles", "s", quantiles.toArray(new Map[0]));
    panel(
        "Saturation: requests in progress and CPU",
        "short",
        target("sum(" + sel(HTTP_ACTIVE, "") + ")", "requests in progress"),
        target("max(" + sel("process_cpu_usage", "") + ")", "process CPU (0-1)"));

    row("Service level objectives");
    List<Map<String, Object>> budget = new ArrayList<>();
    List<Map<String, Object>> burn = new ArrayList<>();
    for (Slo slo : declaration.slos()) {
      budget.add(
          target(
              "min(" + sel("slo:error_budget_remaining:ratio", "slo=\"" + slo.name() + "\"") + ")",
              slo.name()));
      burn.add(
          target(
              "max("
                  + sel("slo:sli_error:ratio_rate1h", "slo=\"" + slo.name() + "\"")
                  + ") / "
                  + MonitoringDeclaration.number(slo.errorBudget()),
              slo.name() + " (1h)"));
    }
    if (!budget.isEmpty()) {
      panel("Error budget left", "percentunit", budget.toArray(new Map[0]));
      panel("Burn rate over 1h (1 = on budget)", "short", burn.toArray(new Map[0]));
    }

    row("Resilience: breakers, retries, rejections");
    panel(
        "Circuit breaker state (1 = current)",
        "short",
        target(
            "max by (name, state) (" + sel(CIRCUIT_BREAKER_STATE, "") + ")", "{{name}} {{state}}"));
    panel(
        "Calls through circuit breakers by outcome",
        "reqps",
        target(
            "sum by (name, outcome) (" + rate(CIRCUIT_BREAKER_CALLS, "") + ")",
            "{{name}} {{outcome}}"));
    panel(
        "Retries by outcome",
        "reqps",
        target("sum by (name, outcome) (" + rate(RETRY_CALLS, "") + ")", "{{name}} {{outcome}}"));
    panel(
        "Free permits: bulkheads and rate limiters",
        "short",
        target("min by (name) (" + sel(BULKHEAD_AVAILABLE, "") + ")", "bulkhead {{name}}"),
        target("min by (name) (" + sel(RATE_LIMITER_AVAILABLE, "") + ")", "rate limiter {{name}}"));
    panel(
        "Rejections: breakers, bulkheads, rate limiters, retry budgets, adaptive limits, throttles",
        "reqps",
        target(
            "sum by (name) (" + rate(CIRCUIT_BREAKER_CALLS, "outcome=\"rejected\"") + ")",
            "breaker {{name}}"),
        target("sum by (name) (" + rate(BULKHEAD_REJECTIONS, "") + ")", "bulkhead {{name}}"),
        target(
            "sum by (name) (" + rate(RATE_LIMITER_CALLS, "outcome=\"rejected\"") + ")",
            "rate limiter {{name}}"),
        target(
            "sum by (name) (" + rate(RETRY_BUDGET_REJECTIONS, "") + ")", "retry budget {{name}}"),
        target(
            "sum by (name) (" + rate(ADAPTIVE_LIMIT_REJECTIONS, "") + ")",
            "adaptive limit {{name}}"),
        target("sum by (name) (" + rate(THROTTLE_REJECTIONS, "") + ")", "throttle {{name}}"));
    panel(
        "Calls through policies by outcome",
        "reqps",
        target("sum by (name, outcome) (" + rate(POLICY_CALLS, "") + ")", "{{name}} {{outcome}}"));

    row("Load: adaptive limits, throttling, hedging");
    panel(
        "Adaptive limit and calls in flight",
        "short",
        target("min by (name) (" + sel(ADAPTIVE_LIMIT, "") + ")", "limit {{name}}"),
        target("sum by (name) (" + sel(ADAPTIVE_LIMIT_CONCURRENT, "") + ")", "in flight {{name}}"));
    panel(
        "Adaptive limit: latency estimate and baseline",
        "s",
        target(
            "max by (name) (" + sel(ADAPTIVE_LIMIT_LATENCY_ESTIMATE, "") + ")",
            "estimate {{name}}"),
        target(
            "max by (name) (" + sel(ADAPTIVE_LIMIT_LATENCY_BASELINE, "") + ")",
            "baseline {{name}}"));
    panel(
        "Inbound requests: admitted, exempt, shed by traffic class",
        "reqps",
        target(
            "sum by (name, outcome) (" + rate(SHEDDING_REQUESTS, "") + ")", "{{name}} {{outcome}}"),
        target(
            "sum by (name, traffic_class) (" + rate(SHEDDING_SHED, "") + ")",
            "{{name}} shed {{traffic_class}}"));
    panel(
        "Throttle rejection probability",
        "percentunit",
        target("max by (name) (" + sel(THROTTLE_REJECTION_PROBABILITY, "") + ")", "{{name}}"));
    panel(
        "Hedges per call",
        "percentunit",
        target(
            "sum by (name) ("
                + rate(HEDGE_STARTED, "")
                + ")\n/\nsum by (name) ("
                + rate(POLICY_CALLS, "")
                + ")",
            "started {{name}}"),
        target(
            "sum by (name) ("
                + rate(HEDGE_WINS, "")
                + ")\n/\nsum by (name) ("
                + rate(POLICY_CALLS, "")
                + ")",
            "won {{name}}"),
        target(
            "sum by (name) ("
                + rate(HEDGE_BUDGET_REJECTIONS, "")
                + ")\n/\nsum by (name) ("
                + rate(POLICY_CALLS, "")
                + ")",
            "denied by budget {{name}}"));
    panel("Hedge delay", "s", target("max by (name) (" + sel(HEDGE_DELAY, "") + ")", "{{name}}"));

    row("Health (0 healthy, 1 degraded, 2 unknown, 3 unhealthy)");
    panel(
        "Health checks",
        "short",
        target("max by (check) (" + sel(HEALTH_CHECK_STATUS, "") + ")", "{{check}}"));
    panel(
        "Probes",
        "short",
        target("max by (probe) (" + sel(HEALTH_PROBE_STATUS, "") + ")", "{{probe}}"));
    panel(
        "Health check duration",
        "s",
        target(
            "max by (check) (" + sel("reliability_health_check_duration_seconds", "") + ")",
            "{{check}}"));

    row("JVM and memory");
    panel(
        "Heap used and max",
        "bytes",
        target(
            "sum by (instance) (" + sel("jvm_memory_used_bytes", "area=\"heap\"") + ")",
            "used {{instance}}"),
        target(
            "sum by (instance) (" + sel("jvm_memory_max_bytes", "area=\"heap\"") + ")",
            "max {{instance}}"));
    panel(
        "Long-lived heap in use after GC",
        "percentunit",
        target(
            "max by (instance) (" + sel(HEAP_AFTER_GC, "area=\"heap\",pool=\"long-lived\"") + ")",
            "{{instance}}"));
    panel(
        "GC overhead (share of CPU time)",
        "percentunit",
        target("max by (instance) (" + sel("jvm_gc_overhead", "") + ")", "{{instance}}"));
    panel(
        "Live threads",
        "short",
        target("sum by (instance) (" + sel("jvm_threads_live_threads", "") + ")", "{{instance}}"));
    panel(
        "Connection registries",
        "short",
        target("sum by (registry) (" + sel(CONNECTIONS_ACTIVE, "") + ")", "{{registry}} active"),
        target("max by (registry) (" + sel(CONNECTIONS_MAX, "") + ")", "{{registry}} max"));

    row("Business");
    panel(
        "Cache hit ratio",
        "percentunit",
        target(
            "sum by (cache) ("
                + rate("cache_gets_total", "result=\"hit\"")
                + ")\n/\nsum by (cache) ("
                + rate("cache_gets_total", "")
                + ")",
            "{{cache}}"));
    panel(
        "Cost per hour by provider and unit",
        "short",
        target(
            "sum by (__name__, provider, unit) (increase({__name__=~\".+_cost_total\","
                + filter
                + "}[1h]))",
            "{{__name__}} {{provider}} {{unit}}"));
    panel(
        "Tag values folded into _overflow",
        "short",
        target(
            "sum by (meter, tag) (increase("
                + sel(CARDINALITY_OVERFLOW, "")
                + "[$__rate_interval]))",
            "{{meter}} {{tag}}"));

    Map<String, Object> d = new LinkedHashMap<>();
    d.put(
        "title",
        declaration
            .service()
            .map(s -> "Reliability: " + s)
            .orElse("Reliability: service overview"));
    d.put("uid", declaration.service().map(s -> "reliability-" + s).orElse("reliability-overview"));
    d.put("description", "Generated by dev.reliability.monitoring.MonitoringFiles");
    d.put("tags", List.of("reliability"));
    d.put("timezone", "browser");
    d.put("editable", true);
    d.put("schemaVersion", 39);
    d.put("version", 1);
    d.put("refresh", "30s");
    d.put("time", MonitoringFiles.ordered("from", "now-6h", "to", "now"));
    d.put("templating", MonitoringFiles.ordered("list", variables()));
    d.put("annotations", MonitoringFiles.ordered("list", List.of()));
    d.put("panels", panels);
    return d;
  }

  private List<Object> variables() {
    List<Object> vars = new ArrayList<>();
    Map<String, Object> ds = new LinkedHashMap<>();
    ds.put("name", "datasource");
    ds.put("label", "Data source");
    ds.put("type", "datasource");
    ds.put("query", "prometheus");
    vars.add(ds);
    for (String label : declaration.groupBy()) {
      Map<String, Object> v = new LinkedHashMap<>();
      String query = "label_values(" + HTTP_REQUESTS_COUNT + ", " + label + ")";
      v.put("name", label);
      v.put("label", label);
      v.put("type", "query");
      v.put("datasource", datasource());
      v.put("definition", query);
      v.put("query", MonitoringFiles.ordered("query", query, "refId", label));
      v.put("refresh", 2);
      v.put("includeAll", true);
      v.put("multi", true);
      v.put("allValue", ".*");
      Optional<String> only =
          declaration.service().filter(s -> label.equals(MonitoringDeclaration.SERVICE_LABEL));
      v.put(
          "current",
          only.isPresent()
              ? MonitoringFiles.ordered("text", only.get(), "value", only.get())
              : MonitoringFiles.ordered("text", "All", "value", "$__all"));
      vars.add(v);
    }
    return vars;
  }

  private static Map<String, Object> datasource() {
    Map<String, Object> ds = new LinkedHashMap<>();
    ds.put("type", "prometheus");
    ds.put("uid", DS);
    return ds;
  }

  private void row(String title) {
    if (x != 0) {
      x = 0;
      y += 8;
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id++);
    row.put("type", "row");
    row.put("title", title);
    row.put("collapsed", false);
    row.put("gridPos", grid(0, y, WIDTH, 1));
    row.put("panels", List.of());
    panels.add(row);
    y += 1;
  }

  @SafeVarargs
  private void panel(String title, String unit, Map<String, Object>... targets) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", id++);
    p.put("type", "timeseries");
    p.put("title", title);
    p.put("datasource", datasource());
    p.put("gridPos", grid(x, y, 12, 8));
    p.put(
        "fieldConfig",
        MonitoringFiles.ordered(
            "defaults", MonitoringFiles.ordered("unit", unit), "overrides", List.of()));
    p.put(
        "options",
        MonitoringFiles.ordered(
            "legend", MonitoringFiles.ordered("displayMode", "list", "placement", "bottom")));
    List<Object> t = new ArrayList<>();
    char ref = 'A';
    for (Map<String, Object> target : targets) {
      Map<String, Object> copy = new LinkedHashMap<>(target);
      copy.put("refId", String.valueOf(ref++));
      t.add(copy);
    }
    p.put("targets", t);
    panels.add(p);
    if (x == 0) {
      x = 12;
    } else {
      x = 0;
      y += 8;
    }
  }

  private static Map<String, Object> target(String expr, String legend) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("datasource", datasource());
    t.put("expr", expr);
    t.put("legendFormat", legend);
    return t;
  }

  private static Map<String, Object> grid(int x, int y, int w, int h) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("h", h);
    g.put("w", w);
    g.put("x", x);
    g.put("y", y);
    return g;
  }
}
