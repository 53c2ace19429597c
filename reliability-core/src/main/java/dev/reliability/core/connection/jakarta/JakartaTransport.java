package dev.reliability.core.connection.jakarta;

import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.SendCallback;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * {@link ConnectionTransport} over {@code Session.getAsyncRemote()}. The registry keeps at most one
 * send in flight per session, which is what the Jakarta API allows. The API has no way to drop a
 * connection without a close frame, so {@link #abort} keeps the default (nothing more than the
 * close already sent).
 */
final class JakartaTransport implements ConnectionTransport<Session> {

  static final JakartaTransport INSTANCE = new JakartaTransport();

  private JakartaTransport() {}

  private static SendHandler handler(SendCallback callback) {
    return result -> {
      if (result.isOK()) {
        callback.succeeded();
      } else {
        callback.failed(result.getException());
      }
    };
  }

  @Override
  public void sendText(Session session, String text, SendCallback callback) {
    session.getAsyncRemote().sendText(text, handler(callback));
  }

  @Override
  public void sendBinary(Session session, ByteBuffer data, SendCallback callback) {
    session.getAsyncRemote().sendBinary(data, handler(callback));
  }

  @Override
  public void sendPing(Session session, ByteBuffer payload) {
    try {
      session.getAsyncRemote().sendPing(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close(Session session, CloseStatus status) {
    try {
      session.close(
          new CloseReason(CloseReason.CloseCodes.getCloseCode(status.code()), status.reason()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "JakartaConnections.transport()";
  }
}
