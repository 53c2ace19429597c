package dev.reliability.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** The registry's checks in Actuator's probe groups of a WebFlux application on Reactor Netty. */
@SpringBootTest(
    classes = HealthReactiveProbesTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "reliability.health.cache-ttl=0s",
      "reliability.leak.enabled=false"
    })
class HealthReactiveProbesTest {

  static final AtomicReference<HealthCheckResult> PAYMENTS =
      new AtomicReference<>(HealthCheckResult.healthy());

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    HealthCheck payments() {
      return PAYMENTS::get;
    }
  }

  @LocalServerPort int port;

  @AfterEach
  void healthy() {
    PAYMENTS.set(HealthCheckResult.healthy());
  }

  @Test
  void anUnhealthyCriticalCheckFailsReadinessAndADegradedOneDoesNot() throws Exception {
    PAYMENTS.set(HealthCheckResult.unhealthy("connection refused"));
    assertThat(status("/actuator/health/readiness")).isEqualTo(503);
    assertThat(status("/actuator/health/liveness")).isEqualTo(200);

    PAYMENTS.set(HealthCheckResult.degraded("slow answers"));
    assertThat(status("/actuator/health/readiness")).isEqualTo(200);
  }

  private int status(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
