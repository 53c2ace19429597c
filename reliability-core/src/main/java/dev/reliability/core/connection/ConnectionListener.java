package dev.reliability.core.connection;

/**
 * Receives a {@link ConnectionRegistry}'s events. Every method has a no-op default; override what
 * you need.
 *
 * <p>Contract: methods run on the thread that caused the event (a caller of the registry, a
 * transport thread or the sweeper), so they must be fast, must not block and must not call back
 * into the registry under a lock of their own. A listener that throws is logged and does not stop
 * other listeners or the registry.
 */
public interface ConnectionListener {

  /** A listener that does nothing. */
  ConnectionListener NONE = new ConnectionListener() {};

  /**
   * A connection was registered.
   *
   * @param connection the connection
   */
  default void onRegistered(RegisteredConnection<?> connection) {}

  /**
   * A connection left the registry.
   *
   * @param connection the connection
   * @param cause why
   */
  default void onUnregistered(RegisteredConnection<?> connection, CloseCause cause) {}

  /**
   * A reservation was refused.
   *
   * @param key the key, or null for none
   * @param reason why
   */
  default void onRejected(String key, RejectReason reason) {}

  /**
   * The overflow policy dropped messages of a connection.
   *
   * @param connection the connection
   * @param dropped how many messages were dropped by this send
   */
  default void onMessagesDropped(RegisteredConnection<?> connection, int dropped) {}

  /**
   * A pong echoed a ping.
   *
   * @param connection the connection
   * @param roundTripNanos the round-trip time in nanoseconds
   */
  default void onRoundTrip(RegisteredConnection<?> connection, long roundTripNanos) {}
}
