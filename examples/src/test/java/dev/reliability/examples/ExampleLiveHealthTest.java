package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The incident of issue 12, defect 5: with the backend failing and every quote answered 503
 * CIRCUIT_OPEN, the detailed view must say the breaker is open at once, not serve a result cached
 * from before the outage. The cache TTL is a minute here, so a cached result could not expire
 * during the test.
 */
class ExampleLiveHealthTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ExampleService service;

  @BeforeEach
  void start() throws Exception {
    service =
        ExampleService.start(
            ExampleServiceContractTest.config(Map.of("reliability.health.cache-ttl", "60s")));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void theDetailedViewShowsTheBreakerOpenOnTheFirstRequestAfterItOpened() throws Exception {
    JsonNode before = JSON.readTree(get("/health").body());
    assertThat(post("/admin/chaos?failureRate=1&latencyMs=0").statusCode()).isEqualTo(200);
    int circuitOpen = 0;
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> quote = get("/api/quote");
      assertThat(quote.statusCode()).isEqualTo(503);
      if (JSON.readTree(quote.body()).path("error_code").asText().equals("CIRCUIT_OPEN")) {
        circuitOpen++;
      }
    }

    JsonNode during = JSON.readTree(get("/health").body());

    assertThat(before.path("status").asText()).isEqualTo("healthy");
    assertThat(circuitOpen).isGreaterThanOrEqualTo(38); // failure-threshold 2
    assertThat(during.path("status").asText()).isEqualTo("degraded");
    JsonNode breaker = during.path("checks").path("quote-backend-circuit");
    assertThat(breaker.path("status").asText()).isEqualTo("degraded");
    assertThat(breaker.path("message").asText())
        .isEqualTo("circuit breaker quote-backend is open; calls fail fast");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.port() + path);
  }
}
