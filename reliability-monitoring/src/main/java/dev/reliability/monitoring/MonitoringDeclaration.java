package dev.reliability.monitoring;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one declaration the shipped monitoring files are generated from: the Prometheus names of the
 * meters this library emits, the service level objectives, and the thresholds of the operational
 * alerts. {@link MonitoringFiles} turns it into Prometheus recording and alerting rules, promtool
 * rule tests, an Alertmanager routing example and a Grafana dashboard, so none of them can drift
 * from the others or from the code (a test scrapes every meter and checks each name used here).
 *
 * <p>{@link #defaults()} holds the library's defaults, taken from the teams' write-ups:
 * availability 99.9% and latency 99% within 1s over 30 days; error rate over 5% (ticket) and 10%
 * (page) for 5 minutes; p99 latency over 5s for 10 minutes (ticket) and over 10s for 5 minutes
 * (page); health degraded or unhealthy for 5 minutes; heap after GC over 80% for 5 minutes;
 * connection registries over 90% full; no traffic for 5 minutes; an adaptive concurrency limit at
 * its minimum for 5 minutes or refusing more than 5% of calls for 10; more than 5% of inbound
 * requests shed for 10 minutes; a client-side throttle refusing more than 10% of calls for 5
 * minutes; hedges refused by their budget for 10 minutes.
 *
 * <pre>{@code
 * MonitoringDeclaration declaration =
 *     MonitoringDeclaration.builder()
 *         .slo(
 *             Slo.builder("checkout-availability")
 *                 .objective(0.995)
 *                 .good("reliability_http_server_requests_seconds_count{status_class!=\"5xx\"}")
 *                 .total("reliability_http_server_requests_seconds_count")
 *                 .build())
 *         .build();
 * String rules = MonitoringFiles.prometheusRules(declaration);
 * }</pre>
 *
 * <p>Without {@link Builder#service(String)} the rules cover every service Prometheus scrapes and
 * aggregate by {@link #groupBy()}; with it, every selector also matches {@code service="<name>"},
 * so files generated for several services can be loaded side by side.
 *
 * <p>Immutable and thread-safe.
 */
public final class MonitoringDeclaration {

  /** Prometheus name of the HTTP request timer (base name of its series). */
  public static final String HTTP_REQUESTS = "reliability_http_server_requests_seconds";

  /** HTTP requests counted. */
  public static final String HTTP_REQUESTS_COUNT = HTTP_REQUESTS + "_count";

  /** HTTP request latency buckets. */
  public static final String HTTP_REQUESTS_BUCKET = HTTP_REQUESTS + "_bucket";

  /** HTTP request time summed. */
  public static final String HTTP_REQUESTS_SUM = HTTP_REQUESTS + "_sum";

  /** HTTP error responses by status class and error code. */
  public static final String HTTP_ERRORS = "reliability_http_server_errors_total";

  /** HTTP requests in progress. */
  public static final String HTTP_ACTIVE = "reliability_http_server_active_requests";

  /** Circuit breaker state, one series per state, 1 for the current one. */
  public static final String CIRCUIT_BREAKER_STATE = "reliability_circuitbreaker_state";

  /** Attempts a circuit breaker counted, refused or ignored, by outcome. */
  public static final String CIRCUIT_BREAKER_CALLS = "reliability_circuitbreaker_calls_total";

  /** Calls refused by a bulkhead. */
  public static final String BULKHEAD_REJECTIONS = "reliability_bulkhead_rejections_total";

  /** Attempts that got or were refused a rate limiter permit, by outcome. */
  public static final String RATE_LIMITER_CALLS = "reliability_ratelimiter_calls_total";

  /** Retries a retry budget refused. */
  public static final String RETRY_BUDGET_REJECTIONS = "reliability_retry_budget_rejections_total";

  /** Retried calls, by outcome. */
  public static final String RETRY_CALLS = "reliability_retry_calls_total";

  /** Free bulkhead permits. */
  public static final String BULKHEAD_AVAILABLE = "reliability_bulkhead_available_permits";

  /** Free rate limiter permits. */
  public static final String RATE_LIMITER_AVAILABLE = "reliability_ratelimiter_available_permits";

  /** The adaptive concurrency limit now. */
  public static final String ADAPTIVE_LIMIT = "reliability_adaptivelimit_limit";

  /** The adaptive concurrency limit's configured minimum. */
  public static final String ADAPTIVE_LIMIT_MIN = "reliability_adaptivelimit_min_limit";

  /** Calls in flight under an adaptive concurrency limit. */
  public static final String ADAPTIVE_LIMIT_CONCURRENT =
      "reliability_adaptivelimit_concurrent_calls";

  /** Calls an adaptive concurrency limit refused. */
  public static final String ADAPTIVE_LIMIT_REJECTIONS =
      "reliability_adaptivelimit_rejections_total";

  /** The smoothed recent latency an adaptive limit follows, in seconds. */
  public static final String ADAPTIVE_LIMIT_LATENCY_ESTIMATE =
      "reliability_adaptivelimit_latency_estimate_seconds";

  /** The no-load latency baseline of an adaptive limit, in seconds. */
  public static final String ADAPTIVE_LIMIT_LATENCY_BASELINE =
      "reliability_adaptivelimit_latency_baseline_seconds";

  /** Inbound requests a load shedder let through, by outcome (admitted, exempt). */
  public static final String SHEDDING_REQUESTS = "reliability_shedding_requests_total";

  /** Inbound requests a load shedder answered 503, by traffic class. */
  public static final String SHEDDING_SHED = "reliability_shedding_shed_total";

  /** Probability, 0 to 1, that a client-side throttle refuses the next call. */
  public static final String THROTTLE_REJECTION_PROBABILITY =
      "reliability_throttle_rejection_probability";

  /** Calls a client-side throttle refused locally. */
  public static final String THROTTLE_REJECTIONS = "reliability_throttle_rejections_total";

  /** Hedges started: runs of a call after its first. */
  public static final String HEDGE_STARTED = "reliability_hedge_started_total";

  /** Calls whose result came from a hedge. */
  public static final String HEDGE_WINS = "reliability_hedge_wins_total";

  /** Hedges not started because the budget was empty. */
  public static final String HEDGE_BUDGET_REJECTIONS = "reliability_hedge_budget_rejections_total";

  /** The delay after which a call is hedged now, in seconds. */
  public static final String HEDGE_DELAY = "reliability_hedge_delay_seconds";

  /** Calls through named policies, by outcome. */
  public static final String POLICY_CALLS = "reliability_policy_calls_seconds_count";

  /** Health check status as a number (see the health binder). */
  public static final String HEALTH_CHECK_STATUS = "reliability_health_check_status";

  /** Probe status as a number. */
  public static final String HEALTH_PROBE_STATUS = "reliability_health_probe_status";

  /** Share of the long-lived heap in use after the last collection. */
  public static final String HEAP_AFTER_GC = "jvm_memory_usage_after_gc";

  /** Connections held by a connection registry. */
  public static final String CONNECTIONS_ACTIVE = "reliability_connections_active";

  /** Capacity of a connection registry. */
  public static final String CONNECTIONS_MAX = "reliability_connections_max";

  /** Tag values folded into the overflow value by a cardinality guard. */
  public static final String CARDINALITY_OVERFLOW =
      "reliability_metrics_cardinality_overflow_total";

  /** Where the runbook entries live. */
  public static final String DEFAULT_RUNBOOK_BASE =
      "https://github.com/reliability-dev/reliability/blob/main/docs/alerts.md";

  /** The label a declaration for one service matches on: the metrics module's common tag. */
  public static final String SERVICE_LABEL = "service";

  /** The share of calls refused by an adaptive limit above which an alert fires. */
  private static final double CONCURRENCY_LIMITED = 0.05;

  /** The share of inbound requests shed above which an alert fires. */
  private static final double LOAD_SHEDDING = 0.05;

  /** The throttle rejection probability above which ReliabilityThrottleRejecting fires. */
  private static final double THROTTLE_REJECTING = 0.1;

  private static final String HEAP = HEAP_AFTER_GC + "{area=\"heap\",pool=\"long-lived\"}";

  /**
   * A service name: a label value that needs no escaping and keeps the dashboard uid within
   * Grafana's 40 characters. Linear: one character class, bounded length.
   */
  private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,27}");

  private static final String SERVICE_RULE =
      "1 to 28 letters, digits, '.', '_' or '-', starting with a letter or digit";

  private final List<Slo> slos;
  private final List<String> groupBy;
  private final double errorRateTicket;
  private final double errorRatePage;
  private final Duration latencyP99Ticket;
  private final Duration latencyP99Page;
  private final long minimumRequests;
  private final Duration healthFor;
  private final double heapPressure;
  private final double connectionsNearCapacity;
  private final Duration noTrafficFor;
  private final String runbookBase;
  private final String service;

  private MonitoringDeclaration(Builder b) {
    this.slos = List.copyOf(b.slos);
    this.groupBy = List.copyOf(b.groupBy);
    this.errorRateTicket = b.errorRateTicket;
    this.errorRatePage = b.errorRatePage;
    this.latencyP99Ticket = b.latencyP99Ticket;
    this.latencyP99Page = b.latencyP99Page;
    this.minimumRequests = b.minimumRequests;
    this.healthFor = b.healthFor;
    this.heapPressure = b.heapPressure;
    this.connectionsNearCapacity = b.connectionsNearCapacity;
    this.noTrafficFor = b.noTrafficFor;
    this.runbookBase = b.runbookBase;
    this.service = b.service;
  }

  /**
   * Returns the availability SLO of the defaults: 99.9% of HTTP requests over 30 days do not fail
   * with a 5xx status.
   *
   * @return the SLO
   */
  public static Slo httpAvailability() {
    return Slo.builder("http-availability")
        .description("HTTP requests that do not fail with a 5xx status")
        .objective(0.999)
        .window(Duration.ofDays(30))
        .good(HTTP_REQUESTS_COUNT + "{status_class!=\"5xx\"}")
        .total(HTTP_REQUESTS_COUNT)
        .build();
  }

  /**
   * Returns the latency SLO of the defaults: 99% of HTTP requests over 30 days complete within 1s
   * (an exact histogram bucket of the HTTP server metrics).
   *
   * @return the SLO
   */
  public static Slo httpLatency() {
    return Slo.builder("http-latency")
        .description("HTTP requests that complete within 1s")
        .objective(0.99)
        .window(Duration.ofDays(30))
        .good(HTTP_REQUESTS_BUCKET + "{le=\"1.0\"}")
        .total(HTTP_REQUESTS_COUNT)
        .build();
  }

  /**
   * Returns the library's declaration.
   *
   * @return the defaults
   */
  public static MonitoringDeclaration defaults() {
    return builder().slo(httpAvailability()).slo(httpLatency()).build();
  }

  /**
   * Starts a builder with the default thresholds and no SLOs.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the SLOs.
   *
   * @return the SLOs
   */
  public List<Slo> slos() {
    return slos;
  }

  /**
   * Returns the labels every rule aggregates by.
   *
   * @return such as {@code [service, environment]}
   */
  public List<String> groupBy() {
    return groupBy;
  }

  /**
   * Returns the one service the files are for.
   *
   * @return the service name, or empty when the files cover every service (the default)
   */
  public Optional<String> service() {
    return Optional.ofNullable(service);
  }

  /**
   * Returns the runbook base URL.
   *
   * @return the URL of the page holding the runbook entries
   */
  public String runbookBase() {
    return runbookBase;
  }

  /**
   * Returns the recording rules: the error ratio of every SLO over every window an alert or the
   * dashboard reads, the ratio over the SLO window, and the error budget left.
   *
   * @return the recording rules, in a stable order
   */
  public List<RecordingRule> recordingRules() {
    List<RecordingRule> rules = new ArrayList<>();
    for (Slo slo : slos) {
      for (Duration w : ratioWindows()) {
        String win = DurationText.format(w);
        String total = sum("rate(" + select(slo.total()) + "[" + win + "])");
        String good = sum("rate(" + select(slo.good()) + "[" + win + "])");
        rules.add(
            new RecordingRule(
                "slo:sli_error:ratio_rate" + win,
                "1 - (\n  (" + good + " or 0 * " + total + ")\n  /\n  " + total + "\n)",
                Map.of("slo", slo.name())));
      }
      String window = DurationText.format(slo.window());
      rules.add(
          new RecordingRule(
              "slo:sli_error:ratio_rate" + window,
              "avg_over_time("
                  + select("slo:sli_error:ratio_rate5m{slo=\"" + slo.name() + "\"}")
                  + "["
                  + window
                  + "])",
              Map.of("slo", slo.name())));
      rules.add(
          new RecordingRule(
              "slo:error_budget_remaining:ratio",
              "1 - "
                  + select("slo:sli_error:ratio_rate" + window + "{slo=\"" + slo.name() + "\"}")
                  + " / "
                  + number(slo.errorBudget()),
              Map.of("slo", slo.name())));
    }
    return rules;
  }

  private static List<Duration> ratioWindows() {
    Set<Duration> windows = new java.util.TreeSet<>();
    for (BurnRateTier t : BurnRateTier.values()) {
      windows.add(t.shortWindow());
      windows.add(t.longWindow());
    }
    return List.copyOf(windows);
  }

  /**
   * Returns the multi-window, multi-burn-rate alerts, one per SLO and {@link BurnRateTier}, each
   * guarded by the SLO's minimum event count, plus one absent-metric alert per SLO.
   *
   * @return the SLO alerts
   */
  public List<AlertRule> sloAlerts() {
    List<AlertRule> alerts = new ArrayList<>();
    for (Slo slo : slos) {
      for (BurnRateTier t : BurnRateTier.values()) {
        String threshold = number(t.factor() * slo.errorBudget());
        String lw = DurationText.format(t.longWindow());
        String sw = DurationText.format(t.shortWindow());
        String sel = "{slo=\"" + slo.name() + "\"}";
        String expr =
            "(\n  "
                + select("slo:sli_error:ratio_rate" + lw + sel)
                + " > "
                + threshold
                + "\n  and\n  "
                + select("slo:sli_error:ratio_rate" + sw + sel)
                + " > "
                + threshold
                + "\n)\nand on ("
                + String.join(", ", groupBy)
                + ")\n"
                + sum("increase(" + select(slo.total()) + "[" + lw + "])")
                + " >= "
                + slo.minimumEvents(t);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("severity", t.severity());
        labels.put("slo", slo.name());
        labels.put("tier", Integer.toString(t.tier()));
        alerts.add(
            new AlertRule(
                "ReliabilityErrorBudgetBurn",
                expr,
                t.pendingFor(),
                labels,
                "{{ $labels.service }}: SLO {{ $labels.slo }} is burning its error budget "
                    + number(t.factor())
                    + "x too fast",
                "More than "
                    + percent(t.factor() * slo.errorBudget())
                    + " of events failed the SLO "
                    + slo.name()
                    + " ("
                    + percent(slo.objective())
                    + " over "
                    + DurationText.format(slo.window())
                    + ") over both the last "
                    + lw
                    + " and the last "
                    + sw
                    + "; at this rate "
                    + percent(t.factor() * t.longWindow().toSeconds() / slo.window().toSeconds())
                    + " of the budget is spent in "
                    + lw
                    + ".",
                "reliabilityerrorbudgetburn"));
      }
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("severity", "ticket");
      labels.put("slo", slo.name());
      alerts.add(
          new AlertRule(
              "ReliabilityMetricsAbsent",
              "absent(" + select(slo.total()) + ")",
              Duration.ofMinutes(10),
              labels,
              "No series match the total selector of SLO " + slo.name(),
              "Prometheus has no series for "
                  + select(slo.total())
                  + ", so the SLO "
                  + slo.name()
                  + " cannot be evaluated and its burn-rate alerts cannot fire.",
              "reliabilitymetricsabsent"));
    }
    return alerts;
  }

  /**
   * Returns the operational alerts: error rate, p99 latency, no traffic, circuit breakers,
   * bulkheads, adaptive concurrency limits, inbound load shedding, client-side throttles, hedging
   * budgets, health checks and probes, heap pressure and growth, connection registries and
   * cardinality overflow.
   *
   * @return the operational alerts, in a stable order
   */
  public List<AlertRule> operationalAlerts() {
    List<AlertRule> alerts = new ArrayList<>();
    String heap = select(HEAP);
    String by = String.join(", ", groupBy);
    String requests = select(HTTP_REQUESTS_COUNT);
    String total5m = sum("rate(" + requests + "[5m])");
    String guard =
        "and on (" + by + ")\n" + sum("increase(" + requests + "[5m])") + " >= " + minimumRequests;
    for (String severity : List.of("page", "ticket")) {
      double threshold = severity.equals("page") ? errorRatePage : errorRateTicket;
      alerts.add(
          alert(
              "ReliabilityHighErrorRate",
              sum("rate(" + select(HTTP_REQUESTS_COUNT + "{status_class=\"5xx\"}") + "[5m])")
                  + "\n/\n"
                  + total5m
                  + " > "
                  + number(threshold)
                  + "\n"
                  + guard,
              Duration.ofMinutes(5),
              severity,
              "{{ $labels.service }}: more than " + percent(threshold) + " of requests fail",
              "More than "
                  + percent(threshold)
                  + " of HTTP requests answered with a 5xx status over the last 5m (at least "
                  + minimumRequests
                  + " requests).",
              "reliabilityhigherrorrate"));
    }
    for (String severity : List.of("page", "ticket")) {
      Duration threshold = severity.equals("page") ? latencyP99Page : latencyP99Ticket;
      Duration pending = severity.equals("page") ? Duration.ofMinutes(5) : Duration.ofMinutes(10);
      alerts.add(
          alert(
              "ReliabilityHighLatency",
              "histogram_quantile(0.99, sum by ("
                  + by
                  + ", le) (rate("
                  + select(HTTP_REQUESTS_BUCKET)
                  + "[5m])))\n> "
                  + number(threshold.toMillis() / 1000.0)
                  + "\n"
                  + guard,
              pending,
              severity,
              "{{ $labels.service }}: p99 latency is above " + DurationText.format(threshold),
              "The 99th percentile of HTTP request latency over the last 5m is above "
                  + DurationText.format(threshold)
                  + " (at least "
                  + minimumRequests
                  + " requests).",
              "reliabilityhighlatency"));
    }
    alerts.add(
        alert(
            "ReliabilityNoTraffic",
            total5m + " == 0",
            noTrafficFor,
            "ticket",
            "{{ $labels.service }} receives no HTTP requests",
            "No HTTP request reached the service for "
                + DurationText.format(noTrafficFor)
                + " although it exports its request metrics.",
            "reliabilitynotraffic"));
    alerts.add(
        alert(
            "ReliabilityCircuitBreakerOpen",
            "max by ("
                + by
                + ", name) ("
                + select(CIRCUIT_BREAKER_STATE + "{state=\"open\"}")
                + ") > 0",
            Duration.ofMinutes(1),
            "ticket",
            "{{ $labels.service }}: circuit breaker {{ $labels.name }} is open",
            "Calls through the circuit breaker {{ $labels.name }} are being rejected because the"
                + " downstream dependency failed too often.",
            "reliabilitycircuitbreakeropen"));
    alerts.add(
        alert(
            "ReliabilityBulkheadFull",
            "min by (" + by + ", name) (" + select(BULKHEAD_AVAILABLE) + ") == 0",
            Duration.ofMinutes(5),
            "ticket",
            "{{ $labels.service }}: bulkhead {{ $labels.name }} has no free permits",
            "Every permit of the bulkhead {{ $labels.name }} has been in use for 5m; further calls"
                + " are rejected or wait.",
            "reliabilitybulkheadfull"));
    alerts.add(
        alert(
            "ReliabilityAdaptiveLimitAtMinimum",
            "min by ("
                + by
                + ", name) ("
                + select(ADAPTIVE_LIMIT)
                + " - "
                + select(ADAPTIVE_LIMIT_MIN)
                + ") <= 0",
            Duration.ofMinutes(5),
            "ticket",
            "{{ $labels.service }}: adaptive limit {{ $labels.name }} is at its minimum",
            "The adaptive concurrency limit {{ $labels.name }} has stayed at its configured minimum"
                + " for 5m: latency is far above its baseline, the dependency is overloaded or"
                + " slow.",
            "reliabilityadaptivelimitatminimum"));
    alerts.add(
        alert(
            "ReliabilityConcurrencyLimited",
            "sum by ("
                + by
                + ", name) (rate("
                + select(ADAPTIVE_LIMIT_REJECTIONS)
                + "[5m]))\n/\nsum by ("
                + by
                + ", name) (rate("
                + select(POLICY_CALLS)
                + "[5m])) > "
                + number(CONCURRENCY_LIMITED),
            Duration.ofMinutes(10),
            "ticket",
            "{{ $labels.service }}: adaptive limit {{ $labels.name }} refuses more than "
                + percent(CONCURRENCY_LIMITED)
                + " of calls",
            "The adaptive concurrency limit {{ $labels.name }} has refused more than "
                + percent(CONCURRENCY_LIMITED)
                + " of the policy's calls (CONCURRENCY_LIMITED) for 10m.",
            "reliabilityconcurrencylimited"));
    String shed = "sum by (" + by + ", name) (rate(" + select(SHEDDING_SHED) + "[5m]))";
    alerts.add(
        alert(
            "ReliabilityLoadShedding",
            shed
                + "\n/\n("
                + shed
                + " + "
                + "sum by ("
                + by
                + ", name) (rate("
                + select(SHEDDING_REQUESTS + "{outcome=\"admitted\"}")
                + "[5m]))"
                + ") > "
                + number(LOAD_SHEDDING),
            Duration.ofMinutes(10),
            "ticket",
            "{{ $labels.service }}: load shedder {{ $labels.name }} sheds more than "
                + percent(LOAD_SHEDDING)
                + " of requests",
            "The inbound load shedder {{ $labels.name }} has answered more than "
                + percent(LOAD_SHEDDING)
                + " of requests with 503 for 10m: the service is past its capacity.",
            "reliabilityloadshedding"));
    alerts.add(
        alert(
            "ReliabilityThrottleRejecting",
            "max by ("
                + by
                + ", name) ("
                + select(THROTTLE_REJECTION_PROBABILITY)
                + ") > "
                + number(THROTTLE_REJECTING),
            Duration.ofMinutes(5),
            "ticket",
            "{{ $labels.service }}: throttle {{ $labels.name }} refuses more than "
                + percent(THROTTLE_REJECTING)
                + " of calls",
            "The client-side throttle {{ $labels.name }} has refused calls with a probability"
                + " above "
                + percent(THROTTLE_REJECTING)
                + " for 5m: its dependency keeps refusing requests.",
            "reliabilitythrottlerejecting"));
    alerts.add(
        alert(
            "ReliabilityHedgeBudgetExhausted",
            "sum by (" + by + ", name) (rate(" + select(HEDGE_BUDGET_REJECTIONS) + "[5m])) > 0",
            Duration.ofMinutes(10),
            "ticket",
            "{{ $labels.service }}: hedging {{ $labels.name }} is held back by its budget",
            "The budget of the hedging {{ $labels.name }} has refused hedges for 10m: slow calls"
                + " are no longer hedged, so the latency tail is unprotected.",
            "reliabilityhedgebudgetexhausted"));
    alerts.add(
        alert(
            "ReliabilityHealthCheckUnhealthy",
            "max by (" + by + ", check) (" + select(HEALTH_CHECK_STATUS) + ") >= 3",
            healthFor,
            "page",
            "{{ $labels.service }}: health check {{ $labels.check }} is unhealthy",
            "The health check {{ $labels.check }} has reported UNHEALTHY (3) for "
                + DurationText.format(healthFor)
                + ".",
            "reliabilityhealthcheckunhealthy"));
    alerts.add(
        alert(
            "ReliabilityHealthCheckDegraded",
            "max by (" + by + ", check) (" + select(HEALTH_CHECK_STATUS) + ") == 1",
            healthFor,
            "ticket",
            "{{ $labels.service }}: health check {{ $labels.check }} is degraded",
            "The health check {{ $labels.check }} has reported DEGRADED (1) for "
                + DurationText.format(healthFor)
                + ".",
            "reliabilityhealthcheckdegraded"));
    alerts.add(
        alert(
            "ReliabilityProbeFailing",
            "max by (" + by + ", probe) (" + select(HEALTH_PROBE_STATUS) + ") >= 3",
            healthFor,
            "ticket",
            "{{ $labels.service }}: {{ $labels.probe }} probe fails",
            "The {{ $labels.probe }} probe has answered UNHEALTHY for "
                + DurationText.format(healthFor)
                + "; the orchestrator takes the instance out of rotation or restarts it.",
            "reliabilityprobefailing"));
    alerts.add(
        alert(
            "ReliabilityHeapPressure",
            "max by (" + by + ") (" + heap + ") > " + number(heapPressure),
            Duration.ofMinutes(5),
            "ticket",
            "{{ $labels.service }}: heap after GC is above " + percent(heapPressure),
            "More than "
                + percent(heapPressure)
                + " of the long-lived heap is still in use after garbage collection.",
            "reliabilityheappressure"));
    alerts.add(
        alert(
            "ReliabilitySuspectedMemoryLeak",
            "max by ("
                + by
                + ") ("
                + heap
                + ") > 0.5\nand on ("
                + by
                + ")\nmax by ("
                + by
                + ") (deriv("
                + heap
                + "[1h])) > 0",
            Duration.ofMinutes(30),
            "ticket",
            "{{ $labels.service }}: heap after GC keeps growing",
            "The share of the long-lived heap in use after garbage collection is above 50% and has"
                + " grown for more than 30m; memory that survives collections is not being"
                + " released.",
            "reliabilitysuspectedmemoryleak"));
    alerts.add(
        alert(
            "ReliabilityConnectionsNearCapacity",
            "max by ("
                + by
                + ", registry) ("
                + select(CONNECTIONS_ACTIVE)
                + " / "
                + select(CONNECTIONS_MAX)
                + ") > "
                + number(connectionsNearCapacity),
            Duration.ofMinutes(5),
            "ticket",
            "{{ $labels.service }}: connection registry {{ $labels.registry }} is nearly full",
            "The connection registry {{ $labels.registry }} holds more than "
                + percent(connectionsNearCapacity)
                + " of its capacity; new connections will soon be refused.",
            "reliabilityconnectionsnearcapacity"));
    alerts.add(
        alert(
            "ReliabilityCardinalityOverflow",
            "sum by ("
                + by
                + ", meter, tag) (increase("
                + select(CARDINALITY_OVERFLOW)
                + "[15m])) > 0",
            Duration.ZERO,
            "ticket",
            "{{ $labels.service }}: meter {{ $labels.meter }} hit its cap on tag {{ $labels.tag }}",
            "New values of tag {{ $labels.tag }} of meter {{ $labels.meter }} are being recorded"
                + " as _overflow because the meter reached its cap.",
            "reliabilitycardinalityoverflow"));
    return alerts;
  }

  /**
   * Returns every alert: the SLO alerts, then the operational ones.
   *
   * @return every alert
   */
  public List<AlertRule> alerts() {
    List<AlertRule> all = new ArrayList<>(sloAlerts());
    all.addAll(operationalAlerts());
    return all;
  }

  /**
   * Returns the distinct alert names.
   *
   * @return the names, in order of first appearance
   */
  public Set<String> alertNames() {
    Set<String> names = new LinkedHashSet<>();
    alerts().forEach(a -> names.add(a.name()));
    return names;
  }

  private AlertRule alert(
      String name,
      String expr,
      Duration pendingFor,
      String severity,
      String summary,
      String description,
      String runbook) {
    return new AlertRule(
        name, expr, pendingFor, Map.of("severity", severity), summary, description, runbook);
  }

  /**
   * Returns a selector that also matches this declaration's service, or the selector itself when
   * the declaration covers every service.
   *
   * @param selector a metric name with optional label matchers, such as {@code m{a="b"}}
   * @return such as {@code m{service="checkout",a="b"}}
   */
  String select(String selector) {
    if (service == null) {
      return selector;
    }
    String matcher = SERVICE_LABEL + "=\"" + service + "\"";
    int brace = selector.indexOf('{');
    if (brace < 0) {
      return selector + "{" + matcher + "}";
    }
    String rest = selector.substring(brace + 1);
    return selector.substring(0, brace + 1)
        + matcher
        + (rest.strip().startsWith("}") ? "" : ",")
        + rest;
  }

  private String sum(String inner) {
    return "sum by (" + String.join(", ", groupBy) + ") (" + inner + ")";
  }

  /**
   * Formats a number the way it is written in rules: at most ten significant digits, no trailing
   * zeros, no exponent.
   *
   * @param value the number
   * @return such as {@code 0.0144}
   */
  static String number(double value) {
    return new BigDecimal(value).round(new MathContext(10)).stripTrailingZeros().toPlainString();
  }

  static String percent(double fraction) {
    return number(fraction * 100).replace("E", "e").toLowerCase(Locale.ROOT) + "%";
  }

  /** Builds a {@link MonitoringDeclaration}. Not thread-safe. */
  public static final class Builder {
    private final List<Slo> slos = new ArrayList<>();
    private List<String> groupBy = List.of("service", "environment");
    private double errorRateTicket = 0.05;
    private double errorRatePage = 0.10;
    private Duration latencyP99Ticket = Duration.ofSeconds(5);
    private Duration latencyP99Page = Duration.ofSeconds(10);
    private long minimumRequests = 20;
    private Duration healthFor = Duration.ofMinutes(5);
    private double heapPressure = 0.8;
    private double connectionsNearCapacity = 0.9;
    private Duration noTrafficFor = Duration.ofMinutes(5);
    private String runbookBase = DEFAULT_RUNBOOK_BASE;
    private String service;

    private Builder() {}

    /**
     * Scopes the files to one service: every selector of the rules also matches {@code
     * service="<name>"}, the promtool tests use that service, and the dashboard is titled after it
     * with its own uid ({@code reliability-<name>}). {@link #groupBy} must then include {@value
     * #SERVICE_LABEL}. Default: none, the files cover every service.
     *
     * @param service 1 to 28 letters, digits, {@code .}, {@code _} or {@code -}, starting with a
     *     letter or digit
     * @return this builder
     * @throws IllegalArgumentException if the name does not match
     */
    public Builder service(String service) {
      Checks.notNull("service", service);
      Checks.check(
          service.length() <= 28 && SERVICE.matcher(service).matches(),
          "service",
          SERVICE_RULE,
          "\"" + service + "\"");
      this.service = service;
      return this;
    }

    /**
     * Adds an SLO.
     *
     * @param slo the SLO; names must be unique
     * @return this builder
     * @throws IllegalArgumentException if an SLO of that name was added before
     */
    public Builder slo(Slo slo) {
      Checks.notNull("slo", slo);
      for (Slo s : slos) {
        Checks.check(!s.name().equals(slo.name()), "slo", "a new name", slo.name());
      }
      slos.add(slo);
      return this;
    }

    /**
     * Sets the labels every rule aggregates by. Default {@code service, environment} (the common
     * tags).
     *
     * @param labels one or more label names
     * @return this builder
     */
    public Builder groupBy(String... labels) {
      Checks.notNull("labels", labels);
      Checks.check(labels.length > 0, "labels", "at least one label", 0);
      for (String l : labels) {
        Checks.check(l != null && l.matches("[a-zA-Z_][a-zA-Z0-9_]*"), "label", "a label name", l);
      }
      this.groupBy = List.of(labels);
      return this;
    }

    /**
     * Sets the 5xx ratios that raise a ticket and a page. Defaults 0.05 and 0.10.
     *
     * @param ticket the ticket threshold
     * @param page the page threshold, at least {@code ticket}
     * @return this builder
     */
    public Builder errorRate(double ticket, double page) {
      Checks.fraction("ticket", ticket);
      Checks.fraction("page", page);
      Checks.check(page >= ticket, "page", "at least ticket (" + ticket + ")", page);
      this.errorRateTicket = ticket;
      this.errorRatePage = page;
      return this;
    }

    /**
     * Sets the p99 latencies that raise a ticket and a page. Defaults 5s and 10s. Choose values
     * that are histogram buckets, or the quantile is interpolated.
     *
     * @param ticket the ticket threshold
     * @param page the page threshold, at least {@code ticket}
     * @return this builder
     */
    public Builder latencyP99(Duration ticket, Duration page) {
      Checks.positive("ticket", ticket);
      Checks.positive("page", page);
      Checks.check(
          page.compareTo(ticket) >= 0,
          "page",
          "at least ticket (" + DurationText.format(ticket) + ")",
          DurationText.format(page));
      this.latencyP99Ticket = ticket;
      this.latencyP99Page = page;
      return this;
    }

    /**
     * Sets the fewest requests in 5 minutes for the error-rate and latency alerts. Default 20.
     *
     * @param minimumRequests at least 1
     * @return this builder
     */
    public Builder minimumRequests(long minimumRequests) {
      this.minimumRequests = Checks.positive("minimumRequests", minimumRequests);
      return this;
    }

    /**
     * Sets how long a health check or probe must be degraded or unhealthy. Default 5m.
     *
     * @param healthFor the duration
     * @return this builder
     */
    public Builder healthFor(Duration healthFor) {
      this.healthFor = Checks.positive("healthFor", healthFor);
      return this;
    }

    /**
     * Sets the heap-after-GC share that raises a ticket. Default 0.8.
     *
     * @param heapPressure a fraction
     * @return this builder
     */
    public Builder heapPressure(double heapPressure) {
      this.heapPressure = Checks.fraction("heapPressure", heapPressure);
      return this;
    }

    /**
     * Sets the connection registry fill level that raises a ticket. Default 0.9.
     *
     * @param fraction a fraction
     * @return this builder
     */
    public Builder connectionsNearCapacity(double fraction) {
      this.connectionsNearCapacity = Checks.fraction("fraction", fraction);
      return this;
    }

    /**
     * Sets how long a service may receive no requests. Default 5m.
     *
     * @param noTrafficFor the duration
     * @return this builder
     */
    public Builder noTrafficFor(Duration noTrafficFor) {
      this.noTrafficFor = Checks.positive("noTrafficFor", noTrafficFor);
      return this;
    }

    /** The longest runbook URL {@link #runbookBase(String)} accepts. */
    public static final int MAX_RUNBOOK_BASE = 2048;

    /**
     * Sets the URL of the page holding the runbook entries; each alert links to {@code
     * <base>#<alert name in lower case>}.
     *
     * @param runbookBase an http or https URL of at most {@value #MAX_RUNBOOK_BASE} characters,
     *     without white space (it is copied into every alert's annotations)
     * @return this builder
     */
    public Builder runbookBase(String runbookBase) {
      Checks.notNull("runbookBase", runbookBase);
      Checks.check(
          runbookBase.length() <= MAX_RUNBOOK_BASE
              && (runbookBase.startsWith("https://") || runbookBase.startsWith("http://"))
              && runbookBase.chars().noneMatch(c -> Character.isWhitespace(c) || c < 0x20),
          "runbookBase",
          "an http or https URL of at most " + MAX_RUNBOOK_BASE + " characters without white space",
          runbookBase.length() > 64 ? runbookBase.substring(0, 64) + "..." : runbookBase);
      this.runbookBase = runbookBase;
      return this;
    }

    /**
     * Builds the declaration.
     *
     * @return the declaration
     * @throws IllegalArgumentException if a service is set and {@link #groupBy} leaves out {@value
     *     #SERVICE_LABEL}
     */
    public MonitoringDeclaration build() {
      // The recorded SLO series of one service's file must carry its service label, or the files
      // of two services would record the same series.
      Checks.check(
          service == null || groupBy.contains(SERVICE_LABEL),
          "groupBy",
          "labels that include " + SERVICE_LABEL + " when a service is set",
          String.join(",", groupBy));
      return new MonitoringDeclaration(this);
    }
  }
}
