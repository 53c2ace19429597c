package dev.reliability.core.connection.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionListener;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.OverflowPolicy;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.SendResult;
import dev.reliability.core.time.TimeSource;
import dev.reliability.test.ManualTimeSource;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real Jetty 12 server on loopback with real {@code java.net.http.WebSocket} clients. */
class JettyConnectionsIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);
  private final HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
  private final ManualTimeSource time = ManualTimeSource.create();
  private final List<AutoCloseable> resources = new ArrayList<>();

  static ConnectionRegistryConfig.Builder config() {
    return ConnectionRegistryConfig.builder().name("jetty").sweepInterval(Duration.ZERO);
  }

  private ConnectionRegistry<Session> registry(ConnectionRegistryConfig config, TimeSource source) {
    ConnectionRegistry<Session> registry =
        ConnectionRegistry.builder(JettyConnections.transport())
            .config(config)
            .timeSource(source)
            .build();
    resources.add(registry);
    return registry;
  }

  private JettyServer server(org.eclipse.jetty.websocket.server.WebSocketCreator creator)
      throws Exception {
    JettyServer server = JettyServer.start(creator);
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

  @ParameterizedTest(name = "over capacity closes with {0}")
  @ValueSource(ints = {1013, 1008})
  void capacityPlusFiftyConnectionsLeaveExactlyCapacityOpen(int closeCode) throws Exception {
    int capacity = 20;
    ConnectionRegistry<Session> registry =
        registry(config().maxConnections(capacity).overCapacityCloseCode(closeCode).build(), time);
    JettyServer server =
        server((req, resp, cb) -> JettyConnections.track(registry, null, new EchoEndpoint()));

    List<CompletableFuture<Client>> connecting = new ArrayList<>();
    for (int i = 0; i < capacity + 50; i++) {
      connecting.add(Client.connect(http, server.uri()));
    }
    List<Client> clients = new ArrayList<>();
    for (CompletableFuture<Client> f : connecting) {
      clients.add(f.get(30, TimeUnit.SECONDS));
    }

    await().atMost(WAIT).until(() -> clients.stream().filter(c -> c.closed.isDone()).count() == 50);
    await().atMost(WAIT).until(() -> registry.activeCount() == capacity);
    assertThat(registry.statistics().accepted()).isEqualTo(capacity);
    List<Client> open = new ArrayList<>();
    for (Client c : clients) {
      if (c.closed.isDone()) {
        assertThat(c.closed.get()).isEqualTo(closeCode + " Max connections reached");
      } else {
        open.add(c);
      }
    }
    assertThat(open).hasSize(capacity);
    for (Client c : open) {
      c.socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
      assertThat(c.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    }
    assertThat(registry.statistics().rejected()).containsEntry(RejectReason.REGISTRY_FULL, 50L);
    assertThat(registry.statistics().accepted()).isEqualTo(capacity);
  }

  @Test
  void admissionAnswers503WithRetryAfterBeforeUpgrading() throws Exception {
    int capacity = 20;
    ConnectionRegistry<Session> registry =
        registry(config().maxConnections(capacity).retryAfter(Duration.ofSeconds(7)).build(), time);
    JettyServer server =
        server(
            JettyConnections.admit(
                registry, request -> null, (req, resp, cb) -> new EchoEndpoint()));

    List<CompletableFuture<Client>> connecting = new ArrayList<>();
    for (int i = 0; i < capacity + 50; i++) {
      connecting.add(Client.connect(http, server.uri()));
    }
    int opened = 0;
    List<String> refusals = new ArrayList<>();
    for (CompletableFuture<Client> f : connecting) {
      try {
        f.join();
        opened++;
      } catch (CompletionException e) {
        WebSocketHandshakeException refused = (WebSocketHandshakeException) e.getCause();
        refusals.add(
            refused.getResponse().statusCode()
                + " Retry-After: "
                + refused.getResponse().headers().firstValue("Retry-After").orElse("-"));
      }
    }

    assertThat(opened).isEqualTo(capacity);
    assertThat(refusals).hasSize(50).containsOnly("503 Retry-After: 7");
    await().atMost(WAIT).until(() -> registry.activeCount() == capacity);
    assertThat(registry.reservedCount()).isZero();
    assertThat(registry.statistics().rejected()).containsEntry(RejectReason.REGISTRY_FULL, 50L);
  }

  /** Regression: a client's close was never answered when the endpoint had no callback variant. */
  @Test
  @SuppressWarnings("removal")
  void aClientCloseIsAnsweredAndUnregistersTheSession() throws Exception {
    ConnectionRegistry<Session> registry = registry(config().build(), time);
    List<String> endpointSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
    JettyServer server =
        server(
            (req, resp, cb) ->
                JettyConnections.track(
                    registry,
                    "k",
                    new EchoEndpoint() {
                      @Override
                      public void onWebSocketClose(int statusCode, String reason) {
                        endpointSaw.add(statusCode + " " + reason);
                      }
                    }));
    Client client = Client.connect(http, server.uri()).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);

    client.socket.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);

    assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 bye");
    await().atMost(WAIT).until(() -> registry.activeCount() == 0);
    assertThat(endpointSaw).containsExactly("1000 bye");
    assertThat(registry.count("k")).isZero();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.DISCONNECTED, 1L);
  }

  @Test
  void anEndpointWithTheCallbackCloseVariantCompletesItItself() throws Exception {
    ConnectionRegistry<Session> registry = registry(config().build(), time);
    JettyServer server =
        server(
            (req, resp, cb) ->
                JettyConnections.track(
                    registry,
                    null,
                    new EchoEndpoint() {
                      @Override
                      public void onWebSocketClose(
                          int statusCode,
                          String reason,
                          org.eclipse.jetty.websocket.api.Callback done) {
                        done.succeed();
                      }
                    }));
    Client client = Client.connect(http, server.uri()).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);

    client.socket.sendClose(1000, "done").get(10, TimeUnit.SECONDS);

    assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 done");
    await().atMost(WAIT).until(() -> registry.activeCount() == 0);
  }

  @Test
  void idleClientsAreExpiredAndActiveOnesKept() throws Exception {
    ConnectionRegistry<Session> registry =
        registry(
            config()
                .idleTimeout(Duration.ofMinutes(5))
                .heartbeat(Duration.ZERO, 1)
                .maxAge(Duration.ZERO)
                .build(),
            time);
    JettyServer server =
        server((req, resp, cb) -> JettyConnections.track(registry, null, new EchoEndpoint()));
    Client active = Client.connect(http, server.uri()).get(10, TimeUnit.SECONDS);
    Client idle1 = Client.connect(http, server.uri()).get(10, TimeUnit.SECONDS);
    Client idle2 = Client.connect(http, server.uri()).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 3);

    time.advance(Duration.ofMinutes(4));
    active.socket.sendText("still here", true).get(10, TimeUnit.SECONDS);
    assertThat(active.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:still here");
    time.advance(Duration.ofMinutes(1));
    assertThat(registry.sweep()).isEqualTo(2);

    assertThat(idle1.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1001 Idle timeout");
    assertThat(idle2.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1001 Idle timeout");
    assertThat(active.closed).isNotDone();
    assertThat(registry.activeCount()).isEqualTo(1);
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.IDLE_TIMEOUT, 2L);
  }

  @Test
  void clientsThatVanishWithoutACloseFrameAreRemovedByTheHeartbeat() throws Exception {
    Map<Long, Long> roundTrips = new ConcurrentHashMap<>();
    ConnectionRegistry<Session> registry =
        ConnectionRegistry.builder(JettyConnections.transport())
            .config(
                config()
                    .heartbeat(Duration.ofMillis(100), 2)
                    .sweepInterval(Duration.ofMillis(20))
                    .build())
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onRoundTrip(RegisteredConnection<?> connection, long nanos) {
                    roundTrips.put(connection.id(), nanos);
                  }
                })
            .build();
    resources.add(registry);
    JettyServer server =
        server((req, resp, cb) -> JettyConnections.track(registry, null, new EchoEndpoint()));
    List<Client> alive = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      alive.add(Client.connect(http, server.uri(), true).get(10, TimeUnit.SECONDS));
    }
    for (int i = 0; i < 5; i++) {
      Client.connect(http, server.uri(), false).get(10, TimeUnit.SECONDS);
    }
    await().atMost(WAIT).until(() -> registry.statistics().accepted() == 10);

    await()
        .atMost(WAIT)
        .until(() -> registry.statistics().closed().get(CloseCause.HEARTBEAT_TIMEOUT) == 5);
    assertThat(registry.activeCount()).isEqualTo(5);
    await().atMost(WAIT).until(() -> roundTrips.size() == 5);
    assertThat(roundTrips.values()).allSatisfy(rtt -> assertThat(rtt).isPositive());
    for (RegisteredConnection<Session> c : registry.connections()) {
      assertThat(c.roundTripTime()).isPositive();
    }
    for (Client c : alive) {
      assertThat(c.closed).isNotDone();
    }
  }

  @Test
  void aSlowReaderTriggersTheOverflowPolicyWhileAReadingClientKeepsUp() throws Exception {
    ConnectionRegistry<Session> registry =
        registry(config().outboundQueue(8, 1L << 30, OverflowPolicy.CLOSE).build(), time);
    JettyServer server =
        server(
            (req, resp, cb) ->
                JettyConnections.track(
                    registry, req.getHeaders().get("X-Client"), new EchoEndpoint()));
    Client reader = connect(server, "reader", true);
    connect(server, "slow", false);
    await().atMost(WAIT).until(() -> registry.activeCount() == 2);
    RegisteredConnection<Session> fast = byKey(registry, "reader");
    RegisteredConnection<Session> slow = byKey(registry, "slow");

    String chunk = "x".repeat(64 * 1024);
    for (int i = 0; i < 100; i++) {
      assertThat(fast.send(chunk)).isEqualTo(SendResult.QUEUED);
      drainedBriefly(fast);
    }
    SendResult result = SendResult.QUEUED;
    int sent = 0;
    while (result != SendResult.CLOSED && sent < 2_000) {
      result = slow.send(chunk);
      sent++;
      drainedBriefly(slow);
    }

    assertThat(result).isEqualTo(SendResult.CLOSED);
    assertThat(sent).isLessThan(2_000);
    assertThat(slow.isOpen()).isFalse();
    assertThat(fast.isOpen()).isTrue();
    await().atMost(WAIT).until(() -> reader.messages.size() == 100);
    assertThat(registry.activeCount()).isEqualTo(1);
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SLOW_CONSUMER, 1L);
  }

  /** Gives Jetty up to 100ms to write what a reading client takes; a slow reader's queue grows. */
  private static void drainedBriefly(RegisteredConnection<Session> connection) {
    try {
      await()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .atMost(Duration.ofMillis(100))
          .until(() -> connection.queuedMessages() == 0);
    } catch (org.awaitility.core.ConditionTimeoutException stalled) {
      // expected for the slow reader once the socket buffers are full
    }
  }

  private Client connect(JettyServer server, String name, boolean demand) throws Exception {
    return Client.connect(http, server.uri(), demand, name).get(10, TimeUnit.SECONDS);
  }

  private static RegisteredConnection<Session> byKey(
      ConnectionRegistry<Session> registry, String key) {
    return registry.connections().stream().filter(c -> key.equals(c.key())).findFirst().get();
  }

  @Test
  void theWatchdogClosesAConnectionWhoseSendStalled() throws Exception {
    ConnectionRegistry<Session> registry =
        registry(
            config()
                .outboundQueue(1_000, 1L << 30, OverflowPolicy.DROP_NEWEST)
                .sendTimeout(Duration.ofSeconds(10))
                .build(),
            time);
    JettyServer server =
        server((req, resp, cb) -> JettyConnections.track(registry, null, new EchoEndpoint()));
    Client.connect(http, server.uri(), false).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.activeCount() == 1);
    RegisteredConnection<Session> connection = registry.connections().get(0);

    String chunk = "y".repeat(64 * 1024);
    for (int i = 0; i < 2_000 && connection.queuedMessages() == 0; i++) {
      connection.send(chunk);
    }
    assertThat(connection.queuedMessages()).isPositive();

    time.advance(Duration.ofSeconds(10));
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(connection.isOpen()).isFalse();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SEND_STALLED, 1L);
  }
}
