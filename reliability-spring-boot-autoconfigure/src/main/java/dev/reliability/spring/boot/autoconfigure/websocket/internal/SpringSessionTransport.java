package dev.reliability.spring.boot.autoconfigure.websocket.internal;

import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.SendCallback;
import dev.reliability.core.connection.jakarta.JakartaConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.springframework.util.ClassUtils;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * {@link ConnectionTransport} over Spring's {@link WebSocketSession}. On containers whose sessions
 * wrap a Jakarta WebSocket session (Tomcat, and any container Spring's standard upgrade strategy
 * runs on), sends go through the Jakarta asynchronous remote, as {@link
 * JakartaConnections#transport()} does, so they never block. Any other session is sent to with
 * Spring's blocking {@link WebSocketSession#sendMessage}, on the thread that hands the message to
 * the registry (the registry still keeps one send in flight per session and bounds the queue behind
 * it). Closing goes through Spring's {@link WebSocketSession#close}. Stateless and thread-safe.
 */
public final class SpringSessionTransport implements ConnectionTransport<WebSocketSession> {

  /** The shared instance. */
  public static final SpringSessionTransport INSTANCE = new SpringSessionTransport();

  private static final boolean JAKARTA_PRESENT =
      ClassUtils.isPresent(
          "jakarta.websocket.Session", SpringSessionTransport.class.getClassLoader());

  private SpringSessionTransport() {}

  @Override
  public void sendText(WebSocketSession session, String text, SendCallback callback) {
    Object jakarta = jakartaSession(session);
    if (jakarta != null) {
      Jakarta.sendText(jakarta, text, callback);
    } else {
      sendBlocking(session, new TextMessage(text), callback);
    }
  }

  @Override
  public void sendBinary(WebSocketSession session, ByteBuffer data, SendCallback callback) {
    Object jakarta = jakartaSession(session);
    if (jakarta != null) {
      Jakarta.sendBinary(jakarta, data, callback);
    } else {
      sendBlocking(session, new BinaryMessage(data), callback);
    }
  }

  @Override
  public void sendPing(WebSocketSession session, ByteBuffer payload) {
    Object jakarta = jakartaSession(session);
    if (jakarta != null) {
      Jakarta.sendPing(jakarta, payload);
      return;
    }
    try {
      session.sendMessage(new PingMessage(payload));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close(WebSocketSession session, CloseStatus status) {
    try {
      session.close(new org.springframework.web.socket.CloseStatus(status.code(), status.reason()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sendBlocking(
      WebSocketSession session, WebSocketMessage<?> message, SendCallback callback) {
    try {
      session.sendMessage(message);
    } catch (Throwable t) {
      callback.failed(t);
      return;
    }
    callback.succeeded();
  }

  /** The Jakarta session behind a Spring session, or null if there is none. */
  private static Object jakartaSession(WebSocketSession session) {
    if (JAKARTA_PRESENT && session instanceof NativeWebSocketSession nativeSession) {
      return Jakarta.unwrap(nativeSession);
    }
    return null;
  }

  @Override
  public String toString() {
    return "ReliableWebSockets.transport()";
  }

  /** Loaded only when the Jakarta WebSocket API is on the class path. */
  private static final class Jakarta {
    private static final ConnectionTransport<jakarta.websocket.Session> TRANSPORT =
        JakartaConnections.transport();

    private Jakarta() {}

    static Object unwrap(NativeWebSocketSession session) {
      return session.getNativeSession(jakarta.websocket.Session.class);
    }

    static void sendText(Object session, String text, SendCallback callback) {
      TRANSPORT.sendText((jakarta.websocket.Session) session, text, callback);
    }

    static void sendBinary(Object session, ByteBuffer data, SendCallback callback) {
      TRANSPORT.sendBinary((jakarta.websocket.Session) session, data, callback);
    }

    static void sendPing(Object session, ByteBuffer payload) {
      TRANSPORT.sendPing((jakarta.websocket.Session) session, payload);
    }
  }
}
