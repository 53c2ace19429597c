package dev.reliability.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthLifecycle;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualTimeSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shutdown on a real Tomcat: readiness refuses traffic (503, in Actuator and in the registry) as
 * soon as the context closes, while the server keeps serving for the drain time, measured on a
 * manual clock; then Spring's graceful shutdown lets the request in flight finish.
 */
class GracefulShutdownTest {

  static final ManualTimeSource TIME = ManualTimeSource.create();
  static final CountDownLatch ENTERED = new CountDownLatch(1);
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    HealthCheckRegistryCustomizer manualClock() {
      return builder -> builder.timeSource(TIME);
    }

    @Bean
    SlowController slowController() {
      return new SlowController();
    }
  }

  @RestController
  static class SlowController {
    @GetMapping("/slow")
    String slow() throws InterruptedException {
      ENTERED.countDown();
      return RELEASE.await(30, TimeUnit.SECONDS) ? "done" : "released by timeout";
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private ConfigurableApplicationContext context;

  @AfterEach
  void release() {
    RELEASE.countDown();
    if (context != null) {
      context.close();
    }
  }

  @Test
  void readinessRefusesTrafficForTheDrainTimeWhileTheServerServesAndTheRequestInFlightCompletes()
      throws Exception {
    SpringApplication application = new SpringApplication(App.class);
    application.setRegisterShutdownHook(false);
    context =
        application.run(
            "--server.port=0",
            "--server.shutdown=graceful",
            "--reliability.health.shutdown-drain-time=30s",
            "--reliability.health.cache-ttl=0s",
            "--reliability.leak.enabled=false");
    int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    HealthCheckRegistry registry = context.getBean(HealthCheckRegistry.class);
    ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
    assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);

    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(request(port, "/slow"), HttpResponse.BodyHandlers.ofString());
    assertThat(ENTERED.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);

    // Readiness refuses at once, in Spring and in the registry, and the server still answers.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(registry.lifecycle().phase()).isEqualTo(HealthLifecycle.Phase.DRAINING);
              assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
            });
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(registry.readiness().message()).startsWith("shutting down");
    assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(closing).isNotDone(); // held by the drain, on the manual clock
    assertThat(inFlight).isNotDone();

    // The drain time passes; graceful shutdown waits for the request in flight.
    TIME.advance(Duration.ofSeconds(30));
    RELEASE.countDown();

    HttpResponse<String> response = inFlight.get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("done");
    closing.get(20, TimeUnit.SECONDS);
    assertThat(context.isActive()).isFalse();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(request(port, path), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .build();
  }
}
