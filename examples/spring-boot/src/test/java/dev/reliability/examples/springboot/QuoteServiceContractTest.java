package dev.reliability.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Spring Boot example's contract, over real HTTP and WebSocket on a real Tomcat: the same
 * answers as the plain example's, from nothing but {@code application.yml} and the starter. The
 * thresholds are lowered for the test (the breaker opens after 3 failures in a row and stays open 2
 * s, 3 WebSocket connections); everything else is the file's (a time limit of 1 s per attempt, 2
 * retries).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "reliability.policies.quote-backend.circuitbreaker.failure-threshold=3",
      "reliability.policies.quote-backend.circuitbreaker.wait-in-open=2s",
      "reliability.websocket.max-connections=3",
      "reliability.websocket.max-connections-per-key=10"
    })
class QuoteServiceContractTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> chaos(String query) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(uri("/admin/chaos?" + query))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Every test starts from a healed backend and a closed breaker. */
  @AfterEach
  void heal() throws Exception {
    assertThat(chaos("failureRate=0&latencyMs=0").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get("/api/quote").statusCode() == 200);
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode body = json(response);
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("error_code").asText()).isEqualTo(code);
    String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(body.path("request_id").asText()).isEqualTo(requestId).isNotEmpty();
  }

  @Test
  void aQuoteComesFromTheBackendThroughThePolicyWithTheCallersRequestId() throws Exception {
    HttpResponse<String> response =
        get("/api/quote?symbol=XYZ", "X-Request-ID", "contract-quote-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("contract-quote-1");
    JsonNode body = json(response);
    assertThat(body.path("symbol").asText()).isEqualTo("XYZ");
    assertThat(body.path("price").asDouble()).isPositive();
    assertThat(body.path("source").asText()).isEqualTo("quote-backend");
    assertThat(body.path("request_id").asText()).isEqualTo("contract-quote-1");
  }

  @Test
  void theReactiveRouteAnswersTheSameQuoteThroughThePolicyAsAnOperator() throws Exception {
    HttpResponse<String> response =
        get("/api/quote/reactive?symbol=ABC", "X-Request-ID", "contract-reactive-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("contract-reactive-1");
    JsonNode body = json(response);
    assertThat(body.path("symbol").asText()).isEqualTo("ABC");
    assertThat(body.path("request_id").asText()).isEqualTo("contract-reactive-1");
  }

  @Test
  void aFailingBackendOpensTheBreakerWhichFailsFastWithProblemJsonCarryingTheRequestId()
      throws Exception {
    double retriesBefore = scrape("reliability_retry_attempts_total", "quote-backend");
    assertThat(chaos("failureRate=1").statusCode()).isEqualTo(200);

    HttpResponse<String> failed = get("/api/quote", "X-Request-ID", "contract-fail-1");
    assertProblem(failed, 503, "SERVICE_UNAVAILABLE");
    assertThat(json(failed).path("request_id").asText()).isEqualTo("contract-fail-1");
    // The first call's attempts were all failures: the retries show in the scraped metrics.
    assertThat(scrape("reliability_retry_attempts_total", "quote-backend"))
        .isGreaterThanOrEqualTo(retriesBefore + 2);

    // Three failures in a row open it: from then on calls fail fast without reaching the backend.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> json(get("/api/quote")).path("error_code").asText().equals("CIRCUIT_OPEN"));
    long begin = System.nanoTime();
    HttpResponse<String> fast = get("/api/quote", "X-Request-ID", "contract-open-1");
    Duration took = Duration.ofNanos(System.nanoTime() - begin);

    assertProblem(fast, 503, "CIRCUIT_OPEN");
    assertThat(json(fast).path("request_id").asText()).isEqualTo("contract-open-1");
    assertThat(fast.headers().firstValue("Retry-After")).isPresent();
    assertThat(took).isLessThan(Duration.ofMillis(500));
    // Open breaker: the instance still answers, fast, so readiness stays up.
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void aSlowBackendIsCutByTheTimeLimitWith504() throws Exception {
    assertThat(chaos("latencyMs=3000").statusCode()).isEqualTo(200);

    assertProblem(get("/api/quote"), 504, "SERVICE_TIMEOUT");
  }

  @Test
  void aDeadlineWithNothingLeftAnswers504DeadlineExceededAtOnce() throws Exception {
    long begin = System.nanoTime();
    HttpResponse<String> response = get("/api/quote", "X-Request-Timeout-Ms", "0");

    assertProblem(response, 504, "DEADLINE_EXCEEDED");
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void badChaosParametersAreRefusedWith400NamingTheParameter() throws Exception {
    HttpResponse<String> response = chaos("failureRate=1.5");

    assertProblem(response, 400, "DATA_VALIDATION_ERROR");
    assertThat(json(response).path("detail").asText()).startsWith("failureRate must be");
  }

  @Test
  void theProbesAnswerAtThePlainExamplesPathsAndActuatorShowsTheDetailedView() throws Exception {
    for (String probe : List.of("/health/live", "/health/ready", "/health/startup")) {
      assertThat(get(probe).statusCode()).as(probe).isEqualTo(200);
    }
    for (String view : List.of("/health", "/actuator/health")) {
      HttpResponse<String> health = get(view);
      assertThat(health.statusCode()).as(view).isEqualTo(200);
      JsonNode body = json(health);
      assertThat(body.path("status").asText()).isEqualTo("UP");
      assertThat(body.path("components").isObject()).isTrue();
    }
  }

  @Test
  void metricsAreScrapedInPrometheusTextAtTheActuatorAndThePlainPath() throws Exception {
    get("/api/quote");

    for (String path : List.of("/metrics", "/actuator/prometheus")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(response.body())
          .contains(
              "reliability_policy_calls_seconds_count{",
              "reliability_circuitbreaker_state{",
              "reliability_connections_active",
              "jvm_memory_used_bytes");
    }
  }

  @Test
  void theWebSocketEchoesAndTheRegistryRefusesTheHandshakeOverCapacity() throws Exception {
    List<WebSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Echo echo = new Echo();
        WebSocket ws =
            CLIENT
                .newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), echo)
                .get(10, TimeUnit.SECONDS);
        open.add(ws);
        ws.sendText("contract-" + i, true).get(10, TimeUnit.SECONDS);
        assertThat(echo.received.get(10, TimeUnit.SECONDS)).isEqualTo("contract-" + i);
      }

      Throwable refused =
          catchThrowable(
              () ->
                  CLIENT
                      .newWebSocketBuilder()
                      .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Echo())
                      .join());

      assertThat(refused).isInstanceOf(CompletionException.class);
      assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      HttpResponse<?> answer = ((WebSocketHandshakeException) refused.getCause()).getResponse();
      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    } finally {
      for (WebSocket ws : open) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      }
    }
    // Closed connections give their slots back.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape("reliability_connections_active", null) == 0);
  }

  /**
   * Sums the samples of one Prometheus family, those tagged {@code name="<name>"} when a name is
   * given.
   */
  private double scrape(String family, String name) throws Exception {
    String text = get("/metrics").body();
    Pattern sample =
        Pattern.compile("^" + Pattern.quote(family) + "(\\{[^}\\n]*})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(text);
    double sum = 0;
    while (m.find()) {
      if (name == null || (m.group(1) != null && m.group(1).contains("name=\"" + name + "\""))) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Completes with the first text message received. */
  private static final class Echo implements WebSocket.Listener {
    final CompletableFuture<String> received = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      received.complete(data.toString());
      webSocket.request(1);
      return null;
    }
  }
}
