package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReliabilityMetricsTest {

  private static ConfigSource none() {
    return ConfigSource.fromMap("test", Map.of());
  }

  @Test
  void setsCommonTagsOncePerBackend() {
    SimpleMeterRegistry push = new SimpleMeterRegistry();
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .environment("production")
            .instance("pod-1")
            .jvmMetrics(false)
            .configSource(none())
            .addRegistry(push)
            .build()) {
      Counter.builder("reliability.test.calls").register(metrics.registry()).increment();

      String scrape = metrics.prometheus().orElseThrow().scrape();
      assertThat(scrape)
          .contains(
              "reliability_test_calls_total{environment=\"production\",service=\"checkout\"} 1.0");
      assertThat(push.get("reliability.test.calls").counter().getId().getTags())
          .extracting(t -> t.getKey() + "=" + t.getValue())
          .containsExactlyInAnyOrder(
              "environment=production", "instance=pod-1", "service=checkout");
      assertThat(metrics.commonTags())
          .extracting(t -> t.getKey() + "=" + t.getValue())
          .containsExactly("service=checkout", "environment=production");
    }
  }

  @Test
  void configurationWinsOverTheBuilder() {
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .prefix("shop")
            .configSource(
                ConfigSource.fromMap(
                    "test",
                    Map.of(
                        "reliability.metrics.service", "payments",
                        "reliability.metrics.prefix", "pay",
                        "reliability.metrics.jvm.enabled", "false")))
            .build()) {
      assertThat(metrics.commonTags()).extracting(t -> t.getValue()).containsExactly("payments");
      assertThat(metrics.business().prefix()).isEqualTo("pay");
      assertThat(metrics.registry().find("jvm.memory.used").gauges()).isEmpty();
    }
  }

  @Test
  void bindsRuntimeMetersByDefault() {
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder().service("checkout").configSource(none()).build()) {
      assertThat(metrics.prometheus().orElseThrow().scrape())
          .contains("jvm_memory_used_bytes{")
          .contains("process_cpu_usage{");
    }
  }

  @Test
  void theSeedVariableEnableMetricsTurnsEverythingOff() throws Exception {
    try (ReliabilityMetrics metrics =
        ReliabilityMetrics.builder()
            .service("checkout")
            .configSource(ConfigSource.environment(Map.of("ENABLE_METRICS", "false")))
            .build()) {
      assertThat(metrics.enabled()).isFalse();
      assertThat(metrics.prometheus()).isEmpty();
      assertThat(metrics.exporters()).isEmpty();
      MeterRegistry registry = metrics.registry();
      Counter.builder("reliability.test.calls").register(registry).increment();
      metrics.httpServer().record("GET", "/", 200, null, 1);

      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/metrics", metrics.scrapeHandler());
      server.start();
      try {
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("metrics are disabled\n");
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void aMissingServiceNameFailsAtStart() {
    assertThatThrownBy(() -> ReliabilityMetrics.builder().configSource(none()).build())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((ConfigurationException) e).problems())
                    .extracting(p -> p.describe())
                    .containsExactly(
                        "reliability.metrics.service is required and must be a service name, was"
                            + " not set"));
    assertThatThrownBy(() -> ReliabilityMetrics.builder().service(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service must be a service name, was \"\"");
  }
}
