package dev.reliability.metrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServerMetricsServletFilterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpServerMetrics metrics =
      HttpServerMetrics.builder().timeSource(time).build(registry);
  private final HttpClient client = HttpClient.newHttpClient();
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(
        new FilterHolder(HttpServerMetricsServletFilter.create(metrics)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                time.advance(Duration.ofMillis(75));
                resp.setStatus(200);
              }
            }),
        "/api/*");
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                req.setAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE, "RATE_LIMIT_EXCEEDED");
                resp.setStatus(429);
              }
            }),
        "/limited");
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new RateLimitExceededException("search", Duration.ofSeconds(1));
              }
            }),
        "/throws");
    ServletHolder async =
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ctx = req.startAsync();
                ctx.start(
                    () -> {
                      time.advance(Duration.ofMillis(300));
                      ((HttpServletResponse) ctx.getResponse()).setStatus(202);
                      ctx.complete();
                    });
              }
            });
    async.setAsyncSupported(true);
    context.addServlet(async, "/async");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private int get(String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void recordsTheMappingPatternAsRoute() throws Exception {
    assertThat(get("/api/orders/42")).isEqualTo(200);

    var timer =
        registry
            .get(HttpServerMetrics.REQUESTS)
            .tag("route", "/api/*")
            .tag("status_class", "2xx")
            .timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(75.0);
  }

  @Test
  void readsTheErrorCodeAttribute() throws Exception {
    assertThat(get("/limited")).isEqualTo(429);

    assertThat(
            registry
                .get(HttpServerMetrics.ERRORS)
                .tag("route", "/limited")
                .tag("status_class", "4xx")
                .tag("error_code", "RATE_LIMIT_EXCEEDED")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void recordsAnEscapingExceptionAs500() throws Exception {
    assertThat(get("/throws")).isEqualTo(500);

    assertThat(
            registry
                .get(HttpServerMetrics.ERRORS)
                .tag("route", "/throws")
                .tag("status_class", "5xx")
                .tag("error_code", "RATE_LIMIT_EXCEEDED")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void recordsAsyncRequestsWhenTheyComplete() throws Exception {
    assertThat(get("/async")).isEqualTo(202);

    // The client has its answer before the async listener records: the meter may not exist yet.
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreException(MeterNotFoundException.class)
        .untilAsserted(
            () ->
                assertThat(
                        registry
                            .get(HttpServerMetrics.REQUESTS)
                            .tag("route", "/async")
                            .tag("status_class", "2xx")
                            .timer()
                            .totalTime(TimeUnit.MILLISECONDS))
                    .isEqualTo(300.0));
  }
}
