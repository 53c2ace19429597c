package dev.reliability.spring.boot.autoconfigure.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionRegistry;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.WebSocketSession;

class WebSocketShutdownTest {

  @Test
  void stoppingTheApplicationClosesOpenSessionsWith1001BeforeTheServerStops() throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(EchoApp.class)
            .properties("server.port=0", "reliability.websocket.drain-timeout=5s")
            .run();
    WsClient client;
    ConnectionRegistry<WebSocketSession> registry;
    try {
      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
      @SuppressWarnings("unchecked")
      ConnectionRegistry<WebSocketSession> bean = context.getBean(ConnectionRegistry.class);
      registry = bean;
      client = WsClient.connect(HttpClient.newHttpClient(), port, "/echo");
      client.socket.sendText("ping", true);
      assertThat(client.nextText()).isEqualTo("echo:ping");
    } finally {
      context.close();
    }

    WsClient.Close close = client.awaitClose();
    assertThat(close.code()).isEqualTo(1001);
    assertThat(close.reason()).isEqualTo("Server shutting down");
    // Closed by the drain, answered by the client while the server still ran: not aborted.
    assertThat(registry.statistics().closed().get(CloseCause.SHUTDOWN)).isEqualTo(1);
  }
}
