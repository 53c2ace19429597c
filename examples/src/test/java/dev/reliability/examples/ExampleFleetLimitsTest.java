package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example's fleet-wide limits are wired only with {@code REDIS_URL}: without it the service is
 * what it always was (no fleet check, no fleet refusals); with a Redis that does not answer it
 * still starts and serves, within its local share, with the fleet check degraded; an invalid URL
 * stops the start naming the setting. No Redis is needed: the end-to-end script runs a real one.
 */
class ExampleFleetLimitsTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExampleService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static Map<String, String> baseSettings() {
    Map<String, String> values = new HashMap<>();
    values.put("example.port", "0");
    values.put("reliability.health.shutdown-drain-time", "0s");
    return values;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutRedisUrlThereIsNoFleetCheckAndQuotesAreNotFleetLimited() throws Exception {
    Map<String, String> values = baseSettings();
    // Far below the quotes sent: would refuse most of them if the fleet limit were wired.
    values.put("example.fleet-rate-limit", "1");
    service = ExampleService.start(ConfigSource.fromMap("test", values));

    assertThat(service.fleet()).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(get("/api/quote").statusCode()).isEqualTo(200);
    }
    JsonNode health = JSON.readTree(get("/health").body());
    assertThat(health.path("checks").has(FleetLimits.CHECK)).isFalse();
    assertThat(get("/metrics").body()).doesNotContain("reliability_fleet");
  }

  @Test
  void withARedisThatDoesNotAnswerQuotesAreServedWithinTheLocalShareAndTheFleetCheckIsDegraded()
      throws Exception {
    Map<String, String> values = baseSettings();
    values.put("example.redis-url", "redis://127.0.0.1:" + closedPort());
    // Two a second for the fleet, two instances expected: this one's share is one a second.
    values.put("example.fleet-rate-limit", "2");
    values.put("reliability.load-shedding.enabled", "false");
    service = ExampleService.start(ConfigSource.fromMap("test", values));
    assertThat(service.fleet()).isPresent();

    // Ten quotes at once: the share's one permit (and what refills meanwhile) admits a few, the
    // rest are refused by the fleet limit with the wait until its next permit.
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(
          CLIENT.sendAsync(
              HttpRequest.newBuilder(uri("/api/quote")).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int admitted = 0;
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
      if (response.statusCode() == 200) {
        admitted++;
      } else {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(response.body()).path("error_code").asText())
            .isEqualTo("RATE_LIMIT_EXCEEDED");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        refused++;
      }
    }
    assertThat(admitted).isBetween(1, 5);
    assertThat(refused).isEqualTo(10 - admitted);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        JSON.readTree(get("/health").body())
                            .path("checks")
                            .path(FleetLimits.CHECK)
                            .path("status")
                            .asText())
                    .isEqualTo("degraded"));
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").body()).contains("reliability_fleet_fallbacks");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.port() + path);
  }

  /** A loopback port nothing listens on: bound once to find it free, then closed. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void anInvalidRedisUrlStopsTheStartNamingTheSetting() {
    Map<String, String> values = baseSettings();
    values.put("example.redis-url", "http://127.0.0.1:6379");

    assertThatThrownBy(() -> service = ExampleService.start(ConfigSource.fromMap("test", values)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("example.redis-url")
        .hasMessageContaining("a redis:// or rediss:// URI");
  }
}
