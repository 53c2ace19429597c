package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.shedding.LoadShedder;
import dev.reliability.core.shedding.LoadSheddingConfig;
import dev.reliability.core.shedding.httpserver.LoadSheddingFilter;
import dev.reliability.core.shedding.servlet.LoadSheddingServletFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The code shown in docs/load-shedding.md; the docs check asserts the text matches. */
class LoadSheddingGuideTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private static void ok(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  private static ConfigSource source() {
    return ConfigSource.fromMap(
        "test", Map.of("reliability.load-shedding.exempt-paths", "/health,/metrics"));
  }

  @Test
  void jdkHttpServer() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try {
      // docs/load-shedding.md: the JDK HttpServer
      LoadShedder shedder =
          LoadShedder.create(LoadSheddingConfig.ofDefaults().withOverrides(source()));
      HttpContext api = server.createContext("/api", LoadSheddingGuideTest::ok);
      api.getFilters().add(LoadSheddingFilter.create(shedder));
      // end of snippet
      server.start();
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/x"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(shedder.admittedCount()).isEqualTo(1);
      assertThat(shedder.config().exemptPaths()).containsExactly("/health", "/metrics");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void servlet() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(204);
              }
            }),
        "/api/*");
    LoadShedder shedder = LoadShedder.create(LoadSheddingConfig.ofDefaults());
    // docs/load-shedding.md: Servlet
    context.addFilter(
        new FilterHolder(LoadSheddingServletFilter.create(shedder)),
        "/api/*",
        EnumSet.of(DispatcherType.REQUEST));
    // end of snippet
    server.setHandler(context);
    server.start();
    try {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/x"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(shedder.admittedCount()).isEqualTo(1);
    } finally {
      server.stop();
    }
  }

  @Test
  void trafficClasses() {
    // docs/load-shedding.md: traffic classes
    LoadSheddingConfig config =
        LoadSheddingConfig.builder()
            .limit(
                AdaptiveLimitConfig.builder()
                    .minLimit(8)
                    .maxLimit(400)
                    .partition("interactive", 0.6)
                    .build())
            .exemptPaths(List.of("/health", "/metrics"))
            .build();
    LoadShedder shedder =
        LoadShedder.builder(config)
            .name("checkout-api")
            .trafficClassifier(
                (method, path, headers) -> path.startsWith("/api/checkout") ? "interactive" : null)
            .build();
    // end of snippet
    assertThat(shedder.trafficClass("POST", "/api/checkout/1", h -> null)).isEqualTo("interactive");
    assertThat(shedder.trafficClass("GET", "/api/report", h -> null)).isEqualTo("default");
  }
}
