package dev.reliability.core.connection;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/**
 * A connection held by a {@link ConnectionRegistry}: its key, age and heartbeat state, a bounded
 * outbound queue, and the calls a WebSocket endpoint makes from its callbacks.
 *
 * <p>Endpoint callbacks map to: incoming message to {@link #recordActivity()}, pong to {@link
 * #pongReceived(ByteBuffer)}, close or error to {@link #unregister()}. The adapters make these
 * calls.
 *
 * <p><b>Sending.</b> {@link #send(String)} never blocks: it hands the message to the transport if
 * nothing is in flight, or queues it behind the send in flight. The queue is bounded by message
 * count and by bytes (text counted in UTF-8); when full, the registry's {@link OverflowPolicy}
 * decides. A send in flight longer than the send timeout closes the connection ({@link
 * CloseCause#SEND_STALLED}), checked by the sweeper whether or not anyone else is sending.
 *
 * <p>Thread-safe. Time comes from the registry's {@link dev.reliability.core.time.TimeSource}.
 *
 * @param <C> the connection type
 */
public interface RegisteredConnection<C> {

  /**
   * Returns the underlying connection.
   *
   * @return the connection
   */
  C connection();

  /**
   * Returns the key the connection is counted under.
   *
   * @return the key, or null for none
   */
  String key();

  /**
   * Returns a number unique within the registry, in registration order.
   *
   * @return the id
   */
  long id();

  /**
   * Returns when the connection was registered, by the registry's wall clock.
   *
   * @return the registration time
   */
  Instant openedAt();

  /**
   * Returns how long the connection has been registered, by the registry's monotonic clock.
   *
   * @return the age
   */
  Duration age();

  /**
   * Returns whether the connection is still registered and not closing.
   *
   * @return true if open
   */
  boolean isOpen();

  /**
   * Records application activity, postponing the idle timeout. Call it for every message received;
   * completed sends record it themselves. Pongs do not count: they prove the peer is alive, not
   * that the connection is used. Cheap: one volatile write.
   */
  void recordActivity();

  /**
   * Feeds a pong to the heartbeat: any pong resets the missed-pong count, and one that echoes the
   * last ping's payload records the {@linkplain #roundTripTime() round-trip time}.
   *
   * @param payload the pong's application data; not kept
   */
  void pongReceived(ByteBuffer payload);

  /**
   * Returns the round-trip time measured by the last pong that echoed a ping.
   *
   * @return the round-trip time, or null if none was measured yet
   */
  Duration roundTripTime();

  /**
   * Sends a text message through the bounded queue without blocking.
   *
   * @param text the message
   * @return what happened to the message
   * @throws NullPointerException if {@code text} is null
   */
  SendResult send(String text);

  /**
   * Sends a binary message through the bounded queue without blocking. The registry takes over the
   * buffer: do not change it afterwards.
   *
   * @param data the message, from its position to its limit
   * @return what happened to the message
   * @throws NullPointerException if {@code data} is null
   */
  SendResult send(ByteBuffer data);

  /**
   * Returns the number of messages waiting behind the send in flight.
   *
   * @return the queued messages
   */
  int queuedMessages();

  /**
   * Returns the bytes of the messages waiting behind the send in flight.
   *
   * @return the queued bytes
   */
  long queuedBytes();

  /**
   * Closes the connection with a status and unregisters it ({@link CloseCause#CLOSED_BY_SERVER}).
   * Idempotent.
   *
   * @param status the code and reason to send
   * @return true if this call closed it
   */
  boolean close(CloseStatus status);

  /**
   * Removes the connection from the registry without sending anything, for close and error
   * callbacks ({@link CloseCause#DISCONNECTED}). Idempotent and safe from any callback or thread.
   *
   * @return true if this call removed it
   */
  boolean unregister();
}
