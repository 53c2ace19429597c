package dev.reliability.tracing.httpserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextHygiene;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.context.RequestIdSanitizer;
import dev.reliability.core.context.RequestIdSanitizer.Rejection;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.test.ManualTimeSource;
import dev.reliability.tracing.CapturedLogs;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.TracingHeaders;
import dev.reliability.tracing.internal.ProblemResponses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JdkServerFiltersTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RequestIdSanitizer sanitizer = RequestIdSanitizer.builder().build();
  private final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<String> seenByOuterFilter = new CopyOnWriteArrayList<>();
  private final List<String> seenByInnerFilter = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private CapturedLogs access;
  private CapturedLogs errors;

  @BeforeEach
  void start() throws IOException {
    access = CapturedLogs.of(RequestTracing.ACCESS_LOGGER);
    errors = CapturedLogs.of(ProblemResponses.ERROR_LOGGER);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    RequestTracing config = RequestTracing.builder().sanitizer(sanitizer).timeSource(time).build();
    route(
        "/hello", ex -> respond(ex, 200, RequestContext.currentRequestId() + " " + mdc()), config);
    route(
        "/slow",
        ex -> {
          time.advance(Duration.ofMillis(12));
          respond(ex, 201, "done");
        },
        config);
    route(
        "/boom",
        ex -> {
          throw new IllegalStateException("db password=hunter2 lost");
        },
        config);
    route(
        "/limited",
        ex -> {
          throw new RateLimitExceededException("api", Duration.ofMillis(1500));
        },
        config);
    route(
        "/late",
        ex -> {
          ex.sendResponseHeaders(200, 0);
          throw new IllegalStateException("after headers");
        },
        config);
    server.start();
  }

  private void route(String path, HttpHandler handler, RequestTracing config) {
    HttpContext context = server.createContext(path, handler);
    context.getFilters().add(recording(seenByOuterFilter));
    context.getFilters().add(RequestContextFilter.create(config));
    context.getFilters().add(recording(seenByInnerFilter));
    context.getFilters().add(ProblemJsonFilter.create());
  }

  /**
   * A filter that records the request's path and the error-code attribute after the chain, as a
   * metrics filter would.
   */
  private static Filter recording(List<String> seen) {
    return new Filter() {
      @Override
      public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        chain.doFilter(exchange);
        seen.add(
            exchange.getRequestURI().getPath()
                + "="
                + exchange.getAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE));
      }

      @Override
      public String description() {
        return "records the error code";
      }
    };
  }

  private static String mdc() {
    return MDC.get("request_id") + "|" + MDC.get("method") + "|" + MDC.get("path");
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.stop(0);
    ContextHygiene.assertPoolClean(serverThreads, 2, Duration.ofSeconds(10));
    serverThreads.shutdownNow();
    access.close();
    errors.close();
  }

  private HttpResponse<String> get(String path, String requestId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (requestId != null) {
      b.header(TracingHeaders.REQUEST_ID, requestId);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void mintsAnIdBindsItForTheHandlerAndReturnsIt() throws Exception {
    HttpResponse<String> response = get("/hello", null);

    String id = response.headers().firstValue(TracingHeaders.REQUEST_ID).orElseThrow();
    assertThat(id).matches("[A-Za-z0-9]{16}");
    assertThat(response.body()).isEqualTo(id + " " + id + "|GET|/hello");
  }

  @Test
  void keepsAWellFormedIncomingId() throws Exception {
    HttpResponse<String> response = get("/hello?q=1", "req_abc123");

    assertThat(response.headers().firstValue(TracingHeaders.REQUEST_ID)).contains("req_abc123");
    assertThat(response.body()).isEqualTo("req_abc123 req_abc123|GET|/hello");
  }

  @Test
  void replacesAndCountsHostileIds() throws Exception {
    HttpResponse<String> quoted = get("/hello", "abc\"},{\"level\":\"ERROR");
    HttpResponse<String> tooLong = get("/hello", "a".repeat(129));
    String controlChar =
        rawRequest(
            "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: ab\u0001cd\r\n"
                + "Connection: close\r\n\r\n");

    assertThat(quoted.headers().firstValue(TracingHeaders.REQUEST_ID).orElseThrow())
        .matches("[A-Za-z0-9]{16}");
    assertThat(tooLong.headers().firstValue(TracingHeaders.REQUEST_ID).orElseThrow())
        .matches("[A-Za-z0-9]{16}");
    assertThat(controlChar).containsPattern("(?i)x-request-id: [A-Za-z0-9]{16}\r\n");
    assertThat(sanitizer.rejectedCount(Rejection.QUOTE)).isEqualTo(1);
    assertThat(sanitizer.rejectedCount(Rejection.TOO_LONG)).isEqualTo(1);
    assertThat(sanitizer.rejectedCount(Rejection.CONTROL_CHARACTER)).isEqualTo(1);
  }

  private String rawRequest(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
      socket.setSoTimeout(10_000);
      Writer w =
          new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
      w.write(request);
      w.flush();
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      StringBuilder sb = new StringBuilder();
      String line;
      while ((line = r.readLine()) != null && !line.isEmpty()) {
        sb.append(line).append("\r\n");
      }
      return sb.toString();
    }
  }

  @Test
  void writesOneAccessLineWithStatusAndDurationFromTheTimeSource() throws Exception {
    HttpResponse<String> response = get("/slow", "req-slow");

    assertThat(response.statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().size() == 1);
    ILoggingEvent line = access.events().get(0);
    assertThat(line.getLevel()).isEqualTo(Level.INFO);
    assertThat(line.getFormattedMessage()).isEqualTo("GET /slow 201 12.0ms");
    assertThat(line.getMDCPropertyMap())
        .containsEntry("status", "201")
        .containsEntry("duration_ms", "12.0")
        .doesNotContainKey("error_code")
        .containsEntry("request_id", "req-slow")
        .containsEntry("method", "GET")
        .containsEntry("path", "/slow");
  }

  @Test
  void anEscapingExceptionBecomesProblemJsonLoggedOnceWithItsStackTrace() throws Exception {
    HttpResponse<String> response = get("/boom", "req-boom");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/problem+json; charset=utf-8");
    assertThat(response.headers().firstValue(TracingHeaders.REQUEST_ID)).contains("req-boom");
    assertThat(response.body())
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"An unexpected error occurred\",\"status\":500,"
                + "\"detail\":\"An unexpected error occurred\",\"instance\":\"/boom\","
                + "\"error_code\":\"INTERNAL_ERROR\",\"request_id\":\"req-boom\","
                + "\"retryable\":false}");
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().size() == 1);
    assertThat(errors.events()).hasSize(1);
    ILoggingEvent error = errors.events().get(0);
    assertThat(error.getLevel()).isEqualTo(Level.ERROR);
    assertThat(error.getFormattedMessage()).isEqualTo("GET /boom failed with 500 INTERNAL_ERROR");
    assertThat(error.getThrowableProxy().getClassName())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(error.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
    assertThat(error.getMDCPropertyMap()).containsEntry("request_id", "req-boom");
    ILoggingEvent line = access.events().get(0);
    assertThat(line.getLevel()).isEqualTo(Level.WARN);
    assertThat(line.getThrowableProxy()).isNull();
    assertThat(line.getMDCPropertyMap()).containsEntry("error_code", "INTERNAL_ERROR");
  }

  @Test
  void retryHintsBecomeRetryAfter() throws Exception {
    HttpResponse<String> response = get("/limited", null);

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).contains("2");
    assertThat(response.body()).contains("\"error_code\":\"RATE_LIMIT_EXCEEDED\"");
    assertThat(response.body()).contains("\"retry_after_seconds\":2");
    await().atMost(Duration.ofSeconds(10)).until(() -> errors.events().size() == 1);
    assertThat(errors.events().get(0).getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void theErrorCodeAttributeBelongsToItsOwnRequest() throws Exception {
    get("/boom", null);
    get("/hello", null);
    get("/limited", null);

    // A filter records after the response went out, so on a loaded machine the next request's
    // record can come first: each record names its request.
    List<String> expected =
        List.of("/boom=INTERNAL_ERROR", "/hello=null", "/limited=RATE_LIMIT_EXCEEDED");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                seenByOuterFilter.containsAll(expected) && seenByInnerFilter.containsAll(expected));
    assertThat(seenByInnerFilter).containsOnlyElementsOf(expected);
    assertThat(seenByOuterFilter).containsOnlyElementsOf(expected);
  }

  @Test
  void anExceptionAfterTheHeadersWereSentIsLoggedAndTheExchangeClosed() throws Exception {
    AtomicReference<Throwable> clientFailure = new AtomicReference<>();
    try {
      HttpResponse<String> response = get("/late", "req-late");
      assertThat(response.statusCode()).isEqualTo(200);
    } catch (IOException e) {
      clientFailure.set(e);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> errors.events().size() == 1);
    assertThat(errors.events().get(0).getFormattedMessage())
        .isEqualTo("GET /late failed with 500 INTERNAL_ERROR after the response was committed");
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().size() == 1);
    assertThat(access.events().get(0).getFormattedMessage()).startsWith("GET /late 200 ");
  }

  @Test
  void aLongRequestPathIsCutInTheProblemAndInTheErrorLog() throws Exception {
    String path = "/limited/" + "x".repeat(3_000) + "?password=hunter2";

    HttpResponse<String> response = get(path, null);

    assertThat(response.statusCode()).isEqualTo(429);
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertThat(body.get("instance").asText()).hasSize(256 + 3).endsWith("...");
    await().atMost(Duration.ofSeconds(10)).until(() -> errors.events().size() == 1);
    String logged = errors.events().get(0).getFormattedMessage();
    assertThat(logged).hasSizeLessThan(400).doesNotContain("hunter2");
  }
}
