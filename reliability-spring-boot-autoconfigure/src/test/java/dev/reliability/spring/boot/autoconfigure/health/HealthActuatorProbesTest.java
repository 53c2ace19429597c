package dev.reliability.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * The registry and Actuator on a real Tomcat, asked over real HTTP: the registry's checks in {@code
 * /actuator/health} and in its liveness and readiness groups, and Actuator's indicators in the
 * registry.
 */
@SpringBootTest(
    classes = HealthActuatorProbesTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "reliability.health.cache-ttl=0s",
      "reliability.leak.enabled=false",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.show-components=always"
    })
class HealthActuatorProbesTest {

  static final AtomicReference<HealthCheckResult> PAYMENTS =
      new AtomicReference<>(HealthCheckResult.healthy());
  static final AtomicReference<HealthCheckResult> RECOMMENDATIONS =
      new AtomicReference<>(HealthCheckResult.healthy());
  static final AtomicReference<HealthCheckResult> WORKER =
      new AtomicReference<>(HealthCheckResult.healthy());
  static final AtomicReference<Health> INVENTORY = new AtomicReference<>(Health.up().build());
  static final AtomicInteger PAYMENTS_RUNS = new AtomicInteger();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    HealthCheck payments() {
      return () -> {
        PAYMENTS_RUNS.incrementAndGet();
        return PAYMENTS.get();
      };
    }

    @Bean
    HealthCheckRegistrationBean recommendations() {
      return HealthCheckRegistrationBean.of(
          "recommendations",
          RECOMMENDATIONS::get,
          HealthCheckConfig.builder().critical(false).build());
    }

    @Bean
    HealthCheckRegistrationBean worker() {
      return HealthCheckRegistrationBean.of(
          "worker", WORKER::get, HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
    }

    @Bean
    HealthIndicator inventoryHealthIndicator() {
      return INVENTORY::get;
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @LocalServerPort int port;

  @Autowired HealthCheckRegistry registry;

  @BeforeEach
  void allHealthy() {
    PAYMENTS.set(HealthCheckResult.healthy());
    RECOMMENDATIONS.set(HealthCheckResult.healthy());
    WORKER.set(HealthCheckResult.healthy());
    INVENTORY.set(Health.up().build());
  }

  @Test
  void startupIsCompleteOnceTheApplicationIsReady() {
    assertThat(registry.lifecycle().isStartupComplete()).isTrue();
    assertThat(registry.startup().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void anUnhealthyCriticalReadinessCheckFailsReadinessWith503AndLeavesLiveness200()
      throws Exception {
    PAYMENTS.set(HealthCheckResult.unhealthy("connection refused"));

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    HttpResponse<String> liveness = get("/actuator/health/liveness");

    assertThat(readiness.statusCode()).isEqualTo(503);
    assertThat(json.readTree(readiness.body()).path("status").asText()).isEqualTo("DOWN");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void aDegradedCheckKeepsReadiness200AndShowsDegradedInTheDetailedView() throws Exception {
    PAYMENTS.set(HealthCheckResult.degraded("slow answers"));

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    JsonNode payments =
        json.readTree(get("/actuator/health").body())
            .path("components")
            .path("reliability")
            .path("components")
            .path("payments");

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(payments.path("status").asText()).isEqualTo("DEGRADED");
    assertThat(payments.path("description").asText()).isEqualTo("slow answers");
    assertThat(payments.path("details").path("critical").asBoolean()).isTrue();
  }

  @Test
  void aFailingNonCriticalCheckIsDegradedInActuatorAndKeepsReadiness200() throws Exception {
    RECOMMENDATIONS.set(HealthCheckResult.unhealthy("connection refused"));

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    JsonNode recommendations =
        json.readTree(get("/actuator/health/reliability/recommendations").body());

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(recommendations.path("status").asText()).isEqualTo("DEGRADED");
    assertThat(recommendations.path("details").path("status").asText()).isEqualTo("unhealthy");
  }

  @Test
  void aFailingLivenessCheckFailsLivenessOnlyAsItsGroupsInTheRegistrySay() throws Exception {
    WORKER.set(HealthCheckResult.unhealthy("worker pool stopped taking work"));

    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(503);
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    JsonNode ours =
        json.readTree(get("/actuator/health").body()).path("components").path("reliability");
    assertThat(ours.path("components").path("worker").path("details").path("groups").toString())
        .isEqualTo("[\"liveness\"]");
    assertThat(ours.path("components").has("readiness-state")).isFalse(); // Actuator has its own
    assertThat(ours.path("components").path("lifecycle").path("status").asText()).isEqualTo("UP");
  }

  @Test
  void oneProbeRunsEachCheckOnceHoweverManyIndicatorsActuatorAsks() throws Exception {
    int before = PAYMENTS_RUNS.get();

    get("/actuator/health");

    assertThat(PAYMENTS_RUNS.get() - before).isEqualTo(1);
  }

  @Test
  void actuatorsIndicatorsAreInTheRegistrysDetailedView() {
    INVENTORY.set(Health.down().withDetail("warehouse", "north").build());

    HealthReport full = registry.fullReport();

    assertThat(full.check("inventory"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.result().status()).isEqualTo(HealthStatus.UNHEALTHY);
              assertThat(c.result().details()).containsEntry("warehouse", "north");
              assertThat(c.groups()).containsExactly("actuator");
            });
    assertThat(full.check("diskSpace")).isPresent();
    assertThat(full.check("reliability")).isEmpty();
    // Actuator's indicators do not change the registry's probes, as they do not change Actuator's.
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
