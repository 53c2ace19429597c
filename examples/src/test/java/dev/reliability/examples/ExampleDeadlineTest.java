package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArgument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two services and one deadline: a request to the example with {@code X-Request-Timeout-Ms: 300}
 * while the quote backend is slow. The backend sees the time left in the same header, and the
 * example answers 504 {@code DEADLINE_EXCEEDED} by the deadline, not after its own 2 s time limit
 * and two retries.
 */
class ExampleDeadlineTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExampleService service;
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void start() throws Exception {
    logs = new ListAppender<>();
    logs.start();
    backendLogger().addAppender(logs);
    Map<String, String> values = new HashMap<>();
    values.put("example.port", "0");
    // The example's own limits are far longer than the caller's deadline.
    values.put("reliability.timelimiter.quote-backend.timeout", "2s");
    values.put("reliability.retry.quote-backend.max-retries", "2");
    values.put("reliability.health.shutdown-drain-time", "1s");
    service = ExampleService.start(ConfigSource.fromMap("test", values));
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    backendLogger().detachAppender(logs);
  }

  private static Logger backendLogger() {
    return (Logger) LoggerFactory.getLogger(QuoteBackend.class);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.port() + path);
  }

  @Test
  void aSlowBackendGives504DeadlineExceededByTheCallersDeadline() throws Exception {
    assertThat(
            send(HttpRequest.newBuilder(uri("/admin/chaos?latencyMs=3000"))
                    .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(200);

    long begin = System.nanoTime();
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/api/quote"))
                .header("X-Request-Timeout-Ms", "300")
                .timeout(Duration.ofSeconds(30))
                .GET());
    Duration took = Duration.ofNanos(System.nanoTime() - begin);

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("error_code").asText()).isEqualTo("DEADLINE_EXCEEDED");
    // By the deadline, with room for a loaded machine; without it: 2 s time limit, then retries.
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(250))
        .isLessThan(Duration.ofMillis(1500));
    // The backend was asked once, with the time that was left, never more than the caller gave.
    List<Long> seen = deadlinesSeenByTheBackend();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).isBetween(1L, 300L);
  }

  @Test
  void withoutTheHeaderTheExamplesContractIsUnchanged() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/quote")).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(deadlinesSeenByTheBackend()).isEmpty();
  }

  private List<Long> deadlinesSeenByTheBackend() {
    return logs.list.stream()
        .filter(e -> e.getMessage().equals("quote requested"))
        .map(
            e -> {
              for (Object a : e.getArgumentArray()) {
                if (a instanceof StructuredArgument s && s.toString().startsWith("deadline_ms=")) {
                  return Long.parseLong(s.toString().substring("deadline_ms=".length()));
                }
              }
              return -1L;
            })
        .toList();
  }
}
