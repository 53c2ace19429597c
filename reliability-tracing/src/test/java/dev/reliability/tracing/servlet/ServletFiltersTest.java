package dev.reliability.tracing.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.problem.ProblemDetail;
import dev.reliability.test.ManualTimeSource;
import dev.reliability.tracing.CapturedLogs;
import dev.reliability.tracing.RequestTracing;
import dev.reliability.tracing.TracingHeaders;
import dev.reliability.tracing.internal.ProblemResponses;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The servlet filters in a real Jetty 12 (EE 11) container on loopback. */
class ServletFiltersTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<String> seenByMetricsFilter = new CopyOnWriteArrayList<>();
  private Server server;
  private CapturedLogs access;
  private CapturedLogs errors;

  @BeforeEach
  void start() throws Exception {
    access = CapturedLogs.of(RequestTracing.ACCESS_LOGGER);
    errors = CapturedLogs.of(ProblemResponses.ERROR_LOGGER);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    EnumSet<DispatcherType> request = EnumSet.of(DispatcherType.REQUEST);
    context.addFilter(new FilterHolder(metricsFilter()), "/*", request);
    context.addFilter(
        new FilterHolder(
            new RequestContextServletFilter(RequestTracing.builder().timeSource(time).build())),
        "/*",
        request);
    context.addFilter(new FilterHolder(new ProblemJsonServletFilter()), "/*", request);
    context.addServlet(new ServletHolder(servlet()), "/api/*");
    server.setHandler(context);
    server.start();
  }

  private Filter metricsFilter() {
    return (req, res, chain) -> {
      chain.doFilter(req, res);
      seenByMetricsFilter.add(String.valueOf(req.getAttribute(ProblemDetail.ERROR_CODE_ATTRIBUTE)));
    };
  }

  private static HttpServlet servlet() {
    return new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp)
          throws IOException, ServletException {
        switch (req.getPathInfo()) {
          case "/hello" -> {
            time().advance(Duration.ofMillis(3));
            resp.setStatus(200);
            resp.getWriter()
                .write(
                    RequestContext.currentRequestId()
                        + " "
                        + MDC.get("request_id")
                        + "|"
                        + MDC.get("method")
                        + "|"
                        + MDC.get("path"));
          }
          case "/invalid" -> throw new DataValidationException("quantity must be positive");
          case "/checked" ->
              throw new ServletException(new IllegalStateException("disk password=x full"));
          default -> resp.sendError(404);
        }
      }
    };
  }

  private static ManualTimeSource sharedTime;

  private static ManualTimeSource time() {
    return sharedTime;
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    access.close();
    errors.close();
  }

  private HttpResponse<String> get(String path, String requestId) throws Exception {
    sharedTime = time;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.getURI().toString().replaceAll("/$", "") + path));
    if (requestId != null) {
      b.header(TracingHeaders.REQUEST_ID, requestId);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bindsTheIncomingIdAndReturnsIt() throws Exception {
    HttpResponse<String> response = get("/api/hello", "req-jetty");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(TracingHeaders.REQUEST_ID)).contains("req-jetty");
    assertThat(response.body()).isEqualTo("req-jetty req-jetty|GET|/api/hello");
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().size() == 1);
    assertThat(access.events().get(0).getFormattedMessage()).isEqualTo("GET /api/hello 200 3.0ms");
    assertThat(access.events().get(0).getMDCPropertyMap())
        .containsEntry("status", "200")
        .containsEntry("duration_ms", "3.0")
        .doesNotContainKey("error_code");
  }

  @Test
  void mintsAnIdForAHostileOne() throws Exception {
    HttpResponse<String> response = get("/api/hello", "<script>alert(1)</script>");

    String id = response.headers().firstValue(TracingHeaders.REQUEST_ID).orElseThrow();
    assertThat(id).matches("[A-Za-z0-9]{16}");
    assertThat(response.body()).startsWith(id + " " + id);
  }

  @Test
  void aClientErrorBecomesA400ProblemWithTheExceptionsMessage() throws Exception {
    HttpResponse<String> response = get("/api/invalid", "req-400");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(response.headers().firstValue(TracingHeaders.REQUEST_ID)).contains("req-400");
    assertThat(response.body())
        .contains("\"detail\":\"quantity must be positive\"")
        .contains("\"error_code\":\"DATA_VALIDATION_ERROR\"")
        .contains("\"request_id\":\"req-400\"")
        .contains("\"instance\":\"/api/invalid\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> seenByMetricsFilter.size() == 1);
    assertThat(seenByMetricsFilter).containsExactly("DATA_VALIDATION_ERROR");
    assertThat(errors.events()).hasSize(1);
    assertThat(errors.events().get(0).getLevel()).isEqualTo(Level.WARN);
    assertThat(errors.events().get(0).getThrowableProxy()).isNotNull();
  }

  @Test
  void aServletExceptionIsUnwrappedToItsCause() throws Exception {
    HttpResponse<String> response = get("/api/checked", null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body())
        .contains("\"error_code\":\"INTERNAL_ERROR\"")
        .doesNotContain("password");
    await().atMost(Duration.ofSeconds(10)).until(() -> errors.events().size() == 1);
    assertThat(errors.events().get(0).getThrowableProxy().getClassName())
        .isEqualTo(IllegalStateException.class.getName());
    await().atMost(Duration.ofSeconds(10)).until(() -> access.events().size() == 1);
    assertThat(access.events().get(0).getMDCPropertyMap())
        .containsEntry("status", "500")
        .containsEntry("error_code", "INTERNAL_ERROR");
  }
}
