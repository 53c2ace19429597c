package dev.reliability.core.connection.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.HandshakeReset;
import dev.reliability.test.ManualTimeSource;
import jakarta.websocket.Session;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send the upgrade request and reset the TCP connection must not hold slots of the
 * Jakarta adapter's registry: the time source never advances, so no timeout can give them back.
 */
class JakartaHandshakeResetTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CAPACITY = 20;
  private static final int RESETS = CAPACITY + 5;

  private final ExecutorService clientThreads = Executors.newFixedThreadPool(2);
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
  private final ConnectionRegistry<Session> registry =
      ConnectionRegistry.builder(JakartaConnections.transport())
          .config(
              ConnectionRegistryConfig.builder()
                  .name("jakarta")
                  .sweepInterval(Duration.ZERO)
                  .maxConnections(CAPACITY)
                  .build())
          .timeSource(ManualTimeSource.create())
          .build();

  /** Holds each handshake until the test has reset its connection, while {@code gated}. */
  private volatile boolean gated;

  private final Semaphore entered = new Semaphore(0);
  private final Semaphore proceed = new Semaphore(0);
  private JakartaServer server;

  @AfterEach
  void tearDown() {
    gated = false;
    proceed.release(1000);
    if (server != null) {
      server.close();
    }
    registry.close();
    clientThreads.shutdownNow();
  }

  private JakartaServer start() throws Exception {
    server =
        new JakartaServer(
            registry,
            () -> {
              if (gated) {
                entered.release();
                proceed.acquireUninterruptibly();
              }
            });
    return server;
  }

  @Test
  void resetsDuringTheHandshakeHoldNoSlot() throws Exception {
    gated = true;
    JakartaServer server = start();

    for (int i = 0; i < RESETS; i++) {
      HandshakeReset client = HandshakeReset.sendUpgrade(server.uri("mallory"));
      assertThat(entered.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      client.close();
      proceed.release();
    }
    gated = false;

    assertOnlyANormalClientHoldsASlot();
  }

  @Test
  void resetsRightAfterTheUpgradeGiveTheirSlotsBack() throws Exception {
    JakartaServer server = start();

    for (int i = 0; i < RESETS; i++) {
      try (HandshakeReset client = HandshakeReset.sendUpgrade(server.uri("mallory"))) {
        assertThat(client.readResponseHead()).startsWith("HTTP/1.1 101");
      }
    }

    await().atMost(WAIT).until(() -> registry.activeCount() == 0);
    assertOnlyANormalClientHoldsASlot();
  }

  private void assertOnlyANormalClientHoldsASlot() throws Exception {
    await().atMost(WAIT).until(() -> registry.reservedCount() == 0 && registry.activeCount() == 0);
    WebSocket normal =
        http.newWebSocketBuilder()
            .buildAsync(server.uri("alice"), new WebSocket.Listener() {})
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);
    assertThat(registry.count("alice")).isEqualTo(1);
    assertThat(registry.statistics().expiredReservations()).isZero();
    normal.abort();
  }
}
