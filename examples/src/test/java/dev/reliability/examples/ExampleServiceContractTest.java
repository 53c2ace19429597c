package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.examples.support.Chaos;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The example's HTTP contract (docs/example.md), checked over real HTTP and WebSocket connections
 * against the service started in-process on a free loopback port. Low thresholds make the breaker
 * open after two failures and the time limit expire after 300 ms.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExampleServiceContractTest {

  private static final int WS_MAX = 3;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static ExampleService service;
  private static ListAppender<ILoggingEvent> logs;

  static ConfigSource config(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("example.port", "0");
    values.put("example.ws-max-connections", Integer.toString(WS_MAX));
    values.put("reliability.circuitbreaker.quote-backend.failure-threshold", "2");
    values.put("reliability.circuitbreaker.quote-backend.wait-in-open", "60s");
    values.put("reliability.retry.quote-backend.max-retries", "0");
    values.put("reliability.timelimiter.quote-backend.timeout", "300ms");
    values.put("reliability.health.cache-ttl", "0s");
    values.put("reliability.health.shutdown-drain-time", "1s");
    values.putAll(overrides);
    return ConfigSource.fromMap("test", values);
  }

  @BeforeAll
  static void start() throws Exception {
    logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
    service = ExampleService.start(config(Map.of()));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    root().detachAppender(logs);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @BeforeEach
  void healthyBackendAndClosedBreaker() throws Exception {
    assertThat(post("/admin/chaos?failureRate=0&latencyMs=0").statusCode()).isEqualTo(200);
    service.policy().circuitBreaker().orElseThrow().reset();
  }

  private static URI uri(ExampleService s, String path) {
    return URI.create("http://127.0.0.1:" + s.port() + path);
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    return get(service, path, headers);
  }

  private static HttpResponse<String> get(ExampleService s, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(s, path)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(uri(service, path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode problem(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asInt()).isEqualTo(response.statusCode());
    assertThat(body.path("request_id").asText())
        .isEqualTo(response.headers().firstValue("X-Request-ID").orElseThrow());
    return body;
  }

  @Test
  void aQuoteIsJsonWithTheCallersRequestIdInTheHeaderTheBodyAndBothServicesLogs() throws Exception {
    HttpResponse<String> response =
        get("/api/quote?symbol=RELY", "X-Request-ID", "contract-quote-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("X-Request-ID")).hasValue("contract-quote-1");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("symbol").asText()).isEqualTo("RELY");
    assertThat(body.path("price").isNumber()).isTrue();
    assertThat(body.path("request_id").asText()).isEqualTo("contract-quote-1");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(loggersThatLogged("contract-quote-1"))
                    .contains(QuoteBackend.class.getName(), Endpoints.class.getName()));
  }

  private static List<String> loggersThatLogged(String requestId) {
    List<String> loggers = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      if (requestId.equals(e.getMDCPropertyMap().get("request_id"))) {
        loggers.add(e.getLoggerName());
      }
    }
    return loggers;
  }

  @Test
  void theApiPassesTheLoadSheddingFilterAndTheProbesDoNot() throws Exception {
    long admitted = service.shedder().admittedCount();
    long exempt = service.shedder().exemptCount();

    assertThat(get("/api/quote?symbol=RELY").statusCode()).isEqualTo(200);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);

    assertThat(service.shedder().admittedCount()).isEqualTo(admitted + 1);
    assertThat(service.shedder().exemptCount()).isEqualTo(exempt);
    await().atMost(Duration.ofSeconds(5)).until(() -> service.shedder().limiter().inFlight() == 0);
  }

  @Test
  void everyAnswerCarriesARequestIdAndBadOnesAreReplaced() throws Exception {
    HttpResponse<String> minted = get("/health/live");
    HttpResponse<String> tooLong = get("/health/live", "X-Request-ID", "a".repeat(300));
    HttpResponse<String> notFound = get("/nope", "X-Request-ID", "contract-404");
    String withControlCharacter = rawResponse("GET /api/quote", "X-Request-ID: ab\u0001cd");

    assertThat(minted.headers().firstValue("X-Request-ID")).hasValueSatisfying(this::minted);
    assertThat(tooLong.headers().firstValue("X-Request-ID")).hasValueSatisfying(this::minted);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.headers().firstValue("X-Request-ID")).hasValue("contract-404");
    assertThat(problem(notFound).path("error_code").asText()).isEqualTo("NOT_FOUND");
    assertThat(withControlCharacter)
        .startsWith("HTTP/1.1 400 ")
        .containsPattern("(?i)\r\nX-Request-ID: [A-Za-z0-9]{16}\r\n")
        .contains("application/problem+json")
        .contains("\"error_code\":\"DATA_VALIDATION_ERROR\"")
        .doesNotContain("ab\u0001cd");
  }

  @Test
  void aNotFoundProblemDoesNotEchoTheRequestPath() throws Exception {
    HttpResponse<String> notFound = get("/" + "tokentoken".repeat(200) + ":");

    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(problem(notFound).path("detail").asText())
        .isEqualTo("No resource for GET at this path");
    assertThat(problem(notFound).path("instance").asText().length()).isLessThanOrEqualTo(256 + 3);
  }

  private void minted(String id) {
    assertThat(id).matches("[A-Za-z0-9]{16}");
  }

  /** Sends a request the JDK client refuses to send, and returns the whole answer. */
  private static String rawResponse(String requestLine, String header) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (requestLine
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + header
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aFailingBackendGives503AndOpensTheBreakerWhichDegradesHealthButNotReadiness()
      throws Exception {
    assertThat(post("/admin/chaos?failureRate=1&latencyMs=0").body())
        .isEqualTo("{\"failure_rate\":1.0,\"latency_ms\":0}");

    HttpResponse<String> failed = get("/api/quote");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(problem(failed).path("error_code").asText()).isEqualTo("SERVICE_UNAVAILABLE");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> problem(get("/api/quote")).path("error_code").asText().equals("CIRCUIT_OPEN"));
    HttpResponse<String> open = get("/api/quote");
    HttpResponse<String> health = get("/health");
    HttpResponse<String> ready = get("/health/ready");

    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(open.headers().firstValue("Retry-After")).isPresent();
    assertThat(problem(open).path("retryable").asBoolean()).isTrue();
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode report = JSON.readTree(health.body());
    assertThat(report.path("status").asText()).isEqualTo("degraded");
    JsonNode breaker = report.path("checks").path("quote-backend-circuit");
    assertThat(breaker.path("status").asText()).isEqualTo("degraded");
    assertThat(breaker.path("details").path("state").asText()).isEqualTo("OPEN");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("degraded");
  }

  @Test
  void aSlowBackendGives504AfterTheTimeLimit() throws Exception {
    assertThat(post("/admin/chaos?latencyMs=2000").statusCode()).isEqualTo(200);

    HttpResponse<String> slow = get("/api/quote");

    assertThat(slow.statusCode()).isEqualTo(504);
    JsonNode body = problem(slow);
    assertThat(body.path("error_code").asText()).isEqualTo("SERVICE_TIMEOUT");
    assertThat(body.path("details").path("timeout_ms").asInt()).isEqualTo(300);
  }

  @Test
  void badChaosParametersGet400NamingTheParameterAndZeroHeals() throws Exception {
    HttpResponse<String> rate = post("/admin/chaos?failureRate=1.5&latencyMs=0");
    HttpResponse<String> notANumber = post("/admin/chaos?failureRate=abc");
    HttpResponse<String> latency = post("/admin/chaos?failureRate=0&latencyMs=-5");
    HttpResponse<String> wrongMethod = get("/admin/chaos?failureRate=0");

    assertThat(rate.statusCode()).isEqualTo(400);
    assertThat(problem(rate).path("detail").asText())
        .isEqualTo("failureRate must be a plain decimal number between 0.0 and 1.0, was \"1.5\"");
    assertThat(problem(rate).path("details").path("fields").has("failureRate")).isTrue();
    assertThat(problem(notANumber).path("detail").asText()).startsWith("failureRate ");
    assertThat(latency.statusCode()).isEqualTo(400);
    assertThat(problem(latency).path("detail").asText()).startsWith("latencyMs ");
    assertThat(problem(latency).path("details").path("fields").has("latencyMs")).isTrue();
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    assertThat(problem(wrongMethod).path("error_code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(service.backend().chaos()).isEqualTo(Chaos.HEALTHY);
    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
  }

  @Test
  void chaosAcceptsOnlyPlainDecimalNumbers() throws Exception {
    for (String rate : List.of("0x1p-1", "0.5d", "-0.0", "1e-1", "%200.5", ".5", "1.", "%D9%A0")) {
      HttpResponse<String> response = post("/admin/chaos?failureRate=" + rate);
      assertThat(response.statusCode()).as(rate).isEqualTo(400);
      assertThat(problem(response).path("details").path("fields").has("failureRate"))
          .as(rate)
          .isTrue();
    }
    for (String latency : List.of("%D9%A3", "+5", "-0", "5L", "0x10", "99999999999999999999")) {
      HttpResponse<String> response = post("/admin/chaos?latencyMs=" + latency);
      assertThat(response.statusCode()).as(latency).isEqualTo(400);
      assertThat(problem(response).path("detail").asText()).as(latency).startsWith("latencyMs ");
    }
    assertThat(service.backend().chaos()).isEqualTo(Chaos.HEALTHY);

    assertThat(post("/admin/chaos?failureRate=0.25&latencyMs=007").body())
        .isEqualTo("{\"failure_rate\":0.25,\"latency_ms\":7}");
  }

  @Test
  void adminTokenIsRequiredAsABearerTokenWhenSet() throws Exception {
    try (ExampleService guarded =
        ExampleService.start(config(Map.of("example.admin-token", "s3cret-admin-token")))) {
      String chaos = "/admin/chaos?failureRate=0";
      HttpResponse<String> none = send(guarded, chaos);
      HttpResponse<String> wrong = send(guarded, chaos, "Authorization", "Bearer s3cret-admin");
      HttpResponse<String> basic = send(guarded, chaos, "Authorization", "Basic czNjcmV0");
      HttpResponse<String> unknown = send(guarded, "/admin/other");
      HttpResponse<String> right =
          send(guarded, chaos, "Authorization", "Bearer s3cret-admin-token");
      HttpResponse<String> anyCase =
          send(guarded, chaos, "Authorization", "bearer s3cret-admin-token");

      for (HttpResponse<String> refused : List.of(none, wrong, basic, unknown)) {
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(problem(refused).path("error_code").asText()).isEqualTo("AUTHENTICATION_FAILED");
        assertThat(refused.body()).doesNotContain("s3cret");
      }
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(anyCase.statusCode()).isEqualTo(200);
      assertThat(get(guarded, "/api/quote").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenAdminAnswersLoopbackEvenWithForwardingHeaders() throws Exception {
    HttpResponse<String> response =
        send(service, "/admin/chaos?failureRate=0", "X-Forwarded-For", "203.0.113.9");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> send(ExampleService s, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(s, path)).POST(HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesAndTheDetailedView() throws Exception {
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(get("/health/startup").statusCode()).isEqualTo(200);
    HttpResponse<String> detailed = get("/health");

    assertThat(detailed.statusCode()).isEqualTo(200);
    JsonNode report = JSON.readTree(detailed.body());
    assertThat(
            report
                .path("checks")
                .path("quote-backend-circuit")
                .path("details")
                .path("state")
                .asText())
        .isEqualTo("CLOSED");
    assertThat(
            report
                .path("checks")
                .path("websocket-connections")
                .path("details")
                .path("max_connections")
                .asInt())
        .isEqualTo(WS_MAX);
    assertThat(report.path("checks").path("leak-detector").path("details").has("state")).isTrue();
    assertThat(report.path("resources").has("heap_used_mb")).isTrue();
    assertThat(report.path("performance").has("request_count")).isTrue();
  }

  @Test
  void metricsAreThePrometheusTextOfEveryModule() throws Exception {
    get("/api/quote");
    get("/health/ready");

    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(metrics.body())
        .contains(
            "reliability_http_server_requests_seconds_count{method=\"GET\",route=\"/api/quote\"")
        .contains(
            "reliability_policy_calls_seconds_count{name=\"quote-backend\",outcome=\"success\"")
        .contains("reliability_circuitbreaker_state{name=\"quote-backend\"")
        .contains("reliability_bulkhead_available_permits{name=\"quote-backend\"")
        .contains("reliability_retry_budget_rejections_total{name=\"quote-backend\"")
        .contains("reliability_health_check_status{check=\"quote-backend-circuit\"")
        .contains("reliability_health_probe_status{probe=\"readiness\"")
        .contains("reliability_connections_active{registry=\"websocket\"")
        .contains("reliability_connections_max{registry=\"websocket\"")
        .contains("reliability_shedding_requests_total{name=\"example-api\",outcome=\"admitted\"")
        .contains("reliability_adaptivelimit_limit{name=\"example-api\"")
        .contains("reliability_leak_state{detector=\"example\",gauge=\"heap\"")
        .contains("reliability_leak_state{detector=\"example\",gauge=\"websocket.connections\"")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void theWebSocketEchoesAndRefusesAtTheHandshakeOverCapacity() throws Exception {
    List<Client> clients = new ArrayList<>();
    try {
      for (int i = 0; i < WS_MAX; i++) {
        clients.add(Client.connect(service));
      }
      clients.get(0).socket.sendText("hello", true).join();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> "hello".equals(clients.get(0).messages.peek()));

      CompletableFuture<WebSocket> refused =
          CLIENT
              .newWebSocketBuilder()
              .header("X-Request-ID", "contract-ws-full")
              .buildAsync(URI.create("ws://127.0.0.1:" + service.port() + "/ws"), new Client());
      assertThatThrownBy(refused::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> {
                assertThat(e.getResponse().statusCode()).isEqualTo(503);
                assertThat(e.getResponse().headers().firstValue("Retry-After")).isPresent();
                assertThat(e.getResponse().headers().firstValue("X-Request-ID"))
                    .hasValue("contract-ws-full");
              });

      clients.remove(0).close();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> service.connections().activeCount() == WS_MAX - 1);
      clients.add(Client.connect(service));
      // the client sees the upgrade before the server's open callback commits the reservation
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> service.connections().activeCount() == WS_MAX);
    } finally {
      clients.forEach(Client::close);
      await().atMost(Duration.ofSeconds(5)).until(() -> service.connections().activeCount() == 0);
    }
  }

  @Test
  void shutdownFailsReadinessFinishesInFlightRequestsAndClosesWebSocketsWith1001()
      throws Exception {
    ExampleService stopping =
        ExampleService.start(
            config(
                Map.of(
                    "reliability.health.shutdown-drain-time", "3s",
                    "reliability.timelimiter.quote-backend.timeout", "10s")));
    try {
      Client ws = Client.connect(stopping);
      CLIENT.send(
          HttpRequest.newBuilder(uri(stopping, "/admin/chaos?latencyMs=2000"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.ofString());
      CompletableFuture<HttpResponse<String>> inFlight =
          CLIENT.sendAsync(
              HttpRequest.newBuilder(uri(stopping, "/api/quote")).build(),
              HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(5)).until(() -> stopping.backend().inFlight() == 1);

      long start = System.nanoTime();
      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(stopping::close);
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> get(stopping, "/health/ready").statusCode() == 503);
      assertThat(get(stopping, "/health/live").statusCode()).isEqualTo(200);

      assertThat(ws.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
      assertThat(inFlight.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      shutdown.get(5, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    } finally {
      stopping.close();
    }
  }

  /** A JDK WebSocket client that keeps what it receives. */
  static final class Client implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static Client connect(ExampleService s) {
      Client c = new Client();
      c.socket =
          CLIENT
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/ws"), c)
              .join();
      return c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }

    void close() {
      if (socket != null && !socket.isOutputClosed()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
      }
    }
  }
}
