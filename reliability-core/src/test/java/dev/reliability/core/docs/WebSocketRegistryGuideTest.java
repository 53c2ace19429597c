package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionStatistics;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import dev.reliability.core.connection.SendResult;
import dev.reliability.core.connection.jetty.JettyConnections;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;

/**
 * The code shown in docs/websocket-registry.md; the docs check asserts the text matches. The
 * Jakarta example is {@code connection.jakarta.RegisteredEchoEndpoint}, run by {@code
 * JakartaConnectionsIntegrationTest}.
 */
class WebSocketRegistryGuideTest {

  // docs/websocket-registry.md: the Jetty endpoint
  static final class ChatEndpoint extends Session.Listener.AbstractAutoDemanding {
    private final ConnectionRegistry<Session> registry;

    ChatEndpoint(ConnectionRegistry<Session> registry) {
      this.registry = registry;
    }

    @Override
    public void onWebSocketText(String message) {
      registry.broadcast(message); // queues for everyone; never blocks on a slow client
    }
  }

  @Test
  void jettyExample() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);

    // docs/websocket-registry.md: Jetty
    ConnectionRegistry<Session> registry =
        ConnectionRegistry.builder(JettyConnections.transport())
            .config(
                ConnectionRegistryConfig.builder()
                    .name("chat")
                    .maxConnections(10_000)
                    .maxConnectionsPerKey(5)
                    .build())
            .build();

    ContextHandler context = new ContextHandler("/");
    context.setHandler(
        WebSocketUpgradeHandler.from(
            server,
            context,
            container ->
                container.addMapping(
                    "/chat",
                    JettyConnections.admit(
                        registry,
                        request -> request.getHeaders().get("X-User"),
                        (request, response, callback) -> new ChatEndpoint(registry)))));
    server.setHandler(context);
    server.start();

    try {
      URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/chat");
      HttpClient http = HttpClient.newHttpClient();
      List<String> aliceSaw = new CopyOnWriteArrayList<>();
      List<String> bobSaw = new CopyOnWriteArrayList<>();
      WebSocket alice = connect(http, uri, "alice", aliceSaw);
      connect(http, uri, "bob", bobSaw);
      await().until(() -> registry.activeCount() == 2);

      alice.sendText("hello", true).get(10, TimeUnit.SECONDS);

      await().until(() -> aliceSaw.contains("hello") && bobSaw.contains("hello"));
      assertThat(registry.count("alice")).isEqualTo(1);
    } finally {
      // docs/websocket-registry.md: shutdown
      registry.close(); // 1001 to every connection, waits up to drain-timeout (10s)
      server.stop();
    }
    assertThat(registry.activeCount()).isZero();
    assertThat(registry.statistics().closed().get(CloseCause.SHUTDOWN)).isEqualTo(2);
  }

  private static WebSocket connect(HttpClient http, URI uri, String user, List<String> saw)
      throws Exception {
    return http.newWebSocketBuilder()
        .header("X-User", user)
        .buildAsync(
            uri,
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                saw.add(data.toString());
                ws.request(1);
                return null;
              }
            })
        .get(10, TimeUnit.SECONDS);
  }

  static int upgrade(ConnectionRegistry<Object> registry, String userId, Object session) {
    // docs/websocket-registry.md: reserve then commit
    Reservation<Object> reservation = registry.tryReserve(userId);
    if (!reservation.isGranted()) {
      return 503; // with Retry-After: reservation.retryAfter().toSeconds()
    }
    // ... upgrade; then, in the open callback:
    reservation.commit(session);
    // or, if the upgrade failed: reservation.release();
    return 101;
  }

  @Test
  void reserveThenCommitForOtherStacks() {
    ConnectionRegistry<Object> registry = quietRegistry(1);

    assertThat(upgrade(registry, "alice", new Object())).isEqualTo(101);
    assertThat(upgrade(registry, "bob", new Object())).isEqualTo(503);
    assertThat(registry.statistics().rejected()).containsEntry(RejectReason.REGISTRY_FULL, 1L);
    registry.close();
  }

  private static ConnectionRegistry<Object> quietRegistry(int capacity) {
    return ConnectionRegistry.builder(new NoopTransport())
        .config(
            ConnectionRegistryConfig.builder()
                .maxConnections(capacity)
                .sweepInterval(Duration.ZERO)
                .drainTimeout(Duration.ZERO)
                .build())
        .build();
  }

  @Test
  void sendingAndStatistics() {
    ConnectionRegistry<Object> registry = quietRegistry(10);
    RegisteredConnection<Object> connection = registry.register("alice", new Object());
    String update = "{\"price\":42}";

    // docs/websocket-registry.md: sending
    SendResult result = connection.send(update); // never blocks
    if (!result.isQueued()) {
      // DROPPED (queue full under drop-newest) or CLOSED (closed, or closed by this overflow)
    }

    // docs/websocket-registry.md: statistics
    ConnectionStatistics stats = registry.statistics();
    int open = stats.active();
    long refusedWhenFull = stats.rejected().get(RejectReason.REGISTRY_FULL);
    long idleClosed = stats.closed().get(CloseCause.IDLE_TIMEOUT);

    assertThat(result).isEqualTo(SendResult.QUEUED);
    assertThat(open).isEqualTo(1);
    assertThat(refusedWhenFull).isZero();
    assertThat(idleClosed).isZero();
    registry.close();
  }

  @Test
  void seedVariableName() {
    // docs/websocket-registry.md: configuration
    ConfigSource source =
        ConfigSource.standard()
            .withAliases(Map.of("reliability.websocket.max-connections", "WS_MAX_CONNECTIONS"));
    ConnectionRegistryConfig config =
        ConnectionRegistryConfig.builder().name("chat").build().withOverrides(source);

    assertThat(config.maxConnections()).isPositive();
  }

  /** Accepts everything; the guide's registries never reach a network. */
  static final class NoopTransport
      implements dev.reliability.core.connection.ConnectionTransport<Object> {
    @Override
    public void sendText(
        Object c, String text, dev.reliability.core.connection.SendCallback callback) {
      callback.succeeded();
    }

    @Override
    public void sendBinary(
        Object c, java.nio.ByteBuffer data, dev.reliability.core.connection.SendCallback callback) {
      callback.succeeded();
    }

    @Override
    public void sendPing(Object c, java.nio.ByteBuffer payload) {}

    @Override
    public void close(Object c, dev.reliability.core.connection.CloseStatus status) {}
  }
}
