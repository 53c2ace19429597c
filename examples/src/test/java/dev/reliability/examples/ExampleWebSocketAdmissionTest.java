package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.connection.RejectReason;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may open the example's {@code /ws} (docs/example.md, "WebSocket"): a cap per client address,
 * an allow-list of browser origins, and slots that survive clients resetting their handshakes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExampleWebSocketAdmissionTest {

  private static final int MAX = 6;
  private static final int MAX_PER_CLIENT = 2;
  private static final String ALLOWED = "https://app.example.com";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ExampleService service;

  @BeforeAll
  static void start() throws Exception {
    service =
        ExampleService.start(
            ExampleServiceContractTest.config(
                Map.of(
                    "example.ws-max-connections", Integer.toString(MAX),
                    "example.ws-max-connections-per-client", Integer.toString(MAX_PER_CLIENT),
                    "example.ws-allowed-origins", ALLOWED + ", http://localhost:3000")));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static URI ws() {
    return URI.create("ws://127.0.0.1:" + service.port() + "/ws");
  }

  private static CompletableFuture<WebSocket> connect(String origin) {
    WebSocket.Builder builder = CLIENT.newWebSocketBuilder();
    if (origin != null) {
      builder.header("Origin", origin);
    }
    return builder.buildAsync(ws(), new WebSocket.Listener() {});
  }

  private static int refusedStatus(CompletableFuture<WebSocket> attempt) {
    Throwable cause =
        assertThatThrownBy(attempt::join)
            .isInstanceOf(CompletionException.class)
            .actual()
            .getCause();
    assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) cause).getResponse().statusCode();
  }

  private static void closeAll(List<WebSocket> sockets) {
    sockets.forEach(WebSocket::abort);
    await().atMost(Duration.ofSeconds(10)).until(() -> service.connections().activeCount() == 0);
  }

  @Test
  void oneClientAddressHoldsAtMostItsCapAndTheNextGets503WithRetryAfter() throws Exception {
    List<WebSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_PER_CLIENT; i++) {
        open.add(connect(null).get(10, TimeUnit.SECONDS));
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> service.connections().count("127.0.0.1") == MAX_PER_CLIENT);
      long keyFullBefore = service.connections().statistics().rejected().get(RejectReason.KEY_FULL);

      CompletableFuture<WebSocket> third = connect(null);
      assertThat(refusedStatus(third)).isEqualTo(503);
      assertThat(service.connections().statistics().rejected().get(RejectReason.KEY_FULL))
          .isEqualTo(keyFullBefore + 1);
      assertThat(service.connections().activeCount()).isEqualTo(MAX_PER_CLIENT);
    } finally {
      closeAll(open);
    }
  }

  @ParameterizedTest(name = "Origin {0} is refused with 403")
  @ValueSource(
      strings = {
        "https://evil.example",
        "null",
        "https://app.example.com.evil.example",
        "http://app.example.com",
        "https://app.example.com:8443"
      })
  void aBrowserOriginOutsideTheAllowListIsRefusedWith403BeforeAnySlotIsTaken(String origin) {
    long acceptedBefore = service.connections().statistics().accepted();

    assertThat(refusedStatus(connect(origin))).isEqualTo(403);
    assertThat(service.connections().statistics().accepted()).isEqualTo(acceptedBefore);
    assertThat(service.connections().reservedCount()).isZero();
  }

  @ParameterizedTest(name = "Origin {0} is admitted")
  @ValueSource(strings = {ALLOWED, "HTTPS://APP.EXAMPLE.COM", "http://localhost:3000", ""})
  void anAllowedOriginOrNoneAtAllIsAdmitted(String origin) throws Exception {
    WebSocket socket = connect(origin.isEmpty() ? null : origin).get(10, TimeUnit.SECONDS);
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> service.connections().activeCount() == 1);
    } finally {
      closeAll(List.of(socket));
    }
  }

  @Test
  void handshakesResetByTheirClientsLeaveEverySlotFree() throws Exception {
    for (int i = 0; i < 3 * MAX; i++) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (i % 2 == 1) {
          // every other client waits for the upgrade, then resets instead of closing
          socket.setSoTimeout(10_000);
          InputStream in = socket.getInputStream();
          assertThat((char) in.read()).isEqualTo('H');
        }
        socket.setSoLinger(true, 0);
      }
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                service.connections().reservedCount() == 0
                    && service.connections().activeCount() == 0);
    WebSocket normal = connect(null).get(10, TimeUnit.SECONDS);
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> service.connections().activeCount() == 1);
      assertThat(service.connections().statistics().expiredReservations()).isZero();
    } finally {
      closeAll(List.of(normal));
    }
  }

  @ParameterizedTest(name = "allow-list \"{0}\" is refused at start")
  @ValueSource(
      strings = {
        "app.example.com",
        "https://app.example.com/",
        "https://user@app.example.com",
        "ftp://app.example.com",
        "https://a.example,,https://b.example"
      })
  void anAllowListThatIsNotOriginsStopsTheStartNamingTheSetting(String value) {
    ConfigSource config =
        ExampleServiceContractTest.config(Map.of("example.ws-allowed-origins", value));
    assertThatThrownBy(() -> ExampleService.start(config))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "example.ws-allowed-origins must be comma-separated http or https origins such as"
                + " https://app.example.com, or empty");
  }
}
