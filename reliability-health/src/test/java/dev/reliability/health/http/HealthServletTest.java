package dev.reliability.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.test.ManualTimeSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servlet in a real Jetty 12 (EE 11) container on loopback. */
class HealthServletTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(ManualTimeSource.create())
          .configSource(ConfigSource.empty())
          .resourceSource(null)
          .build();
  private Server jetty;
  private String base;

  @BeforeEach
  void start() throws Exception {
    registry.register("database", () -> HealthCheckResult.healthy("token=abc123secret"));
    registry.register(
        "queue",
        () -> HealthCheckResult.degraded("backlog"),
        HealthCheckConfig.builder().groups(HealthGroups.READINESS, "workers").build());
    registry.lifecycle().markStartupComplete();
    HealthEndpointConfig config =
        HealthEndpointConfig.builder()
            .authorizer(
                request ->
                    "127.0.0.1".equals(request.remoteAddress()) && request.header("X-Ops") != null)
            .build();

    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new HealthServlet(registry, config)), "/health/*");
    jetty.setHandler(context);
    jetty.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
    registry.close();
  }

  private HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheProbes() throws Exception {
    HttpResponse<String> ready = send("GET", "/health/ready");

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"degraded\"}");
    assertThat(ready.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(ready.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(send("GET", "/health/live").body()).isEqualTo("{\"status\":\"healthy\"}");
    assertThat(send("GET", "/health/workers").body()).isEqualTo("{\"status\":\"degraded\"}");

    registry.lifecycle().beginShutdown();
    assertThat(send("GET", "/health/ready").statusCode()).isEqualTo(503);
  }

  @Test
  void headHasNoBody() throws Exception {
    HttpResponse<String> head = send("HEAD", "/health/live");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(head.headers().firstValue("Content-Length")).contains("20");
  }

  @Test
  void negotiatesFormats() throws Exception {
    HttpResponse<String> ietf = send("GET", "/health/ready", "Accept", "application/health+json");
    assertThat(ietf.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/health+json"));
    assertThat(ietf.body()).isEqualTo("{\"status\":\"warn\"}");

    assertThat(
            JSON.readTree(send("GET", "/health/ready?format=microprofile").body())
                .get("status")
                .asText())
        .isEqualTo("UP");
  }

  @Test
  void detailsOnlyForAuthorisedRequests() throws Exception {
    assertThat(send("GET", "/health").body()).isEqualTo("{\"status\":\"degraded\"}");

    String body = send("GET", "/health", "X-Ops", "yes").body();
    assertThat(JSON.readTree(body).get("checks").get("database").get("message").asText())
        .isEqualTo("token=****");
    assertThat(body).doesNotContain("abc123secret");
  }

  @Test
  void unknownPathsAndMethods() throws Exception {
    assertThat(send("GET", "/health/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> delete = send("DELETE", "/health/ready");
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).contains("GET, HEAD");
  }
}
