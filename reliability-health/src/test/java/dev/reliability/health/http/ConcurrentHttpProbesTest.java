package dev.reliability.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.test.ManualTimeSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** 500 concurrent HTTP probe requests against a real server run each check once. */
class ConcurrentHttpProbesTest {

  private static final int REQUESTS = 500;

  private final ExecutorService serverThreads = Executors.newCachedThreadPool();
  private final ExecutorService clientThreads = Executors.newFixedThreadPool(16);
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(ManualTimeSource.create())
          .configSource(ConfigSource.empty())
          .build();
  private HttpServer server;

  @AfterEach
  void tearDown() {
    server.stop(0);
    serverThreads.shutdownNow();
    clientThreads.shutdownNow();
    registry.close();
  }

  @Test
  void fiveHundredConcurrentRequestsCauseOneRunPerCheck() throws Exception {
    AtomicInteger dbRuns = new AtomicInteger();
    AtomicInteger cacheRuns = new AtomicInteger();
    CountDownLatch gate = new CountDownLatch(1);
    registry.register(
        "database",
        () -> {
          dbRuns.incrementAndGet();
          gate.await(20, TimeUnit.SECONDS);
          return HealthCheckResult.healthy();
        });
    registry.register(
        "cache",
        () -> {
          cacheRuns.incrementAndGet();
          gate.await(20, TimeUnit.SECONDS);
          return HealthCheckResult.healthy();
        });
    registry.lifecycle().markStartupComplete();

    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(serverThreads);
    AtomicInteger inside = new AtomicInteger();
    HealthHttpHandler handler =
        HealthHttpHandler.create(registry, HealthEndpointConfig.builder().build());
    server.createContext(
        "/health",
        exchange -> {
          inside.incrementAndGet();
          handler.handle(exchange);
        });
    server.start();
    URI ready = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health/ready");
    HttpClient client = HttpClient.newBuilder().executor(clientThreads).build();

    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      responses.add(
          client.sendAsync(
              HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    // Hold the runs open until every request is inside the handler, then let them finish.
    await().atMost(30, TimeUnit.SECONDS).until(() -> inside.get() == REQUESTS);
    gate.countDown();

    for (CompletableFuture<HttpResponse<String>> f : responses) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"healthy\"}");
    }
    assertThat(dbRuns).hasValue(1);
    assertThat(cacheRuns).hasValue(1);
  }
}
