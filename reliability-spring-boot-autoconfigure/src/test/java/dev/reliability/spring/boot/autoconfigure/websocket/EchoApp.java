package dev.reliability.spring.boot.autoconfigure.websocket;

import dev.reliability.test.ManualTimeSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/** A servlet application with one echo endpoint bounded by the auto-configured registry. */
@SpringBootConfiguration
@EnableAutoConfiguration
class EchoApp {

  /** Sessions the echo handler saw open. */
  static final AtomicInteger OPENED = new AtomicInteger();

  @Bean
  ManualTimeSource manualTimeSource() {
    return ManualTimeSource.create();
  }

  @Bean
  HoldingInterceptor holdingInterceptor() {
    return new HoldingInterceptor();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebSocket
  static class Sockets implements WebSocketConfigurer {
    private final ReliableWebSockets sockets;
    private final HoldingInterceptor holding;

    Sockets(ReliableWebSockets sockets, HoldingInterceptor holding) {
      this.sockets = sockets;
      this.holding = holding;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
      // The guide's snippet (docs/spring-boot.md, WebSocket).
      registry
          .addHandler(sockets.decorate(new EchoHandler()), "/echo")
          .addInterceptors(sockets.handshakeInterceptor());

      registry
          .addHandler(sockets.decorate(FLOOD), "/flood")
          .addInterceptors(sockets.handshakeInterceptor());

      // The same handler behind an interceptor that can hold the upgrade after the reservation.
      registry
          .addHandler(sockets.decorate(new EchoHandler()), "/held")
          .addInterceptors(sockets.handshakeInterceptor(), holding);
    }
  }

  static final FloodHandler FLOOD = new FloodHandler();

  /**
   * On "flood", sends 4 KB messages until {@code sendMessage} refuses (at most {@link #MAX}),
   * recording how many it sent and how long that took. Each message fits Tomcat's output buffer, so
   * it goes out in one part: when the registry closes the session under a message Tomcat is still
   * writing in parts, Tomcat's own continuation throws an {@code IllegalStateException} on its
   * executor thread ("Message will not be sent because the WebSocket session has been closed"),
   * which the test must not mistake for the integration's.
   */
  static final class FloodHandler extends TextWebSocketHandler {
    /** Enough 4 KB messages to fill the loopback socket's buffers many times over (80 MB). */
    static final int MAX = 20_000;

    final java.util.concurrent.CompletableFuture<Integer> sentBeforeRefusal =
        new java.util.concurrent.CompletableFuture<>();
    volatile long floodNanos;

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
      String chunk = "x".repeat(4 * 1024);
      long start = System.nanoTime();
      int sent = 0;
      try {
        for (; sent < MAX; sent++) {
          session.sendMessage(new TextMessage(chunk));
        }
      } catch (java.io.IOException refused) {
        // the registry closed the session: its queue overflowed
      }
      floodNanos = System.nanoTime() - start;
      sentBeforeRefusal.complete(sent);
    }
  }

  /** The session of the last echo handler's open, as the handler saw it. */
  static volatile WebSocketSession lastOpened;

  /** Answers every text message with "echo:" and the message. */
  static final class EchoHandler extends TextWebSocketHandler {
    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
      lastOpened = session;
      OPENED.incrementAndGet();
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message)
        throws Exception {
      session.sendMessage(new TextMessage("echo:" + message.getPayload()));
    }
  }

  /**
   * Holds an upgrade request that carries {@code X-Hold} after the registry reserved its slot and
   * before Spring upgrades it, until the test lets it go: the client can reset its connection in
   * between, as a client does that resets right after its upgrade request.
   */
  static final class HoldingInterceptor implements HandshakeInterceptor {
    volatile CountDownLatch arrived = new CountDownLatch(1);
    volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public boolean beforeHandshake(
        ServerHttpRequest request,
        ServerHttpResponse response,
        WebSocketHandler handler,
        Map<String, Object> attributes)
        throws InterruptedException {
      if (request.getHeaders().containsHeader("X-Hold")) {
        arrived.countDown();
        release.await(10, TimeUnit.SECONDS);
      }
      return true;
    }

    @Override
    public void afterHandshake(
        ServerHttpRequest request,
        ServerHttpResponse response,
        WebSocketHandler handler,
        Exception exception) {}
  }
}
