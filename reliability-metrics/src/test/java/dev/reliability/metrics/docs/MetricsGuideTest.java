package dev.reliability.metrics.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.metrics.BusinessMetrics;
import dev.reliability.metrics.CacheMetrics;
import dev.reliability.metrics.CostCounter;
import dev.reliability.metrics.KeyedCounter;
import dev.reliability.metrics.OutcomeCounter;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.metrics.export.CapabilityReport;
import dev.reliability.metrics.http.HttpServerMetricsFilter;
import dev.reliability.metrics.http.HttpServerMetricsServletFilter;
import dev.reliability.metrics.prometheus.PrometheusScrapeServlet;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.Test;

/** The code shown in docs/metrics.md; the docs check asserts the text matches. */
class MetricsGuideTest {

  private final HttpHandler handler =
      exchange -> {
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      };

  @Test
  void quickStart() throws Exception {
    // docs/metrics.md: quick start
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .environment("production")
            .configSource(ConfigSource.standard())
            .build()) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      HttpContext orders = server.createContext("/orders", handler);
      orders.getFilters().add(HttpServerMetricsFilter.create(metrics.httpServer()));
      server.createContext("/metrics", metrics.scrapeHandler());
      server.start();

      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      HttpClient client = HttpClient.newHttpClient();
      client.send(
          HttpRequest.newBuilder(URI.create(base + "/orders")).build(),
          HttpResponse.BodyHandlers.discarding());
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> metrics.httpServer().requestCount() == 1);
      String scrape =
          client
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      server.stop(0);

      assertThat(scrape)
          .contains(
              "reliability_http_server_requests_seconds_count{environment=\"production\","
                  + "method=\"GET\",route=\"/orders\",service=\"checkout\",status_class=\"2xx\"} 1");
    }
  }

  @Test
  void policies() {
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .configSource(ConfigSource.fromMap("test", java.util.Map.of()))
            .build()) {
      // docs/metrics.md: policies
      PolicyRegistry policies = PolicyRegistry.ofDefaults();
      PolicyMetrics.of(policies).bindTo(metrics.registry());
      Policy inventory = policies.policy("inventory");

      inventory.execute(() -> "in stock");
      assertThat(metrics.prometheus().orElseThrow().scrape())
          .contains(
              "reliability_policy_calls_seconds_count{name=\"inventory\",outcome=\"success\","
                  + "service=\"checkout\"} 1")
          .contains(
              "reliability_circuitbreaker_state{name=\"inventory\",service=\"checkout\","
                  + "state=\"closed\"} 1");
      policies.close();
    }
  }

  @Test
  void businessMetersCacheLintAndCapabilities() {
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .prefix("shop")
            .configSource(ConfigSource.fromMap("test", java.util.Map.of()))
            .build()) {
      // docs/metrics.md: business meters
      BusinessMetrics business = metrics.business();
      OutcomeCounter orders = business.outcomes("orders");
      orders.success();
      orders.failure(new ServiceTimeoutException("pricing", Duration.ofSeconds(2)));
      CostCounter llm = business.cost("llm");
      llm.add("gemini", "usd", 0.0042);
      KeyedCounter perTenant = business.keyed("requests", "tenant", 100);
      perTenant.increment("acme");

      // docs/metrics.md: cache hit and miss
      Cache<String, String> reports =
          Caffeine.newBuilder().maximumSize(1_000).recordStats().build();
      CacheMetrics.monitor(metrics.registry(), reports, "reports");

      // docs/metrics.md: capability report
      CapabilityReport capabilities = metrics.exporters().orElseThrow().capabilityReport();
      assertThat(capabilities.warnings()).isEmpty();

      assertThat(metrics.prometheus().orElseThrow().scrape())
          .contains("shop_orders_total{error_code=\"SERVICE_TIMEOUT\",outcome=\"failure\"")
          .contains("shop_llm_cost_total{provider=\"gemini\",service=\"checkout\",unit=\"usd\"}")
          .contains("cache_gets_total{cache=\"reports\",result=\"hit\"");
    }
  }

  @Test
  void servlets() throws Exception {
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .jvmMetrics(false)
            .configSource(ConfigSource.fromMap("test", java.util.Map.of()))
            .build()) {
      ServletContextHandler context = new ServletContextHandler();
      // docs/metrics.md: servlets
      context.addFilter(
          new FilterHolder(HttpServerMetricsServletFilter.create(metrics.httpServer())),
          "/*",
          null);
      context.addServlet(
          new ServletHolder(new PrometheusScrapeServlet(metrics.prometheus().orElseThrow())),
          "/metrics");

      org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
      org.eclipse.jetty.server.ServerConnector connector =
          new org.eclipse.jetty.server.ServerConnector(server);
      connector.setHost("127.0.0.1");
      server.addConnector(connector);
      server.setHandler(context);
      server.start();
      try {
        String body =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body).contains("reliability_http_server_active_requests");
      } finally {
        server.stop();
      }
    }
  }
}
