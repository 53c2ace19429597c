package dev.reliability.core.connection.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionStatistics;
import dev.reliability.core.connection.internal.DefaultConnectionRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;

/**
 * 10,000 real WebSocket connect/disconnect cycles against Jetty leave the registry empty (no
 * connection, reservation, key counter, scheduled entry or busy sender left) and the heap flat.
 * Bounded: eight pipelines, and the whole run must finish within two minutes.
 */
class JettyChurnTest {

  private static final int WARM_UP = Integer.getInteger("churn.warmup", 1_000);
  private static final int CYCLES = Integer.getInteger("churn.cycles", 10_000);
  private static final int PIPELINES = 8;

  @Test
  void tenThousandConnectDisconnectCyclesLeaveTheRegistryEmptyAndTheHeapFlat() throws Exception {
    ExecutorService clientThreads = Executors.newFixedThreadPool(4);
    HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
    try (ConnectionRegistry<Session> registry =
            ConnectionRegistry.builder(JettyConnections.transport())
                .config(
                    JettyConnectionsIntegrationTest.config()
                        .maxConnections(4 * PIPELINES)
                        .maxConnectionsPerKey(PIPELINES)
                        .sweepInterval(Duration.ofMillis(50))
                        .build())
                .build();
        JettyServer server =
            JettyServer.start(
                JettyConnections.admit(
                    registry,
                    request -> request.getHeaders().get("X-Client"),
                    (req, resp, cb) -> new EchoEndpoint()))) {
      DefaultConnectionRegistry<Session> internals = (DefaultConnectionRegistry<Session>) registry;

      run(http, server, WARM_UP);
      awaitEmpty(registry);
      long before = usedHeapAfterGc();

      run(http, server, CYCLES - WARM_UP);
      awaitEmpty(registry);
      long after = usedHeapAfterGc();

      System.out.printf(
          "churn: %d cycles, used heap after GC %d KB before, %d KB after, growth %d KB%n",
          CYCLES - WARM_UP, before / 1024, after / 1024, (after - before) / 1024);
      ConnectionStatistics stats = registry.statistics();
      assertThat(stats.accepted()).isEqualTo(CYCLES);
      assertThat(stats.rejectedTotal()).isZero();
      assertThat(stats.closed()).containsEntry(CloseCause.DISCONNECTED, (long) CYCLES);
      assertThat(stats.perKey()).isEmpty();
      assertThat(registry.reservedCount()).isZero();
      assertThat(internals.scheduledEntries()).isZero();
      assertThat(internals.busyConnections()).isZero();
      assertThat(after - before)
          .as("heap growth over %d cycles: %d KB", CYCLES - WARM_UP, (after - before) / 1024)
          .isLessThan(16L * 1024 * 1024);
    } finally {
      clientThreads.shutdownNow();
    }
  }

  private static void run(HttpClient http, JettyServer server, int cycles) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<CompletableFuture<Void>> pipelines = new ArrayList<>();
    for (int p = 0; p < PIPELINES; p++) {
      String key = "client-" + (p % 4);
      pipelines.add(cycle(http, server, key, next, cycles));
    }
    CompletableFuture.allOf(pipelines.toArray(new CompletableFuture<?>[0]))
        .get(2, TimeUnit.MINUTES);
  }

  /** One pipeline: connect, echo one message, close, and again until the count is reached. */
  private static CompletableFuture<Void> cycle(
      HttpClient http, JettyServer server, String key, AtomicInteger next, int cycles) {
    if (next.getAndIncrement() >= cycles) {
      return CompletableFuture.completedFuture(null);
    }
    return Client.connect(http, server.uri(), true, key)
        .thenCompose(
            client ->
                client
                    .socket
                    .sendText("ping", true)
                    .thenCompose(ws -> client.firstMessage)
                    .thenCompose(ws -> client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
                    .thenCompose(ws -> client.closed))
        .thenCompose(closed -> cycle(http, server, key, next, cycles));
  }

  private static void awaitEmpty(ConnectionRegistry<Session> registry) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> registry.activeCount() == 0 && registry.reservedCount() == 0);
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
