package dev.reliability.core.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.shedding.servlet.LoadSheddingServletFilter;
import dev.reliability.test.ManualTimeSource;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The servlet filter in a real Jetty container on loopback. */
class LoadSheddingServletFilterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger apiCalls = new AtomicInteger();
  private final AtomicReference<AsyncContext> pendingAsync = new AtomicReference<>();
  private Server server;
  private int port;
  private LoadShedder shedder;

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    AsyncContext async = pendingAsync.getAndSet(null);
    if (async != null) {
      async.complete();
    }
    if (server != null) {
      server.stop();
    }
  }

  private static AdaptiveLimitConfig fixedLimit(int limit, String partition, double share) {
    AdaptiveLimitConfig.Builder b =
        AdaptiveLimitConfig.builder().minLimit(limit).maxLimit(limit).initialLimit(limit);
    if (partition != null) {
      b.partition(partition, share);
    }
    return b.build();
  }

  private void start(LoadSheddingConfig config) throws Exception {
    shedder = LoadShedder.builder(config).timeSource(time).build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(
        new FilterHolder(LoadSheddingServletFilter.create(shedder)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    ServletHolder api = new ServletHolder(new Api());
    api.setAsyncSupported(true);
    context.addServlet(api, "/api/*");
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                  throws IOException {
                resp.setStatus(200);
                resp.getWriter().write("UP");
              }
            }),
        "/health/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  private final class Api extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      apiCalls.incrementAndGet();
      String path = req.getPathInfo() == null ? "" : req.getPathInfo();
      if (path.startsWith("/slow")) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (path.startsWith("/async")) {
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        pendingAsync.set(async);
        return;
      } else if (path.startsWith("/throw")) {
        throw new IllegalStateException("servlet failed");
      }
      resp.setStatus(200);
      resp.getWriter().write("ok");
    }
  }

  private HttpRequest request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return b.build();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return client.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String path, String... headers) {
    return client.sendAsync(request(path, headers), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitInFlight(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> shedder.limiter().inFlight() == n);
  }

  @Test
  void overTheLimitAnswers503ProblemWithRetryAfterAndRequestIdWithoutReachingTheServlet()
      throws Exception {
    start(
        LoadSheddingConfig.builder()
            .limit(fixedLimit(1, null, 0))
            .retryAfter(Duration.ofSeconds(7))
            .build());
    getAsync("/api/slow");
    awaitInFlight(1);
    int callsBefore = apiCalls.get();

    HttpResponse<String> shed = get("/api/quote", "X-Request-ID", "req-servlet-1");

    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(shed.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(shed.headers().firstValue("X-Request-ID")).hasValue("req-servlet-1");
    JsonNode body = JSON.readTree(shed.body());
    assertThat(body.get("status").asInt()).isEqualTo(503);
    assertThat(body.get("request_id").asText()).isEqualTo("req-servlet-1");
    assertThat(body.get("retry_after_seconds").asInt()).isEqualTo(7);
    assertThat(apiCalls.get()).isEqualTo(callsBefore);
  }

  @Test
  void probesAreNeverShedEvenWithNoFreePermit() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    getAsync("/api/slow");
    awaitInFlight(1);
    assertThat(get("/api/quote").statusCode()).isEqualTo(503);

    for (String probe : new String[] {"/health/live", "/health/ready", "/health/startup"}) {
      assertThat(get(probe).statusCode()).as(probe).isEqualTo(200);
    }
    assertThat(shedder.limiter().inFlight()).isEqualTo(1);
  }

  @Test
  void aPreferredTrafficClassIsAdmittedWhileAnotherIsShed() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(2, "interactive", 0.5)).build());
    getAsync("/api/slow");
    awaitInFlight(1);

    assertThat(get("/api/quote").statusCode()).isEqualTo(503);
    assertThat(get("/api/quote", "X-Traffic-Class", "interactive").statusCode()).isEqualTo(200);
    assertThat(shedder.shedCount("default")).isEqualTo(1);
  }

  @Test
  void aServletThatThrowsReleasesItsPermit() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());

    assertThat(get("/api/throw").statusCode()).isEqualTo(500);

    awaitInFlight(0);
    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatDisconnectsReleasesItsPermitWhenTheServletEnds() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket
          .getOutputStream()
          .write("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      awaitInFlight(1);
    }
    release.countDown();

    awaitInFlight(0);
    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
  }

  @Test
  void anAsyncRequestHoldsItsPermitUntilItsAsyncContextCompletes() throws Exception {
    start(LoadSheddingConfig.builder().limit(fixedLimit(1, null, 0)).build());
    CompletableFuture<HttpResponse<String>> pending = getAsync("/api/async");
    await().atMost(Duration.ofSeconds(10)).until(() -> pendingAsync.get() != null);

    assertThat(get("/api/quote").statusCode()).isEqualTo(503);
    assertThat(shedder.limiter().inFlight()).isEqualTo(1);

    AsyncContext async = pendingAsync.getAndSet(null);
    ((HttpServletResponse) async.getResponse()).setStatus(200);
    async.complete();

    assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    awaitInFlight(0);
    assertThat(get("/api/quote").statusCode()).isEqualTo(200);
  }
}
