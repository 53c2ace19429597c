package dev.reliability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.DeadlineHeader;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.test.ManualTimeSource;
import dev.reliability.tracing.httpserver.RequestContextFilter;
import dev.reliability.tracing.servlet.RequestContextServletFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deadline header across services: read by both request-context filters on real loopback
 * servers, written by {@link HttpClientTracing}.
 */
class DeadlinePropagationTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpClient client = HttpClient.newHttpClient();
  private final DeadlineHeader header =
      DeadlineHeader.builder().maxInbound(Duration.ofSeconds(10)).build();
  private final List<String> seenHeaders = new CopyOnWriteArrayList<>();
  private HttpServer jdk;
  private Server jetty;

  @BeforeEach
  void start() throws Exception {
    RequestTracing config =
        RequestTracing.builder().timeSource(time).deadlineHeader(header).accessLog(false).build();
    jdk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jdk.createContext(
            "/deadline",
            ex -> {
              seenHeaders.add(ex.getRequestHeaders().getFirst(header.name()));
              byte[] body = seen().getBytes(StandardCharsets.UTF_8);
              ex.sendResponseHeaders(200, body.length);
              try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
              }
            })
        .getFilters()
        .add(RequestContextFilter.create(config));
    jdk.start();

    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(
        new FilterHolder(new RequestContextServletFilter(config)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                  throws IOException {
                resp.setStatus(200);
                resp.getWriter().write(seen());
              }
            }),
        "/deadline");
    jetty.setHandler(context);
    jetty.start();
  }

  @AfterEach
  void stop() throws Exception {
    jdk.stop(0);
    jetty.stop();
  }

  /** What the handler sees: the time its context's deadline leaves, or "none". */
  private static String seen() {
    Deadline d = RequestContext.currentDeadline();
    return d == null ? "none" : Long.toString(d.remaining().toMillis());
  }

  private URI jdkUri() {
    return URI.create("http://127.0.0.1:" + jdk.getAddress().getPort() + "/deadline");
  }

  private URI jettyUri() {
    return URI.create("http://127.0.0.1:" + jetty.getURI().getPort() + "/deadline");
  }

  private String get(URI uri, String value) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (value != null) {
      b.header(DeadlineHeader.DEFAULT_NAME, value);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void bothFiltersBindTheCallersDeadlineForTheHandler() throws Exception {
    assertThat(get(jdkUri(), "250")).isEqualTo("250");
    assertThat(get(jettyUri(), "250")).isEqualTo("250");
  }

  @Test
  void bothFiltersClipADeadlineAboveTheCap() throws Exception {
    assertThat(get(jdkUri(), "3600000")).isEqualTo("10000");
    assertThat(get(jettyUri(), "9999999999")).isEqualTo("10000");
  }

  @Test
  void bothFiltersIgnoreAndCountAMalformedValueAndServeTheRequest() throws Exception {
    assertThat(get(jdkUri(), "-5")).isEqualTo("none");
    assertThat(get(jettyUri(), "12345678901")).isEqualTo("none");
    assertThat(get(jdkUri(), "7".repeat(64 * 1024))).isEqualTo("none");
    assertThat(get(jettyUri(), null)).isEqualTo("none");

    assertThat(header.malformedValues()).isEqualTo(3);
  }

  @Test
  void theClientSendsTheTimeLeftAndTheNextServiceStartsFromIt() throws Exception {
    HttpClientTracing propagation = HttpClientTracing.withoutTracing();
    Deadline d = Deadline.after(Duration.ofMillis(300), time);
    time.advanceMillis(40);

    HttpResponse<String> response;
    try (ContextScope scope = RequestContext.of("req-1").withDeadline(d).bind()) {
      response =
          propagation.send(
              client,
              HttpRequest.newBuilder(jdkUri()).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    }

    assertThat(seenHeaders).containsExactly("260");
    assertThat(response.body()).isEqualTo("260");
  }

  @Test
  void theClientShortensTheRequestsOwnTimeoutToTheDeadline() {
    Deadline d = Deadline.after(Duration.ofMillis(300), time);
    try (ContextScope scope = d.bind()) {
      HttpRequest longer =
          HttpRequest.newBuilder(jdkUri()).timeout(Duration.ofSeconds(30)).GET().build();
      HttpRequest shorter =
          HttpRequest.newBuilder(jdkUri()).timeout(Duration.ofMillis(100)).GET().build();

      assertThat(HttpClientTracing.withoutTracing().decorate(longer).timeout())
          .contains(Duration.ofMillis(300));
      assertThat(HttpClientTracing.withoutTracing().decorate(shorter).timeout())
          .contains(Duration.ofMillis(100));
    }
  }

  @Test
  void anExpiredDeadlineFailsTheOutgoingCallAtOnceWithoutSendingIt() {
    HttpClientTracing propagation = HttpClientTracing.withoutTracing();
    Deadline d = Deadline.after(Duration.ofMillis(300), time);
    time.advanceMillis(305);
    HttpRequest request = HttpRequest.newBuilder(jdkUri()).GET().build();

    try (ContextScope scope = RequestContext.of("req-1").withDeadline(d).bind()) {
      assertThatThrownBy(
              () -> propagation.send(client, request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessage(
              "'outgoing call to 127.0.0.1:"
                  + jdk.getAddress().getPort()
                  + "' gave up: the request's deadline passed 5 ms ago");
      CompletableFuture<HttpResponse<String>> async =
          propagation.sendAsync(client, request, HttpResponse.BodyHandlers.ofString());
      assertThat(async)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(DeadlineExceededException.class);
    }

    assertThat(seenHeaders).isEmpty();
  }

  @Test
  void theHeaderNameIsConfigurableAndTheHeaderCanBeTurnedOff() throws Exception {
    Deadline d = Deadline.after(Duration.ofMillis(300), time);
    try (ContextScope scope = d.bind()) {
      HttpRequest renamed =
          HttpClientTracing.withoutTracing()
              .withDeadlineHeader(DeadlineHeader.builder().name("X-Deadline-Ms").build())
              .decorate(HttpRequest.newBuilder(jdkUri()).GET().build());
      HttpRequest off =
          HttpClientTracing.withoutTracing()
              .withDeadlineHeader(DeadlineHeader.builder().enabled(false).build())
              .decorate(HttpRequest.newBuilder(jdkUri()).GET().build());

      assertThat(renamed.headers().firstValue("X-Deadline-Ms")).contains("300");
      assertThat(renamed.headers().firstValue(DeadlineHeader.DEFAULT_NAME)).isEmpty();
      assertThat(off.headers().map()).doesNotContainKey(DeadlineHeader.DEFAULT_NAME);
    }
  }

  @Test
  void withoutADeadlineNoHeaderIsSent() throws Exception {
    try (ContextScope scope = RequestContext.of("req-1").bind()) {
      HttpClientTracing.withoutTracing()
          .send(
              client,
              HttpRequest.newBuilder(jdkUri()).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    }
    assertThat(seenHeaders).containsExactly((String) null);
  }
}
