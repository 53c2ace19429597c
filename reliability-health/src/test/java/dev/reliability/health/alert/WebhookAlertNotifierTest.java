package dev.reliability.health.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.health.HealthStatusChange;
import dev.reliability.test.ManualTimeSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts posted to a local webhook receiver, with cooldown and de-duplication on a manual clock.
 */
class WebhookAlertNotifierTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualTimeSource time = ManualTimeSource.create();
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final AtomicInteger answer = new AtomicInteger(200);
  private HttpServer receiver;
  private URI webhook;
  private WebhookAlertNotifier notifier;

  @BeforeEach
  void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          assertThat(exchange.getRequestHeaders().getFirst("Content-Type"))
              .isEqualTo("application/json");
          received.add(JSON.readTree(body));
          exchange.sendResponseHeaders(answer.get(), -1);
          exchange.close();
        });
    receiver.start();
    webhook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
  }

  @AfterEach
  void stop() {
    if (notifier != null) {
      notifier.close();
    }
    receiver.stop(0);
  }

  private WebhookAlertNotifier.Builder builder() {
    return WebhookAlertNotifier.builder(webhook)
        .timeSource(time)
        .configSource(ConfigSource.empty())
        .serviceName("orders")
        .tick(Duration.ofMillis(5));
  }

  private HealthStatusChange change(String subject, HealthStatus from, HealthStatus to) {
    return new HealthStatusChange(
        subject,
        HealthStatusChange.SubjectType.CHECK,
        from,
        to,
        to == HealthStatus.HEALTHY ? "" : "connection refused",
        Map.of("port", 5432),
        time.now());
  }

  private JsonNode next() throws InterruptedException {
    JsonNode body = received.poll(5, TimeUnit.SECONDS);
    assertThat(body).as("an alert arrives").isNotNull();
    return body;
  }

  @Test
  void postsGenericJsonWhenACheckFails() throws Exception {
    notifier = builder().build();

    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY));

    JsonNode body = next();
    assertThat(body.get("service").asText()).isEqualTo("orders");
    assertThat(body.get("subject").asText()).isEqualTo("database");
    assertThat(body.get("subject_type").asText()).isEqualTo("check");
    assertThat(body.get("status").asText()).isEqualTo("unhealthy");
    assertThat(body.get("previous_status").asText()).isEqualTo("healthy");
    assertThat(body.get("message").asText()).isEqualTo("connection refused");
    assertThat(body.get("timestamp").asText()).isEqualTo("2000-01-01T00:00:00Z");
    assertThat(body.get("suppressed_count").asInt()).isZero();
    assertThat(body.get("details").get("port").asInt()).isEqualTo(5432);
    await().atMost(5, TimeUnit.SECONDS).until(() -> notifier.sentCount() == 1);
  }

  @Test
  void postsASlackCompatibleBody() throws Exception {
    notifier = builder().format(WebhookAlertNotifier.Format.SLACK).build();

    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY));

    JsonNode body = next();
    assertThat(body.get("text").asText())
        .isEqualTo(
            ":red_circle: *[orders] database is unhealthy* (was healthy): connection refused");
    JsonNode attachment = body.get("attachments").get(0);
    assertThat(attachment.get("color").asText()).isEqualTo("#d50200");
    assertThat(attachment.get("fields").get(0).get("value").asText()).isEqualTo("unhealthy");
    assertThat(attachment.get("ts").asLong()).isEqualTo(946684800L);
  }

  @Test
  void cooldownHoldsChangesBackAndSendsTheLatestWhenItEnds() throws Exception {
    notifier = builder().cooldown(Duration.ofMinutes(5)).build();

    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY));
    assertThat(next().get("status").asText()).isEqualTo("unhealthy");

    time.advance(Duration.ofSeconds(30));
    notifier.onStatusChanged(change("database", HealthStatus.UNHEALTHY, HealthStatus.HEALTHY));
    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.DEGRADED));
    time.advance(Duration.ofSeconds(269));
    assertThat(received.poll(100, TimeUnit.MILLISECONDS)).isNull();
    assertThat(notifier.suppressedCount()).isEqualTo(2);

    time.advance(Duration.ofSeconds(1));
    JsonNode released = next();
    assertThat(released.get("status").asText()).isEqualTo("degraded");
    assertThat(released.get("previous_status").asText()).isEqualTo("unhealthy");
    assertThat(released.get("suppressed_count").asInt()).isEqualTo(2);
  }

  @Test
  void repeatedStatusIsDeduplicatedAndFlappingBackIsNotSent() throws Exception {
    notifier = builder().cooldown(Duration.ofMinutes(5)).build();

    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY));
    next();
    time.advance(Duration.ofSeconds(10));
    notifier.onStatusChanged(change("database", HealthStatus.UNHEALTHY, HealthStatus.HEALTHY));
    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY));
    time.advance(Duration.ofMinutes(10));
    notifier.onStatusChanged(change("database", HealthStatus.UNKNOWN, HealthStatus.UNHEALTHY));

    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(notifier.deduplicatedCount()).isEqualTo(2);
    assertThat(notifier.sentCount()).isEqualTo(1);
  }

  @Test
  void recoveryIsSentOnlyAfterAFiringAlert() throws Exception {
    notifier = builder().cooldown(Duration.ZERO).build();

    notifier.onStatusChanged(change("cache", HealthStatus.UNKNOWN, HealthStatus.HEALTHY));
    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();

    notifier.onStatusChanged(change("cache", HealthStatus.HEALTHY, HealthStatus.DEGRADED));
    assertThat(next().get("status").asText()).isEqualTo("degraded");
    notifier.onStatusChanged(change("cache", HealthStatus.DEGRADED, HealthStatus.HEALTHY));
    assertThat(next().get("status").asText()).isEqualTo("healthy");
  }

  @Test
  void minimumStatusAndGroupsFilterAlerts() throws Exception {
    notifier = builder().minimumStatus(HealthStatus.UNHEALTHY).build();

    notifier.onStatusChanged(change("cache", HealthStatus.HEALTHY, HealthStatus.DEGRADED));
    notifier.onStatusChanged(
        new HealthStatusChange(
            "readiness",
            HealthStatusChange.SubjectType.GROUP,
            HealthStatus.HEALTHY,
            HealthStatus.UNHEALTHY,
            "",
            Map.of(),
            time.now()));
    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();

    notifier.close();
    notifier = builder().includeGroups(true).build();
    notifier.onStatusChanged(
        new HealthStatusChange(
            "readiness",
            HealthStatusChange.SubjectType.GROUP,
            HealthStatus.HEALTHY,
            HealthStatus.UNHEALTHY,
            "shutting down",
            Map.of(),
            time.now()));
    assertThat(next().get("subject_type").asText()).isEqualTo("group");
  }

  @Test
  void refusedPostIsCountedAsFailed() throws Exception {
    answer.set(500);
    notifier = builder().build();

    notifier.onStatusChanged(change("database", HealthStatus.HEALTHY, HealthStatus.UNHEALTHY));

    next();
    await().atMost(5, TimeUnit.SECONDS).until(() -> notifier.failedCount() == 1);
    assertThat(notifier.sentCount()).isZero();
  }

  @Test
  void alertsFollowARegistry() throws Exception {
    notifier = builder().build();
    try (HealthCheckRegistry registry =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .listener(notifier)
            .build()) {
      registry.lifecycle().markStartupComplete();
      registry.register(
          "database", () -> HealthCheckResult.unhealthy("connection refused password=hunter2"));

      registry.readiness();

      JsonNode body = next();
      assertThat(body.get("subject").asText()).isEqualTo("database");
      assertThat(body.get("previous_status").asText()).isEqualTo("unknown");
      assertThat(body.get("message").asText()).isEqualTo("connection refused password=****");
    }
  }

  @Test
  void builderAndConfiguration() {
    assertThatThrownBy(() -> WebhookAlertNotifier.builder(URI.create("mailto:ops@example.com")))
        .hasMessage("webhook must be an absolute http or https URL, was a mailto URL");
    assertThatThrownBy(() -> builder().minimumStatus(HealthStatus.HEALTHY))
        .hasMessage("minimumStatus must be worse than healthy, was HEALTHY");
    try (WebhookAlertNotifier configured =
        builder()
            .configSource(
                ConfigSource.environment(Map.of("RELIABILITY_HEALTH_ALERT_COOLDOWN", "90")))
            .build()) {
      assertThat(configured.cooldown()).isEqualTo(Duration.ofSeconds(90));
    }
  }
}
