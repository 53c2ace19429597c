package dev.reliability.metrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServerMetricsFilterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpServerMetrics metrics =
      HttpServerMetrics.builder().timeSource(time).build(registry);
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpContext ok =
        server.createContext(
            "/ok",
            exchange -> {
              time.advance(Duration.ofMillis(40));
              exchange.sendResponseHeaders(200, -1);
              exchange.close();
            });
    HttpContext failing =
        server.createContext(
            "/unavailable",
            exchange -> {
              exchange.setAttribute(
                  ProblemDetail.ERROR_CODE_ATTRIBUTE, StandardErrorCode.SERVICE_UNAVAILABLE.code());
              exchange.sendResponseHeaders(503, -1);
              exchange.close();
            });
    HttpContext throwing =
        server.createContext(
            "/throws",
            exchange -> {
              throw new ServiceTimeoutException("pricing", Duration.ofSeconds(2));
            });
    HttpContext templated =
        server.createContext(
            "/orders/",
            exchange -> {
              exchange.sendResponseHeaders(204, -1);
              exchange.close();
            });
    ok.getFilters().add(HttpServerMetricsFilter.create(metrics));
    failing.getFilters().add(HttpServerMetricsFilter.create(metrics));
    throwing.getFilters().add(HttpServerMetricsFilter.create(metrics));
    templated
        .getFilters()
        .add(HttpServerMetricsFilter.builder(metrics).routeResolver(e -> "/orders/{id}").build());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int get(String path) throws Exception {
    return send(path, "GET");
  }

  /** Sends a request; POST is used where the JDK client must not retry a dropped connection. */
  private int send(String path, String method) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    try {
      return client
          .send(
              HttpRequest.newBuilder(uri)
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // the JDK server closes the connection when a handler throws
    }
  }

  /** The client can see the response before the filter's finally block has run. */
  private void awaitRequests(long n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> metrics.requestCount() >= n);
  }

  @Test
  void recordsSuccessWithTheContextPathAsRoute() throws Exception {
    assertThat(get("/ok")).isEqualTo(200);
    awaitRequests(1);

    var timer =
        registry
            .get(HttpServerMetrics.REQUESTS)
            .tag("method", "GET")
            .tag("route", "/ok")
            .tag("status_class", "2xx")
            .timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
    assertThat(metrics.activeRequests()).isZero();
  }

  @Test
  void readsTheErrorCodeTheErrorHandlerStored() throws Exception {
    assertThat(get("/unavailable")).isEqualTo(503);
    awaitRequests(1);

    assertThat(
            registry
                .get(HttpServerMetrics.ERRORS)
                .tag("route", "/unavailable")
                .tag("status_class", "5xx")
                .tag("error_code", "SERVICE_UNAVAILABLE")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void recordsAnEscapingFailureAs500WithItsClassifiedCode() throws Exception {
    send("/throws", "POST");
    awaitRequests(1);

    assertThat(
            registry
                .get(HttpServerMetrics.ERRORS)
                .tag("route", "/throws")
                .tag("status_class", "5xx")
                .tag("error_code", "SERVICE_TIMEOUT")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(metrics.serverErrorCount()).isEqualTo(1);
  }

  @Test
  void usesTheRouteResolver() throws Exception {
    assertThat(get("/orders/42")).isEqualTo(204);
    assertThat(get("/orders/43")).isEqualTo(204);
    awaitRequests(2);

    assertThat(
            registry.get(HttpServerMetrics.REQUESTS).tag("route", "/orders/{id}").timer().count())
        .isEqualTo(2);
  }
}
