package dev.reliability.spring.boot.autoconfigure.websocket.internal;

import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * The session a decorated handler sees: whole text and binary messages go through the registry's
 * bounded outbound queue ({@link RegisteredConnection#send}) and {@link #sendMessage} returns
 * without waiting for the network; a full queue is handled by the registry's overflow policy
 * (dropped, or the session closed with 1008). Pings, pongs and partial messages go to the
 * container's session directly. {@link #close} closes through the registry, so the slot is free at
 * once. Thread-safe.
 */
public final class TrackedSession extends WebSocketSessionDecorator {

  private final RegisteredConnection<WebSocketSession> connection;

  TrackedSession(WebSocketSession session, RegisteredConnection<WebSocketSession> connection) {
    super(session);
    this.connection = connection;
  }

  /**
   * Returns the session's entry in the registry.
   *
   * @return the registered connection
   */
  public RegisteredConnection<WebSocketSession> connection() {
    return connection;
  }

  /**
   * Queues the message without blocking.
   *
   * @param message the message
   * @throws IOException if the session is closed, or was closed because its queue overflowed
   */
  @Override
  public void sendMessage(WebSocketMessage<?> message) throws IOException {
    SendResult result;
    if (message instanceof TextMessage text && text.isLast()) {
      result = connection.send(text.getPayload());
    } else if (message instanceof BinaryMessage binary && binary.isLast()) {
      // Spring's callers may reuse the buffer once sendMessage returns: queue a copy.
      ByteBuffer payload = binary.getPayload();
      ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
      copy.put(payload.duplicate()).flip();
      result = connection.send(copy);
    } else {
      getDelegate().sendMessage(message);
      return;
    }
    if (result == SendResult.CLOSED) {
      throw new IOException("WebSocket session " + getId() + " is closed");
    }
  }

  @Override
  public void close() throws IOException {
    close(CloseStatus.NORMAL);
  }

  @Override
  public void close(CloseStatus status) throws IOException {
    if (dev.reliability.core.connection.CloseStatus.isSendable(status.getCode())) {
      String reason = status.getReason() == null ? "" : status.getReason();
      try {
        connection.close(dev.reliability.core.connection.CloseStatus.of(status.getCode(), reason));
        return;
      } catch (IllegalArgumentException tooLong) {
        // A reason over 123 bytes: let the container close, and unregister here.
      }
    }
    connection.unregister();
    getDelegate().close(status);
  }
}
