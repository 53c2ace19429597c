package dev.reliability.core.connection.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.HandshakeReset;
import dev.reliability.test.ManualTimeSource;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send the upgrade request and reset the TCP connection must not hold handshake
 * reservations: the time source never advances, so only the adapter can give the slots back.
 */
class JettyHandshakeResetTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CAPACITY = 20;
  private static final int RESETS = CAPACITY + 5;

  private final ExecutorService clientThreads = Executors.newFixedThreadPool(2);
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
  private final ConnectionRegistry<Session> registry =
      ConnectionRegistry.builder(JettyConnections.transport())
          .config(JettyConnectionsIntegrationTest.config().maxConnections(CAPACITY).build())
          .timeSource(ManualTimeSource.create())
          .build();

  /** Lets the creator run only when the test says so, while {@code gated}. */
  private volatile boolean gated = true;

  private final Semaphore entered = new Semaphore(0);
  private final Semaphore proceed = new Semaphore(0);
  private JettyServer server;

  @AfterEach
  void tearDown() throws Exception {
    gated = false;
    proceed.release(1000);
    if (server != null) {
      server.close();
    }
    registry.close();
    clientThreads.shutdownNow();
  }

  private JettyServer startAdmitting() throws Exception {
    server =
        JettyServer.start(
            JettyConnections.admit(
                registry,
                request -> null,
                (request, response, callback) -> {
                  if (gated) {
                    entered.release();
                    proceed.acquireUninterruptibly();
                  }
                  return new EchoEndpoint();
                }));
    return server;
  }

  @Test
  void resetsDuringTheHandshakeGiveTheirReservationsBack() throws Exception {
    JettyServer server = startAdmitting();

    for (int i = 0; i < RESETS; i++) {
      HandshakeReset client = HandshakeReset.sendUpgrade(server.uri());
      boolean reserved = entered.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS);
      client.close();
      if (!reserved) {
        break; // refused with 503: the slots leaked; the assertions below say so
      }
      proceed.release();
    }

    await().atMost(WAIT).until(() -> registry.reservedCount() == 0);
    gated = false;
    Client normal = Client.connect(http, server.uri()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);
    normal.socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
    assertThat(normal.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    assertThat(registry.statistics().expiredReservations()).isZero();
  }

  @Test
  void resetsRightAfterTheUpgradeGiveTheirSlotsBack() throws Exception {
    gated = false;
    JettyServer server = startAdmitting();

    for (int i = 0; i < RESETS; i++) {
      try (HandshakeReset client = HandshakeReset.sendUpgrade(server.uri())) {
        assertThat(client.readResponseHead()).startsWith("HTTP/1.1 101");
      }
    }

    await().atMost(WAIT).until(() -> registry.reservedCount() == 0 && registry.activeCount() == 0);
    Client normal = Client.connect(http, server.uri()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);
    assertThat(registry.statistics().expiredReservations()).isZero();
    assertThat(normal.closed).isNotDone();
  }
}
