package dev.reliability.spring.boot.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.metrics.PolicyMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

@SpringBootTest(
    classes = ReliabilityMetricsOnARealServerTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.endpoints.web.exposure.include=health,prometheus")
class ReliabilityMetricsOnARealServerTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean(destroyMethod = "close")
    PolicyRegistry policyRegistry() {
      return PolicyRegistries.retryingOnce();
    }
  }

  @LocalServerPort int port;
  @Autowired PolicyRegistry policies;
  @Autowired MeterRegistry meters;

  @Test
  void aCallThatRetriedOnceShowsInTheApplicationsMeterRegistryAndInThePrometheusScrape()
      throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(1);
    String answer =
        policies
            .policy("quote-backend")
            .execute(
                () -> {
                  if (failuresLeft.getAndDecrement() > 0) {
                    throw new ServiceUnavailableException("quote-backend", "down", null);
                  }
                  return "quote";
                });

    assertThat(answer).isEqualTo("quote");
    assertThat(
            meters
                .get(PolicyMetrics.RETRY_CALLS)
                .tag("name", "quote-backend")
                .tag("outcome", "success_after_retry")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get(PolicyMetrics.RETRY_ATTEMPTS)
                .tag("name", "quote-backend")
                .functionCounter()
                .count())
        .isEqualTo(1);

    String scrape = get("/actuator/prometheus");
    assertThat(scrape)
        .contains(
            "reliability_retry_calls_total{name=\"quote-backend\",outcome=\"success_after_retry\"}"
                + " 1.0")
        .contains("reliability_retry_attempts_total{name=\"quote-backend\"} 1.0")
        .contains(
            "reliability_policy_calls_seconds_count{name=\"quote-backend\",outcome=\"success\"} 1")
        // The WebSocket registry of this servlet application, and Boot's own JVM meters.
        .contains("reliability_connections_max{registry=\"websocket\"} 1000.0")
        .contains("jvm_memory_used_bytes{");
    List<String> series =
        scrape
            .lines()
            .filter(line -> !line.startsWith("#") && !line.isBlank())
            .map(line -> line.substring(0, line.lastIndexOf(' ')))
            .toList();
    assertThat(series).as("no series exposed twice").doesNotHaveDuplicates();
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
