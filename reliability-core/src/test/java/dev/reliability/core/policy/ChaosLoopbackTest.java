package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.context.ContextScope;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.error.ServiceTimeoutException;
import dev.reliability.core.error.ServiceUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chaos strategies in front of a real HTTP server on loopback. */
class ChaosLoopbackTest {

  private final AtomicInteger served = new AtomicInteger();
  private HttpServer server;
  private HttpClient client;
  private URI uri;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/quote",
        exchange -> {
          served.incrementAndGet();
          byte[] body = "{\"price\":101}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/quote");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String get() {
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T as(String tenant, java.util.function.Supplier<T> work) {
    try (ContextScope scope =
        RequestContext.builder("req-" + tenant).tenantId(tenant).build().bind()) {
      return work.get();
    }
  }

  @Test
  void aRehearsalForOneTenantNeverReachesTheServerAndOpensTheSharedBreaker() {
    try (Policy policy =
        Policy.builder("quote-http")
            .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(3).build())
            .chaos(ChaosConfig.builder().faultRate(1.0).keys(Set.of("canary")).build())
            .build()) {
      ChaosSwitch chaos = policy.chaos().orElseThrow();

      assertThat(as("canary", () -> policy.execute(this::get))).contains("price");
      chaos.enable();
      assertThat(as("paying", () -> policy.execute(this::get))).contains("price");
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> as("canary", () -> policy.execute(this::get)))
            .isInstanceOf(ServiceUnavailableException.class)
            .satisfies(t -> assertThat(ChaosConfig.isInjected(t)).isTrue());
      }

      assertThat(served).hasValue(2);
      // The breaker is the policy's, not the tenant's: injected faults open it for everyone.
      assertThatThrownBy(() -> as("paying", () -> policy.execute(this::get)))
          .isInstanceOf(CircuitOpenException.class);
      assertThat(chaos.injections(ChaosKind.FAULT)).isEqualTo(3);
    }
  }

  @Test
  void theTimeLimitInterruptsInjectedLatencyOfASynchronousCall() {
    try (Policy policy =
        Policy.builder("quote-slow")
            .timeLimiter(TimeLimiterConfig.of(Duration.ofMillis(200)))
            .chaos(ChaosConfig.builder().enabled(true).latency(Duration.ofSeconds(30), 1.0).build())
            .build()) {
      long start = System.nanoTime();

      assertThatThrownBy(() -> policy.execute(this::get))
          .isInstanceOf(ServiceTimeoutException.class);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(served).hasValue(0);
      assertThat(policy.timeLimiter().orElseThrow().ignoredInterrupts()).isZero();
    }
  }

  @Test
  void anAsynchronousCallRunsAfterInjectedLatencyOnTheSystemScheduler() throws Exception {
    try (Policy policy =
        Policy.builder("quote-async")
            .chaos(ChaosConfig.builder().enabled(true).latency(Duration.ofMillis(50), 1.0).build())
            .build()) {
      CompletableFuture<String> result =
          policy.executeAsync(() -> CompletableFuture.supplyAsync(this::get));

      assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains("price");
      assertThat(served).hasValue(1);
      assertThat(policy.chaos().orElseThrow().injections(ChaosKind.LATENCY)).isEqualTo(1);
    }
  }
}
