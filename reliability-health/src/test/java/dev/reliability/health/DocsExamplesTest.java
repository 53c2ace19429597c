package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.alert.WebhookAlertNotifier;
import dev.reliability.health.checks.HttpHealthCheck;
import dev.reliability.health.checks.JdbcHealthCheck;
import dev.reliability.health.checks.ThreadHealthCheck;
import dev.reliability.health.http.HealthEndpointConfig;
import dev.reliability.health.http.HealthHttpHandler;
import dev.reliability.health.http.HealthRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The examples of docs/health.md, compiled and run. */
class DocsExamplesTest {

  @Test
  void quickStart() throws Exception {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:docs;DB_CLOSE_DELAY=-1");
    ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(20_000);
    HttpServer payments =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    payments.createContext(
        "/health/ready",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    payments.start();
    System.setProperty(
        "reliability.health.payments-api.check-timeout", "5s"); // shows per-check keys work
    try {
      String paymentsUrl = "http://127.0.0.1:" + payments.getAddress().getPort();
      HealthCheckRegistry registry = HealthCheckRegistry.builder().build();
      registry.register("database", JdbcHealthCheck.of(dataSource)); // readiness
      registry.register(
          "payments-api", HttpHealthCheck.of(URI.create(paymentsUrl + "/health/ready")));
      registry.register(
          "deadlocks",
          ThreadHealthCheck.ofDefaults(),
          HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build()); // liveness
      registry.register(
          "work-queue",
          () ->
              queue.size() < 10_000
                  ? HealthCheckResult.healthy()
                  : HealthCheckResult.builder(HealthStatus.DEGRADED)
                      .message("queue is backing up")
                      .detail("depth", queue.size())
                      .build());

      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      HttpServer server = HttpServer.create(address, 0);
      server.setExecutor(Executors.newFixedThreadPool(4));
      HealthHttpHandler.create(registry)
          .mount(server); // /health/live, /health/ready, /health/startup, /health
      server.start();

      URI ready = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health/ready");
      HttpClient client = HttpClient.newHttpClient();
      assertThat(
              client
                  .send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(503);

      // ... initialise caches, run migrations, warm up ...
      registry.lifecycle().markStartupComplete();

      HttpResponse<String> up =
          client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).isEqualTo("{\"status\":\"healthy\"}");
      assertThat(registry.registration("payments-api").orElseThrow().config().timeout())
          .isEqualTo(Duration.ofSeconds(5));

      Thread shutdown =
          new Thread(
              () -> {
                registry.lifecycle().drain(); // readiness fails at once, then wait the drain time
                server.stop(0);
                registry.close();
              });
      Runtime.getRuntime().addShutdownHook(shutdown);
      Runtime.getRuntime().removeShutdownHook(shutdown);
      registry.lifecycle().beginShutdown();
      assertThat(
              client
                  .send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(503);
      server.stop(0);
      registry.close();
    } finally {
      System.clearProperty("reliability.health.payments-api.check-timeout");
      payments.stop(0);
    }
  }

  /** A bounded connection registry, as the WebSocket registry of reliability-core offers. */
  static final class Connections {
    private final ConcurrentLinkedQueue<Object> open = new ConcurrentLinkedQueue<>();

    int size() {
      return open.size();
    }

    int capacity() {
      return 10;
    }
  }

  @Test
  void checkOfAnotherComponent() {
    Connections connections = new Connections();
    try (HealthCheckRegistry registry =
        HealthCheckRegistry.builder().configSource(ConfigSource.empty()).build()) {
      registry.lifecycle().markStartupComplete();

      registry.register(
          "websocket-connections",
          () -> {
            int open = connections.size();
            HealthStatus status =
                open < connections.capacity() * 0.9 ? HealthStatus.HEALTHY : HealthStatus.DEGRADED;
            return HealthCheckResult.builder(status)
                .message(open + " of " + connections.capacity() + " connections open")
                .detail("connections", open)
                .measurement("connections", open, "")
                .build();
          });

      HealthCheckResult r =
          registry.readiness().check("websocket-connections").orElseThrow().result();
      assertThat(r.message()).isEqualTo("0 of 10 connections open");
    }
  }

  @Test
  void flapDampingConfiguration() {
    HealthCheckConfig damped =
        HealthCheckConfig.builder()
            .failureThreshold(3) // 3 failing runs in a row before healthy turns unhealthy
            .minTimeInError(Duration.ofSeconds(30)) // and failing for at least 30s
            .successThreshold(2) // 2 healthy runs in a row before it recovers
            .build();

    assertThat(damped.failureThreshold()).isEqualTo(3);
    assertThat(damped.successThreshold()).isEqualTo(2);
  }

  @Test
  void detailsForAuthorisedRequests() {
    String opsToken = "s3cr3t";

    HealthEndpointConfig config =
        HealthEndpointConfig.builder()
            .authorizer(request -> opsToken.equals(request.header("X-Ops-Token")))
            .serviceName("orders")
            .build();

    assertThat(config.detailsAllowed(request("s3cr3t"))).isTrue();
    assertThat(config.detailsAllowed(request("guess"))).isFalse();
    assertThat(config.serviceName()).contains("orders");
  }

  private static HealthRequest request(String token) {
    return new HealthRequest() {
      @Override
      public String header(String name) {
        return name.equals("X-Ops-Token") ? token : null;
      }

      @Override
      public String remoteAddress() {
        return "127.0.0.1";
      }

      @Override
      public Principal principal() {
        return null;
      }
    };
  }

  @Test
  void slackAlerts() throws IOException {
    AtomicInteger posts = new AtomicInteger();
    HttpServer slack =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    slack.createContext(
        "/services/T000/B000/XXXX",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          posts.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    slack.start();
    String slackWebhookUrl =
        "http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T000/B000/XXXX";
    try (HealthCheckRegistry registry =
        HealthCheckRegistry.builder().configSource(ConfigSource.empty()).build()) {
      WebhookAlertNotifier alerts =
          WebhookAlertNotifier.builder(URI.create(slackWebhookUrl))
              .format(WebhookAlertNotifier.Format.SLACK)
              .serviceName("orders")
              .build();
      registry.addListener(alerts);

      registry.lifecycle().markStartupComplete();
      registry.register("database", () -> HealthCheckResult.unhealthy("connection refused"));
      registry.readiness();
      await().atMost(5, TimeUnit.SECONDS).until(() -> posts.get() == 1);
      alerts.close();
    } finally {
      slack.stop(0);
    }
  }
}
