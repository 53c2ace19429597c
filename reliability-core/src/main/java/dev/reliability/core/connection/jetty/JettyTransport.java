package dev.reliability.core.connection.jetty;

import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.SendCallback;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** {@link ConnectionTransport} over Jetty 12's asynchronous {@link Session} methods. */
final class JettyTransport implements ConnectionTransport<Session> {

  static final JettyTransport INSTANCE = new JettyTransport();

  private JettyTransport() {}

  @Override
  public void sendText(Session session, String text, SendCallback callback) {
    session.sendText(text, Callback.from(callback::succeeded, callback::failed));
  }

  @Override
  public void sendBinary(Session session, ByteBuffer data, SendCallback callback) {
    session.sendBinary(data, Callback.from(callback::succeeded, callback::failed));
  }

  @Override
  public void sendPing(Session session, ByteBuffer payload) {
    session.sendPing(payload, Callback.NOOP);
  }

  @Override
  public void close(Session session, CloseStatus status) {
    session.close(status.code(), status.reason(), Callback.NOOP);
  }

  @Override
  public void abort(Session session) {
    session.disconnect();
  }

  @Override
  public String toString() {
    return "JettyConnections.transport()";
  }
}
