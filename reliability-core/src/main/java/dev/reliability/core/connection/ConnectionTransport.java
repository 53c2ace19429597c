package dev.reliability.core.connection;

import java.nio.ByteBuffer;

/**
 * How a {@link ConnectionRegistry} acts on connections of type {@code C}: send, ping, close and
 * abort. The adapters implement it for Jetty 12 ({@code JettyConnections.transport()}) and Jakarta
 * WebSocket ({@code JakartaConnections.transport()}); implement it for any other stack.
 *
 * <p>Contract: every method returns without blocking on the network (sends complete through the
 * {@link SendCallback}); the registry never calls two sends on one connection at once, so
 * implementations over APIs that allow one outstanding asynchronous send (Jakarta's {@code
 * RemoteEndpoint.Async}) are safe. Exceptions thrown are caught, logged and treated as a failed
 * operation. Implementations must be thread-safe.
 *
 * @param <C> the connection type, such as a WebSocket session
 */
public interface ConnectionTransport<C> {

  /**
   * Starts sending a text message.
   *
   * @param connection the connection
   * @param text the message
   * @param callback to complete exactly once
   */
  void sendText(C connection, String text, SendCallback callback);

  /**
   * Starts sending a binary message. The registry hands over the buffer and does not touch it
   * again.
   *
   * @param connection the connection
   * @param data the message, from its position to its limit
   * @param callback to complete exactly once
   */
  void sendBinary(C connection, ByteBuffer data, SendCallback callback);

  /**
   * Sends a ping whose payload the peer must echo in its pong.
   *
   * @param connection the connection
   * @param payload at most 125 bytes
   */
  void sendPing(C connection, ByteBuffer payload);

  /**
   * Starts the closing handshake with a status. Called at most once per connection by the registry.
   *
   * @param connection the connection
   * @param status the code and reason to send
   */
  void close(C connection, CloseStatus status);

  /**
   * Drops the connection without waiting for the closing handshake: for peers that no longer answer
   * (missed heartbeats, stalled sends) and for connections left when a shutdown's drain deadline
   * passes. Called after {@link #close}. The default does nothing, leaving the end of the
   * connection to the WebSocket stack's own timeouts.
   *
   * @param connection the connection
   */
  default void abort(C connection) {}

  /**
   * Returns a transport that sends nothing: sends complete successfully at once, pings, closes and
   * aborts do nothing. For registries that only count and bound connections whose I/O happens
   * elsewhere, and for tests and benchmarks of the registry's own bookkeeping. Stateless and
   * thread-safe.
   *
   * @param <C> the connection type
   * @return the shared discarding transport
   */
  @SuppressWarnings("unchecked")
  static <C> ConnectionTransport<C> discarding() {
    return (ConnectionTransport<C>) DiscardingTransport.INSTANCE;
  }
}

/** The transport behind {@link ConnectionTransport#discarding()}. */
enum DiscardingTransport implements ConnectionTransport<Object> {
  INSTANCE;

  @Override
  public void sendText(Object connection, String text, SendCallback callback) {
    callback.succeeded();
  }

  @Override
  public void sendBinary(Object connection, ByteBuffer data, SendCallback callback) {
    callback.succeeded();
  }

  @Override
  public void sendPing(Object connection, ByteBuffer payload) {}

  @Override
  public void close(Object connection, CloseStatus status) {}
}
