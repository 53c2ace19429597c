package dev.reliability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MonitoringDeclarationTest {

  @Test
  void burnRateTiersUseTheSreWorkbookWindowsAndFactors() {
    assertThat(BurnRateTier.values())
        .extracting(
            t ->
                t.tier()
                    + " "
                    + t.severity()
                    + " "
                    + t.longWindow()
                    + "/"
                    + t.shortWindow()
                    + " "
                    + t.factor())
        .containsExactly(
            "1 page PT1H/PT5M 14.4",
            "2 page PT6H/PT30M 6.0",
            "3 ticket PT24H/PT2H 3.0",
            "4 ticket PT72H/PT6H 1.0");
  }

  @Test
  void theDefaultMinimumTrafficKeepsOneBadEventBelowTheThreshold() {
    Slo slo = MonitoringDeclaration.httpAvailability();
    for (BurnRateTier t : BurnRateTier.values()) {
      long n = slo.minimumEvents(t);
      double threshold = t.factor() * slo.errorBudget();
      assertThat(1.0 / n).as(t.name()).isLessThanOrEqualTo(threshold + 1e-12);
      assertThat(1.0 / (n - 1)).as(t.name()).isGreaterThan(threshold);
    }
    assertThat(slo.minimumEvents(BurnRateTier.PAGE_FAST)).isEqualTo(70);
    assertThat(slo.minimumEvents(BurnRateTier.TICKET_SLOW)).isEqualTo(1000);
    Slo fixed = Slo.builder("x").good("a{b=\"c\"}").total("a").minimumEvents(500).build();
    assertThat(fixed.minimumEvents(BurnRateTier.PAGE_FAST)).isEqualTo(500);
  }

  @Test
  void theFastestTierReadsBothWindowsAndTheGuard() {
    AlertRule tier1 = MonitoringDeclaration.defaults().sloAlerts().get(0);
    assertThat(tier1.expr())
        .isEqualTo(
            "(\n"
                + "  slo:sli_error:ratio_rate1h{slo=\"http-availability\"} > 0.0144\n"
                + "  and\n"
                + "  slo:sli_error:ratio_rate5m{slo=\"http-availability\"} > 0.0144\n"
                + ")\n"
                + "and on (service, environment)\n"
                + "sum by (service, environment)"
                + " (increase(reliability_http_server_requests_seconds_count[1h])) >= 70");
    assertThat(tier1.labels())
        .containsExactly(
            java.util.Map.entry("severity", "page"),
            java.util.Map.entry("slo", "http-availability"),
            java.util.Map.entry("tier", "1"));
    assertThat(tier1.pendingFor()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void everyAlertNameIsListed() {
    assertThat(MonitoringDeclaration.defaults().alertNames())
        .containsExactly(
            "ReliabilityErrorBudgetBurn",
            "ReliabilityMetricsAbsent",
            "ReliabilityHighErrorRate",
            "ReliabilityHighLatency",
            "ReliabilityNoTraffic",
            "ReliabilityCircuitBreakerOpen",
            "ReliabilityBulkheadFull",
            "ReliabilityAdaptiveLimitAtMinimum",
            "ReliabilityConcurrencyLimited",
            "ReliabilityLoadShedding",
            "ReliabilityThrottleRejecting",
            "ReliabilityHedgeBudgetExhausted",
            "ReliabilityHealthCheckUnhealthy",
            "ReliabilityHealthCheckDegraded",
            "ReliabilityProbeFailing",
            "ReliabilityHeapPressure",
            "ReliabilitySuspectedMemoryLeak",
            "ReliabilityConnectionsNearCapacity",
            "ReliabilityCardinalityOverflow");
  }

  @Test
  void numbersAreWrittenWithoutFloatingPointNoise() {
    assertThat(MonitoringDeclaration.number(1 - 0.999)).isEqualTo("0.001");
    assertThat(MonitoringDeclaration.number(14.4 * (1 - 0.999))).isEqualTo("0.0144");
    assertThat(MonitoringDeclaration.number(10)).isEqualTo("10");
    assertThat(MonitoringDeclaration.percent(0.999)).isEqualTo("99.9%");
  }

  @Test
  void validatesItsInput() {
    assertThatThrownBy(() -> Slo.builder("Bad Name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "name must be lower-case letters, digits and '-' (at most 63), was \"Bad Name\"");
    assertThatThrownBy(() -> Slo.builder("x").objective(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("objective must be between 0.5 and 0.99999, was 1.0");
    assertThatThrownBy(() -> Slo.builder("x").window(Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be between 1d and 90d, was 1h");
    assertThatThrownBy(() -> Slo.builder("x").good("rate(x[5m])"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "selector must be a metric name with optional {label matchers}, was \"rate(x[5m])\"");
    assertThatThrownBy(() -> Slo.builder("x").good("a").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("SLO x needs both a good and a total selector");
    assertThatThrownBy(
            () ->
                MonitoringDeclaration.builder()
                    .slo(MonitoringDeclaration.httpLatency())
                    .slo(MonitoringDeclaration.httpLatency()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slo must be a new name, was http-latency");
    assertThatThrownBy(() -> MonitoringDeclaration.builder().errorRate(0.2, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page must be at least ticket (0.2), was 0.1");
    assertThatThrownBy(() -> MonitoringDeclaration.builder().runbookBase("docs/alerts.md"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "runbookBase must be an http or https URL of at most 2048 characters without white"
                + " space, was docs/alerts.md");
    String tooLong = "https://x/" + "a".repeat(MonitoringDeclaration.Builder.MAX_RUNBOOK_BASE);
    assertThatThrownBy(() -> MonitoringDeclaration.builder().runbookBase(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(", was " + tooLong.substring(0, 64) + "...");
    assertThatThrownBy(() -> MonitoringDeclaration.builder().runbookBase("https://x/a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDeclarationOfYourOwnGeneratesItsRules() {
    // docs/alerts.md: a declaration of your own
    MonitoringDeclaration declaration =
        MonitoringDeclaration.builder()
            .slo(
                Slo.builder("checkout-availability")
                    .objective(0.995)
                    .good("reliability_http_server_requests_seconds_count{status_class!=\"5xx\"}")
                    .total("reliability_http_server_requests_seconds_count")
                    .build())
            .build();
    String rules = MonitoringFiles.prometheusRules(declaration);

    assertThat(rules).contains("slo: checkout-availability").contains("> 0.072");
    assertThat(RuleTests.render("{{ $labels.service }} x", java.util.Map.of("service", "s")))
        .isEqualTo("s x");
  }

  @Test
  void aServiceDeclarationMatchesTheServiceInEverySelectorOfEveryRule() {
    MonitoringDeclaration declaration =
        MonitoringDeclaration.builder()
            .service("checkout")
            .slo(MonitoringDeclaration.httpAvailability())
            .slo(MonitoringDeclaration.httpLatency())
            .build();
    List<String> exprs = new ArrayList<>();
    declaration.recordingRules().forEach(r -> exprs.add(r.expr()));
    declaration.alerts().forEach(a -> exprs.add(a.expr()));
    int selectors = 0;
    for (String expr : exprs) {
      for (String metric : PromQl.metricNames(expr)) {
        Matcher m = Pattern.compile(Pattern.quote(metric) + "(?![a-zA-Z0-9_:])").matcher(expr);
        while (m.find()) {
          selectors++;
          assertThat(expr.substring(m.end()))
              .as("%s in %s", metric, expr)
              .startsWith("{service=\"checkout\"");
        }
      }
    }
    assertThat(selectors).isGreaterThan(exprs.size());
    assertThat(declaration.service()).contains("checkout");
    assertThat(MonitoringDeclaration.defaults().service()).isEmpty();
  }

  @Test
  void theServiceMatcherGoesFirstInTheSelector() {
    MonitoringDeclaration declaration = MonitoringDeclaration.builder().service("a.b-c_1").build();

    assertThat(declaration.select("m")).isEqualTo("m{service=\"a.b-c_1\"}");
    assertThat(declaration.select("m{}")).isEqualTo("m{service=\"a.b-c_1\"}");
    assertThat(declaration.select("m{x=\"y\",z!=\"w\"}"))
        .isEqualTo("m{service=\"a.b-c_1\",x=\"y\",z!=\"w\"}");
    assertThat(MonitoringDeclaration.defaults().select("m{x=\"y\"}")).isEqualTo("m{x=\"y\"}");
  }

  @Test
  void aServiceFileSetTitlesTheDashboardAndUsesTheServiceInItsRuleTests() {
    MonitoringDeclaration declaration =
        MonitoringDeclaration.builder()
            .service("payments")
            .slo(MonitoringDeclaration.httpAvailability())
            .build();

    assertThat(GrafanaDashboard.json(declaration))
        .contains("\"title\" : \"Reliability: payments\"")
        .contains("\"uid\" : \"reliability-payments\"");
    String tests = MonitoringFiles.ruleTests(declaration);
    assertThat(tests)
        .contains("service=\\\"payments\\\"")
        .contains("service: payments")
        .doesNotContain("checkout");
  }

  @Test
  void aServiceNameThatWouldNeedEscapingIsRejected() {
    for (String bad : List.of("", "-a", "a\"b", "a b", "a\\b", "x".repeat(29), "caf\u00e9")) {
      assertThatThrownBy(() -> MonitoringDeclaration.builder().service(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "service must be 1 to 28 letters, digits, '.', '_' or '-', starting with a letter"
                  + " or digit, was \""
                  + bad
                  + "\"");
    }
    assertThat(MonitoringDeclaration.builder().service("x".repeat(28)).build().service())
        .contains("x".repeat(28));
    assertThatThrownBy(
            () -> MonitoringDeclaration.builder().service("e2e").groupBy("environment").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "groupBy must be labels that include service when a service is set, was environment");
  }
}
