package dev.reliability.spring.boot.autoconfigure.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketSession;

@SpringBootTest(
    classes = EchoApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "reliability.websocket.max-connections=2",
      "reliability.websocket.retry-after=7s",
      "reliability.websocket.idle-timeout=1m",
      "reliability.websocket.heartbeat-interval=30s",
      "reliability.websocket.max-queued-bytes=256KB",
      // No sweeper thread and a manual clock: reservations never expire on their own here, so a
      // slot comes back only through the integration's own release paths.
      "reliability.websocket.sweep-interval=0"
    })
class ReliableWebSocketsTest {

  @LocalServerPort int port;

  @Autowired ConnectionRegistry<WebSocketSession> registry;
  @Autowired ManualTimeSource time;
  @Autowired ReliableWebSockets sockets;
  @Autowired MeterRegistry meters;
  @Autowired EchoApp.HoldingInterceptor holding;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::abort);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.activeCount() == 0 && registry.reservedCount() == 0);
  }

  private WsClient connect() throws Exception {
    WsClient client = WsClient.connect(http, port, "/echo");
    clients.add(client);
    return client;
  }

  @Test
  void aDecoratedSessionSendsThroughTheRegistryQueueAndIsCountedUntilTheClientCloses()
      throws Exception {
    WsClient client = connect();
    client.socket.sendText("hello", true);

    assertThat(client.nextText()).isEqualTo("echo:hello");
    assertThat(registry.activeCount()).isEqualTo(1);
    assertThat(sockets.connection(EchoApp.lastOpened))
        .hasValueSatisfying(
            connection -> {
              assertThat(connection).isSameAs(registry.connections().get(0));
              assertThat(connection.key()).isEqualTo("127.0.0.1");
            });

    client.socket.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.activeCount() == 0);
    assertThat(sockets.connection(EchoApp.lastOpened)).isEmpty();
  }

  @Test
  void withTheCapReachedTheNextHandshakeIsRefusedWith503AndRetryAfterBeforeTheUpgrade()
      throws Exception {
    int opened = EchoApp.OPENED.get() + 2;
    connect();
    connect();
    // The client's handshake completes before the server's open callback runs.
    await().atMost(Duration.ofSeconds(10)).until(() -> EchoApp.OPENED.get() == opened);
    long refusedBefore = refusedWhenFull();

    Throwable refused = catchThrowable(this::connect);

    assertThat(refused).isInstanceOf(ExecutionException.class);
    assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
    var response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(EchoApp.OPENED.get()).as("handler never saw a refused session").isEqualTo(opened);
    assertThat(registry.activeCount()).isEqualTo(2);
    assertThat(refusedWhenFull()).isEqualTo(refusedBefore + 1);
  }

  @Test
  void clientsThatResetAfterTheirUpgradeRequestLeaveNoSlotHeld() throws Exception {
    // More resets than the capacity: one leaked slot per reset would fill the registry.
    for (int i = 0; i < 5; i++) {
      holding.arrived = new CountDownLatch(1);
      holding.release = new CountDownLatch(1);
      Socket socket = new Socket("127.0.0.1", port);
      OutputStream out = socket.getOutputStream();
      out.write(upgradeRequest().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(holding.arrived.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(registry.reservedCount()).as("slot reserved at the handshake").isEqualTo(1);
      socket.setSoLinger(true, 0);
      socket.close(); // RST
      holding.release.countDown();

      await().atMost(Duration.ofSeconds(10)).until(() -> registry.reservedCount() == 0);
    }

    assertThat(registry.statistics().expiredReservations()).isZero();
    assertThat(registry.activeCount()).isZero();
    WsClient first = connect();
    WsClient second = connect();
    first.socket.sendText("a", true);
    second.socket.sendText("b", true);
    assertThat(first.nextText()).isEqualTo("echo:a");
    assertThat(second.nextText()).isEqualTo("echo:b");
  }

  @Test
  void theClientsPongsReachTheHeartbeatThroughTheDecoratedHandlerAndTheRoundTripTimer()
      throws Exception {
    connect();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.activeCount() == 1);
    var connection = registry.connections().get(0);
    assertThat(connection.roundTripTime()).isNull();
    long roundTripsBefore =
        meters
            .get("reliability.connections.round.trip")
            .tag("registry", "websocket")
            .timer()
            .count();

    time.advance(Duration.ofSeconds(31));
    registry.sweep(); // sends the heartbeat ping; the JDK client answers with a pong

    await().atMost(Duration.ofSeconds(10)).until(() -> connection.roundTripTime() != null);
    assertThat(connection.isOpen()).isTrue();
    assertThat(
            meters
                .get("reliability.connections.round.trip")
                .tag("registry", "websocket")
                .timer()
                .count())
        .isEqualTo(roundTripsBefore + 1);
  }

  @Test
  void anIdleSessionIsClosedWithTheRegistrysCode() throws Exception {
    WsClient client = connect();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.activeCount() == 1);

    time.advance(Duration.ofMinutes(1).plusSeconds(1));
    registry.sweep();

    WsClient.Close close = client.awaitClose();
    assertThat(close.code()).isEqualTo(1001);
    assertThat(close.reason()).isEqualTo("Idle timeout");
    assertThat(registry.activeCount()).isZero();
  }

  @Test
  void aClientThatStopsReadingOverflowsItsBoundedQueueAndIsClosedWithoutBlockingTheSender()
      throws Exception {
    long slowBefore = registry.statistics().closed().get(CloseCause.SLOW_CONSUMER);
    WebSocket stalled =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/flood"),
                new WebSocket.Listener() {
                  @Override
                  public void onOpen(WebSocket webSocket) {
                    // requests nothing: the client reads no message, TCP fills up
                  }
                })
            .get(10, TimeUnit.SECONDS);
    try {
      stalled.sendText("flood", true);

      int sent = EchoApp.FLOOD.sentBeforeRefusal.get(20, TimeUnit.SECONDS);

      assertThat(sent)
          .as("messages queued before the refusal")
          .isLessThan(EchoApp.FloodHandler.MAX);
      assertThat(Duration.ofNanos(EchoApp.FLOOD.floodNanos)).isLessThan(Duration.ofSeconds(5));
      assertThat(registry.statistics().closed().get(CloseCause.SLOW_CONSUMER))
          .isEqualTo(slowBefore + 1);
    } finally {
      stalled.abort();
    }
  }

  private long refusedWhenFull() {
    return registry
        .statistics()
        .rejected()
        .get(dev.reliability.core.connection.RejectReason.REGISTRY_FULL);
  }

  private String upgradeRequest() {
    return "GET /held HTTP/1.1\r\n"
        + "Host: 127.0.0.1:"
        + port
        + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "X-Hold: 1\r\n"
        + "\r\n";
  }
}
