package dev.reliability.examples.springboot;

import dev.reliability.spring.boot.autoconfigure.websocket.ReliableWebSockets;
import java.io.IOException;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /ws}: a WebSocket echo, every text message sent back, bounded by the starter's connection
 * registry ({@code reliability.websocket.*} in {@code application.yml}): {@link ReliableWebSockets}
 * admits each connection at the handshake (over capacity: 503 with {@code Retry-After}, no upgrade)
 * and tracks its session (idle and age limits, bounded outbound queue, close code 1001 at
 * shutdown). Browser origins other than the service's own are refused with 403 unless listed in
 * {@code example.ws.allowed-origins}; a handshake without {@code Origin} (a non-browser client) is
 * admitted.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class EchoWebSocket implements WebSocketConfigurer {

  private final ReliableWebSockets sockets;
  private final List<String> allowedOrigins;

  EchoWebSocket(
      ReliableWebSockets sockets,
      @Value("${example.ws.allowed-origins:}") List<String> allowedOrigins) {
    this.sockets = sockets;
    this.allowedOrigins = allowedOrigins.stream().filter(o -> !o.isBlank()).toList();
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry
        .addHandler(sockets.decorate(new EchoHandler()), "/ws")
        .addInterceptors(sockets.handshakeInterceptor())
        .setAllowedOrigins(allowedOrigins.toArray(String[]::new));
  }

  /** Sends every text message back on the same session. */
  static final class EchoHandler extends TextWebSocketHandler {
    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message)
        throws IOException {
      session.sendMessage(new TextMessage(message.getPayload()));
    }
  }
}
