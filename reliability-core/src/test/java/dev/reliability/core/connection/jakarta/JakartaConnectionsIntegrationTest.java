package dev.reliability.core.connection.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import jakarta.websocket.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Jetty's Jakarta WebSocket server (ee11) on loopback with {@code java.net.http} clients. */
class JakartaConnectionsIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
  private final List<AutoCloseable> resources = new ArrayList<>();

  private ConnectionRegistry<Session> registry(ConnectionRegistryConfig.Builder config) {
    ConnectionRegistry<Session> registry =
        ConnectionRegistry.builder(JakartaConnections.transport())
            .config(config.name("jakarta").build())
            .build();
    resources.add(registry);
    return registry;
  }

  private JakartaServer server(ConnectionRegistry<Session> registry) throws Exception {
    JakartaServer server = new JakartaServer(registry);
    resources.add(server);
    return server;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    clientThreads.shutdownNow();
  }

  @Test
  void perKeyCapacityClosesTheExtraSessionsWith1013AndTheRestEcho() throws Exception {
    ConnectionRegistry<Session> registry =
        registry(ConnectionRegistryConfig.builder().maxConnectionsPerKey(3));
    JakartaServer server = server(registry);

    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      peers.add(Peer.connect(http, server.uri("alice"), true).get(10, TimeUnit.SECONDS));
    }
    Peer bob = Peer.connect(http, server.uri("bob"), true).get(10, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> peers.stream().filter(p -> p.closed.isDone()).count() == 5);
    for (Peer p : peers) {
      if (p.closed.isDone()) {
        assertThat(p.closed.get()).isEqualTo("1013 Max connections reached");
      } else {
        p.socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
        assertThat(p.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hi");
      }
    }
    bob.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
    assertThat(bob.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
    assertThat(registry.count("alice")).isEqualTo(3);
    assertThat(registry.count("bob")).isEqualTo(1);
    assertThat(registry.statistics().rejected()).containsEntry(RejectReason.KEY_FULL, 5L);
  }

  @Test
  void pongsFeedTheHeartbeatAndVanishedPeersAreRemoved() throws Exception {
    ConnectionRegistry<Session> registry =
        registry(
            ConnectionRegistryConfig.builder()
                .heartbeat(Duration.ofMillis(100), 2)
                .sweepInterval(Duration.ofMillis(20)));
    JakartaServer server = server(registry);
    Peer alive = Peer.connect(http, server.uri("alive"), true).get(10, TimeUnit.SECONDS);
    Peer.connect(http, server.uri("gone"), false).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.statistics().accepted() == 2);

    await()
        .atMost(WAIT)
        .until(() -> registry.statistics().closed().get(CloseCause.HEARTBEAT_TIMEOUT) == 1);
    assertThat(registry.count("alive")).isEqualTo(1);
    assertThat(registry.count("gone")).isZero();
    RegisteredConnection<Session> kept = registry.connections().get(0);
    await().atMost(WAIT).until(() -> kept.roundTripTime() != null);
    assertThat(kept.roundTripTime()).isPositive();
    assertThat(alive.closed).isNotDone();
  }

  @Test
  void aClientCloseUnregistersTheSession() throws Exception {
    ConnectionRegistry<Session> registry = registry(ConnectionRegistryConfig.builder());
    JakartaServer server = server(registry);
    Peer peer = Peer.connect(http, server.uri("carol"), true).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);
    Session session = registry.connections().get(0).connection();
    assertThat(JakartaConnections.connection(session)).isPresent();

    peer.socket.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);

    assertThat(peer.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 bye");
    await().atMost(WAIT).until(() -> registry.activeCount() == 0);
    assertThat(JakartaConnections.unregister(registry, session)).isFalse();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.DISCONNECTED, 1L);
  }

  /** A {@code java.net.http} client; without demand it reads nothing and answers no ping. */
  static final class Peer implements WebSocket.Listener {
    final CompletableFuture<String> closed = new CompletableFuture<>();
    final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final boolean demand;
    volatile WebSocket socket;

    private Peer(boolean demand) {
      this.demand = demand;
    }

    static CompletableFuture<Peer> connect(HttpClient http, URI uri, boolean demand) {
      Peer peer = new Peer(demand);
      return http.newWebSocketBuilder().buildAsync(uri, peer).thenApply(ws -> peer);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      if (demand) {
        webSocket.request(1);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      messages.add(data.toString());
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error " + error);
    }
  }
}
