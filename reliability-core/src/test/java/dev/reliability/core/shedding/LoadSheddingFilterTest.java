package dev.reliability.core.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.shedding.httpserver.LoadSheddingFilter;
import dev.reliability.test.ManualTimeSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK {@code HttpServer} filter against a real loopback server. */
class LoadSheddingFilterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger apiCalls = new AtomicInteger();
  private HttpServer server;
  private LoadShedder shedder;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    workers.shutdownNow();
  }

  /** A limit fixed at {@code limit}, with optional partitions. */
  private static AdaptiveLimitConfig fixedLimit(int limit, String partition, double share) {
    AdaptiveLimitConfig.Builder b =
        AdaptiveLimitConfig.builder().minLimit(limit).maxLimit(limit).initialLimit(limit);
    if (partition != null) {
      b.partition(partition, share);
    }
    return b.build();
  }

  private void start(LoadSheddingConfig config) throws IOException {
    shedder = LoadShedder.builder(config).timeSource(time).build();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(workers);
    server.createContext("/api", this::api).getFilters().add(LoadSheddingFilter.create(shedder));
    server
        .createContext("/health", exchange -> respond(exchange, 200, "UP"))
        .getFilters()
        .add(LoadSheddingFilter.create(shedder));
    server.start();
  }

  private void api(HttpExchange exchange) throws IOException {
    apiCalls.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    if (path.startsWith("/api/slow")) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (path.startsWith("/api/throw")) {
      throw new IllegalStateException("handler failed");
    }
    respond(exchange, 200, "ok");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void holdOnePermit(String... headers) {
    getAsync("/api/slow", headers);
    await().atMost(Duration.ofSeconds(10)).until(() -> shedder.limiter().inFlight() == 1);
  }

  @Test
  void overTheLimitAnswers503ProblemWithRetryAfterAndRequestIdWithoutReachingTheHandler()
      throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    holdOnePermit();
    int callsBefore = apiCalls.get();

    HttpResponse<String> shed = get("/api/quote", "X-Request-ID", "req-shed-1");

    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(shed.headers().firstValue("X-Request-ID")).hasValue("req-shed-1");
    JsonNode body = JSON.readTree(shed.body());
    assertThat(body.get("status").asInt()).isEqualTo(503);
    assertThat(body.get("request_id").asText()).isEqualTo("req-shed-1");
    assertThat(body.get("retryable").asBoolean()).isTrue();
    assertThat(body.get("retry_after_seconds").asInt()).isEqualTo(1);
    assertThat(body.get("instance").asText()).isEqualTo("/api/quote");
    assertThat(body.get("error_code").asText()).isEqualTo("CONCURRENCY_LIMIT_EXCEEDED");
    assertThat(apiCalls.get()).isEqualTo(callsBefore);
    assertThat(shedder.shedCount()).isEqualTo(1);
  }

  @Test
  void aShedRequestWithoutAnAcceptableRequestIdGetsAFreshOne() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    holdOnePermit();

    HttpResponse<String> shed = get("/api/quote", "X-Request-ID", "bad id\"<script>");

    String id = shed.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(id).matches("[A-Za-z0-9_-]{16}");
    assertThat(JSON.readTree(shed.body()).get("request_id").asText()).isEqualTo(id);
  }

  @Test
  void probesAreNeverShedEvenWithNoFreePermit() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    holdOnePermit();
    assertThat(get("/api/quote").statusCode()).isEqualTo(503);

    for (String probe :
        new String[] {"/health", "/health/live", "/health/ready", "/health/startup"}) {
      assertThat(get(probe).statusCode()).as(probe).isEqualTo(200);
    }
    assertThat(shedder.exemptCount()).isEqualTo(4);
    assertThat(shedder.limiter().inFlight()).isEqualTo(1);
  }

  @Test
  void aDottedPathDoesNotPassForAProbe() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    holdOnePermit();

    try (Socket socket =
        new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /health/../api/quote HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 503");
    }
  }

  @Test
  void aPreferredTrafficClassIsAdmittedWhileAnotherIsShed() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(2, "interactive", 0.5)).build());
    holdOnePermit();

    assertThat(get("/api/quote").statusCode()).isEqualTo(503);
    assertThat(get("/api/quote", "X-Traffic-Class", "batch").statusCode()).isEqualTo(503);
    assertThat(get("/api/quote", "X-Traffic-Class", "interactive").statusCode()).isEqualTo(200);
    assertThat(shedder.shedCount("default")).isEqualTo(2);
    assertThat(shedder.shedCount("interactive")).isZero();
    assertThat(shedder.unknownTrafficClassCount()).isEqualTo(1);
  }

  @Test
  void aHandlerThatThrowsReleasesItsPermit() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());

    for (int i = 0; i < 3; i++) {
      // The JDK server closes the exchange of a handler that throws before answering.
      assertThatThrownBy(() -> get("/api/throw")).isInstanceOf(IOException.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> shedder.limiter().inFlight() == 0);
    }
    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
    assertThat(shedder.shedCount()).isZero();
  }

  @Test
  void aClientThatDisconnectsReleasesItsPermitWhenTheHandlerEnds() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    try (Socket socket =
        new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
      socket
          .getOutputStream()
          .write("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(10)).until(() -> shedder.limiter().inFlight() == 1);
    }
    release.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> shedder.limiter().inFlight() == 0);
    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
  }

  @Test
  void disabledSheddingPassesEveryRequest() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).enabled(false).build());
    getAsync("/api/slow");
    await().atMost(Duration.ofSeconds(10)).until(() -> apiCalls.get() == 1);

    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
    assertThat(shedder.shedCount()).isZero();
  }
}
