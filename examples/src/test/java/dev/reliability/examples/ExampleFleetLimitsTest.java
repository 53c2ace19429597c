package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example's fleet-wide limits are wired only with {@code REDIS_URL}: without it the service is
 * what it always was (no fleet check, no fleet refusals), and an invalid URL stops the start naming
 * the setting.
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
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
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
  void anInvalidRedisUrlStopsTheStartNamingTheSetting() {
    Map<String, String> values = baseSettings();
    values.put("example.redis-url", "http://127.0.0.1:6379");

    assertThatThrownBy(() -> service = ExampleService.start(ConfigSource.fromMap("test", values)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("example.redis-url")
        .hasMessageContaining("a redis:// or rediss:// URI");
  }
}
