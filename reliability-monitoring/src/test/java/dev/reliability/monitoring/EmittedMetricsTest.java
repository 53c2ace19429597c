package dev.reliability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.BulkheadConfig;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.HedgeConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.core.shedding.LoadShedder;
import dev.reliability.core.shedding.LoadSheddingConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.metrics.BusinessMetrics;
import dev.reliability.metrics.CacheMetrics;
import dev.reliability.metrics.CardinalityGuard;
import dev.reliability.metrics.ConnectionRegistryMetrics;
import dev.reliability.metrics.HealthMetrics;
import dev.reliability.metrics.LeakDetectorMetrics;
import dev.reliability.metrics.LoadSheddingMetrics;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.RuntimeMetrics;
import dev.reliability.metrics.http.HttpServerMetrics;
import dev.reliability.monitoring.internal.ExpositionParser;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Binds every meter this module can bind into one Prometheus registry, scrapes it, and checks that
 * every metric a generated rule or dashboard panel reads is really there.
 */
class EmittedMetricsTest {

  /**
   * Metrics bound by code that is not on this branch yet, keyed by the binder class that will emit
   * them. The test fails as soon as such a class appears, so that it gets bound here and its names
   * are checked against a real scrape.
   */
  static final Map<String, Set<String>> PENDING = Map.of();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RuntimeMetrics runtime = RuntimeMetrics.create();
  private final ConnectionRegistry<Object> connections =
      ConnectionRegistry.builder(ConnectionTransport.discarding())
          .config(
              ConnectionRegistryConfig.builder()
                  .name("websocket")
                  .sweepInterval(Duration.ZERO)
                  .build())
          .build();
  private final HealthCheckRegistry health = HealthCheckRegistry.builder().build();
  private final LeakDetector leaks =
      LeakDetector.builder()
          .name("app")
          .config(LeakDetectorConfig.builder().jvmGauges(false).build())
          .timeSource(ManualTimeSource.create())
          .build();

  private final Policy policy =
      Policy.builder("payments")
          .retry(RetryConfig.builder().budget(RetryBudget.of(0.2, 10)).build())
          .circuitBreaker(CircuitBreakerConfig.ofDefaults())
          .rateLimiter(RateLimiterConfig.perSecond(100))
          .bulkhead(BulkheadConfig.ofDefaults())
          .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(5)))
          .throttle(ThrottleConfig.ofDefaults())
          .hedge(HedgeConfig.ofDelay(Duration.ofMillis(250)))
          .executor(Runnable::run)
          .build();

  private final Policy limited =
      Policy.builder("inventory")
          .adaptiveLimit(AdaptiveLimitConfig.builder().partition("critical", 0.2).build())
          .chaos(dev.reliability.core.policy.ChaosConfig.ofDefaults())
          .executor(Runnable::run)
          .build();

  @BeforeEach
  void bindEverything() {
    registry.config().commonTags("service", "checkout", "environment", "production");
    runtime.bindTo(registry);
    HttpServerMetrics http = HttpServerMetrics.ofDefaults(registry);
    http.record("GET", "/orders", 200, null, 1_000_000);
    http.record("GET", "/orders", 503, "SERVICE_UNAVAILABLE", 1_000_000);
    Cache<String, String> cache = Caffeine.newBuilder().recordStats().build();
    CacheMetrics.monitor(registry, cache, "reports");
    BusinessMetrics business = BusinessMetrics.of(registry, "shop");
    business.outcomes("orders").success();
    business.cost("api").add("gemini", "usd", 0.5);
    business.keyed("requests", "tenant", 10).increment("acme");
    CardinalityGuard.builder("shop.requests", "tenant").build(registry);
    ConnectionRegistryMetrics.of(connections).bindTo(registry);
    health.register("database", HealthCheckResult::healthy);
    health.lifecycle().markStartupComplete();
    HealthMetrics.of(health).bindTo(registry);
    LeakDetectorMetrics.of(leaks).bindTo(registry);
    health.readiness();
    PolicyMetrics.of(policy).bindTo(registry);
    policy.execute(() -> "paid");
    PolicyMetrics.of(limited).bindTo(registry);
    limited.execute(() -> "in stock");
    LoadShedder shedder =
        LoadShedder.builder(LoadSheddingConfig.ofDefaults())
            .timeSource(ManualTimeSource.create())
            .build();
    LoadSheddingMetrics.of(shedder).bindTo(registry);
    shedder.acquire("GET", "/orders", h -> null).complete(200);
  }

  @AfterEach
  void close() {
    runtime.close();
    connections.close();
    health.close();
    leaks.close();
    policy.close();
    limited.close();
  }

  private Set<String> emitted() {
    ExpositionParser.Result scrape = ExpositionParser.parse(registry.scrape());
    assertThat(scrape.errors()).isEmpty();
    return scrape.sampleNames();
  }

  private static Set<String> recorded(MonitoringDeclaration declaration) {
    Set<String> names = new TreeSet<>();
    declaration.recordingRules().forEach(r -> names.add(r.record()));
    return names;
  }

  @Test
  void everyRuleAndPanelReadsAMetricTheCodeEmitsOrARecordingRule() {
    MonitoringDeclaration declaration = MonitoringDeclaration.defaults();
    List<String> expressions = new ArrayList<>();
    declaration.recordingRules().forEach(r -> expressions.add(r.expr()));
    declaration.alerts().forEach(a -> expressions.add(a.expr()));
    expressions.addAll(GrafanaDashboard.expressions(declaration));

    Set<String> known = new TreeSet<>(emitted());
    known.addAll(recorded(declaration));
    PENDING.values().forEach(known::addAll);

    List<String> unknown = new ArrayList<>();
    for (String expr : expressions) {
      for (String name : PromQl.metricNames(expr)) {
        if (!known.contains(name)) {
          unknown.add(name + " in: " + expr.replace('\n', ' '));
        }
      }
    }
    assertThat(unknown).isEmpty();
    assertThat(expressions).hasSizeGreaterThan(60);
  }

  @Test
  void pendingBindersAreNotOnTheClassPathYet() {
    for (String binder : PENDING.keySet()) {
      assertThat(classPresent(binder))
          .as(binder + " exists now: bind it in this test and drop its names from PENDING")
          .isFalse();
    }
  }

  @Test
  void theSloSelectorsMatchRealSeries() {
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("reliability_http_server_requests_seconds_bucket{")
        .contains("le=\"1.0\"")
        .contains("status_class=\"5xx\"");
  }

  @Test
  void theWholeLibraryScrapeIsLintClean() {
    // promtool check metrics reports exactly these three for Micrometer's own JVM binders.
    assertThat(MetricsLint.ofDefaults().check(registry).problems())
        .extracting(p -> p.metric())
        .containsExactlyInAnyOrderElementsOf(MetricsLint.MICROMETER_EXCEPTIONS);
    LintReport report =
        MetricsLint.builder()
            .maxSeries(5_000)
            .ignore(MetricsLint.MICROMETER_EXCEPTIONS)
            .build()
            .check(registry);
    assertThat(report.problems()).isEmpty();
    assertThat(report.seriesCount()).isPositive();
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
