package dev.reliability.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.ResourceUsage;
import dev.reliability.health.spi.ServicePerformance;
import dev.reliability.test.ManualTimeSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK HttpServer endpoints against a real server on loopback. */
class HealthHttpHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpClient client = HttpClient.newHttpClient();
  private final ExecutorService serverThreads = Executors.newFixedThreadPool(4);
  private HealthCheckRegistry registry;
  private HttpServer server;

  @BeforeEach
  void start() {
    registry =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .performanceSource(() -> new ServicePerformance(1523, 3, Duration.ofMillis(145)))
            .resourceSource(
                () ->
                    new ResourceUsage(
                        245.32, 12.5, 8, 100, 512, 30, 0.5, 42, 1024, Duration.ofSeconds(90)))
            .build();
    registry.register(
        "database",
        () ->
            HealthCheckResult.builder(HealthStatus.HEALTHY)
                .message("connected to postgres://app:s3cret@db/orders")
                .detail("password", "hunter2")
                .detail("pool_active", 3)
                .measurement("responseTime", 12, "ms")
                .build());
    registry.register(
        "recommendations",
        () -> HealthCheckResult.unhealthy("connection refused"),
        HealthCheckConfig.builder()
            .critical(false)
            .groups(HealthGroups.READINESS, "payments")
            .build());
    registry.register(
        "deadlocks",
        HealthCheckResult::healthy,
        HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
    registry.lifecycle().markStartupComplete();
  }

  private String serve(HealthEndpointConfig config) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(serverThreads);
    HealthHttpHandler.create(registry, config).mount(server);
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static HealthEndpointConfig.Builder config() {
    return HealthEndpointConfig.builder();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    serverThreads.shutdownNow();
    registry.close();
  }

  private HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesAnswerMinimalBodiesWithStatusCodes() throws Exception {
    String base = serve(config().build());

    HttpResponse<String> live = get(base + "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"healthy\"}");
    assertThat(live.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(live.headers().firstValue("Cache-Control")).contains("no-store");

    HttpResponse<String> ready = get(base + "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"degraded\"}");
    assertThat(ready.headers().firstValue("Cache-Control")).contains("no-store");

    assertThat(get(base + "/health/startup").body()).isEqualTo("{\"status\":\"healthy\"}");
    assertThat(get(base + "/health/readiness/").statusCode()).isEqualTo(200);
    assertThat(get(base + "/health/liveness").statusCode()).isEqualTo(200);
  }

  @Test
  void unhealthyAndStartingAnswer503() throws Exception {
    String base = serve(config().build());
    registry.lifecycle().beginShutdown();

    HttpResponse<String> ready = get(base + "/health/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"status\":\"unhealthy\"}");
    assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void degradedStatusCodeIsConfigurable() throws Exception {
    String base = serve(config().degradedStatusCode(503).build());

    assertThat(get(base + "/health/ready").statusCode()).isEqualTo(503);
    assertThat(get(base + "/health/payments").statusCode()).isEqualTo(503);
    assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void headAnswersTheSameStatusAndHeadersWithoutABody() throws Exception {
    String base = serve(config().build());
    registry.lifecycle().beginShutdown();

    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(head.statusCode()).isEqualTo(503);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(head.headers().firstValue("Content-Type")).contains("application/json");
  }

  @Test
  void contentNegotiationServesTheIetfFormat() throws Exception {
    String base = serve(config().showDetails(ShowDetails.ALWAYS).serviceName("orders").build());

    HttpResponse<String> probe = get(base + "/health/ready", "Accept", "application/health+json");
    assertThat(probe.headers().firstValue("Content-Type")).contains("application/health+json");
    assertThat(probe.body()).isEqualTo("{\"status\":\"warn\"}");

    HttpResponse<String> detailed =
        get(base + "/health", "Accept", "application/json;q=0.5, application/health+json");
    JsonNode body = JSON.readTree(detailed.body());
    assertThat(detailed.headers().firstValue("Content-Type")).contains("application/health+json");
    assertThat(body.get("status").asText()).isEqualTo("warn");
    assertThat(body.get("serviceId").asText()).isEqualTo("orders");
    assertThat(body.get("output").asText())
        .isEqualTo("recommendations unhealthy: connection refused");
    JsonNode db = body.get("checks").get("database:responseTime").get(0);
    assertThat(db.get("componentType").asText()).isEqualTo("component");
    assertThat(db.get("observedValue").asInt()).isEqualTo(12);
    assertThat(db.get("observedUnit").asText()).isEqualTo("ms");
    assertThat(db.get("status").asText()).isEqualTo("pass");
    assertThat(db.get("time").asText()).isEqualTo("2000-01-01T00:00:00Z");
    JsonNode rec = body.get("checks").get("recommendations:status").get(0);
    assertThat(rec.get("status").asText()).isEqualTo("fail");
    assertThat(rec.get("output").asText()).isEqualTo("connection refused");
  }

  @Test
  void contentNegotiationServesMicroProfile() throws Exception {
    String base = serve(config().showDetails(ShowDetails.ALWAYS).build());

    JsonNode probe = JSON.readTree(get(base + "/health/ready?format=microprofile").body());
    assertThat(probe.get("status").asText()).isEqualTo("UP");
    assertThat(probe.get("checks").get(1).get("name").asText()).isEqualTo("recommendations");
    assertThat(probe.get("checks").get(1).get("status").asText()).isEqualTo("DOWN");
    assertThat(probe.get("checks").get(1).has("data")).isFalse();

    JsonNode detailed = JSON.readTree(get(base + "/health?format=mp").body());
    JsonNode data = detailed.get("checks").get(0).get("data");
    assertThat(data.get("status").asText()).isEqualTo("healthy");
    assertThat(data.get("pool_active").asInt()).isEqualTo(3);
    assertThat(data.get("password").asText()).isEqualTo("****");

    registry.lifecycle().beginShutdown();
    assertThat(
            JSON.readTree(get(base + "/health/ready?format=microprofile").body())
                .get("status")
                .asText())
        .isEqualTo("DOWN");
  }

  @Test
  void microProfileCanBeTheDefaultFormat() throws Exception {
    String base = serve(config().defaultFormat(HealthFormat.MICROPROFILE).build());

    assertThat(JSON.readTree(get(base + "/health/live").body()).get("status").asText())
        .isEqualTo("UP");
    assertThat(
            JSON.readTree(get(base + "/health/live", "Accept", "application/json").body())
                .get("status")
                .asText())
        .isEqualTo("UP");
  }

  @Test
  void unsupportedAcceptGetsTheDefaultFormatRatherThan406() throws Exception {
    String base = serve(config().build());

    HttpResponse<String> r = get(base + "/health/live", "Accept", "text/html");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"healthy\"}");
  }

  @Test
  void detailedViewIsHiddenByDefault() throws Exception {
    String base = serve(config().build());

    HttpResponse<String> r = get(base + "/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"degraded\"}");
  }

  @Test
  void detailedViewShowsSanitisedChecksResourcesAndPerformance() throws Exception {
    String base =
        serve(
            config()
                .showDetails(ShowDetails.ALWAYS)
                .serviceName("orders")
                .serviceVersion("1.4.2")
                .build());

    HttpResponse<String> r = get(base + "/health/detailed");
    JsonNode body = JSON.readTree(r.body());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body.get("status").asText()).isEqualTo("degraded");
    assertThat(body.get("service").asText()).isEqualTo("orders");
    assertThat(body.get("version").asText()).isEqualTo("1.4.2");
    JsonNode db = body.get("checks").get("database");
    assertThat(db.get("status").asText()).isEqualTo("healthy");
    assertThat(db.get("message").asText()).isEqualTo("connected to postgres://****@db/orders");
    assertThat(db.get("details").get("password").asText()).isEqualTo("****");
    assertThat(db.get("critical").asBoolean()).isTrue();
    assertThat(db.has("duration_ms")).isTrue();
    assertThat(body.get("checks").get("recommendations").get("critical").asBoolean()).isFalse();
    JsonNode resources = body.get("resources");
    assertThat(resources.get("memory_mb").asDouble()).isEqualTo(245.32);
    assertThat(resources.get("cpu_percent").asDouble()).isEqualTo(12.5);
    assertThat(resources.get("threads").asInt()).isEqualTo(8);
    assertThat(resources.get("open_file_descriptors").asInt()).isEqualTo(42);
    JsonNode performance = body.get("performance");
    assertThat(performance.get("request_count").asLong()).isEqualTo(1523);
    assertThat(performance.get("error_count").asLong()).isEqualTo(3);
    assertThat(performance.get("average_response_time").asDouble()).isEqualTo(0.145);
    assertThat(performance.get("error_rate").asDouble()).isEqualTo(0.2);
    assertThat(r.body()).doesNotContain("hunter2", "s3cret");
  }

  @Test
  void detailsWhenAuthorised() throws Exception {
    String base =
        serve(
            config()
                .authorizer(req -> "Bearer ops-token".equals(req.header("Authorization")))
                .build());

    assertThat(get(base + "/health").body()).isEqualTo("{\"status\":\"degraded\"}");
    assertThat(get(base + "/health", "Authorization", "Bearer wrong").body())
        .isEqualTo("{\"status\":\"degraded\"}");
    JsonNode body =
        JSON.readTree(get(base + "/health", "Authorization", "Bearer ops-token").body());
    assertThat(body.get("checks").get("database").get("details").get("pool_active").asInt())
        .isEqualTo(3);
  }

  @Test
  void unknownPathsAndMethodsAnswerProblemDetails() throws Exception {
    String base = serve(config().build());

    HttpResponse<String> missing = get(base + "/health/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(JSON.readTree(missing.body()).get("error_code").asText())
        .isEqualTo("HEALTH_ENDPOINT_NOT_FOUND");
    assertThat(get(base + "/healthz").statusCode()).isEqualTo(404);
    assertThat(get(base + "/health/ready/extra").statusCode()).isEqualTo(404);

    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    assertThat(JSON.readTree(post.body()).get("detail").asText())
        .isEqualTo("Health endpoints answer GET and HEAD only");
  }

  @Test
  void aNotFoundProblemDoesNotEchoTheRequestPath() throws Exception {
    String base = serve(config().build());
    String hostile = "tokentoken".repeat(200) + ":";

    HttpResponse<String> missing = get(base + "/health/" + hostile);

    assertThat(missing.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(missing.body());
    assertThat(body.get("detail").asText()).isEqualTo("No health endpoint at this path");
    assertThat(missing.body()).doesNotContain("tokentoken");
  }

  @Test
  void customGroupsAreServedByName() throws Exception {
    String base = serve(config().build());

    HttpResponse<String> r = get(base + "/health/payments");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"degraded\"}");
  }

  @Test
  void mountRejectsBadPaths() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    HealthHttpHandler handler = HealthHttpHandler.create(registry, config().build());

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler.mount(server, "health/"))
        .hasMessage("path must be an absolute path without a trailing '/', was \"health/\"");
    assertThat(handler.mount(server, "/management/health").getPath())
        .isEqualTo("/management/health");
  }
}
