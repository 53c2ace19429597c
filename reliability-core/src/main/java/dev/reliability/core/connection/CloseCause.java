package dev.reliability.core.connection;

/**
 * Why a connection left a {@link ConnectionRegistry}. Counted per cause in {@link
 * ConnectionStatistics#closed()} and passed to {@link ConnectionListener#onUnregistered}.
 */
public enum CloseCause {
  /**
   * The peer or the server's WebSocket stack closed the connection; the adapter unregistered it.
   */
  DISCONNECTED,
  /** The application closed the connection through {@link RegisteredConnection#close}. */
  CLOSED_BY_SERVER,
  /** No activity within the idle timeout. */
  IDLE_TIMEOUT,
  /** Open longer than the maximum age. */
  MAX_AGE,
  /** Too many heartbeat pings went without a pong. */
  HEARTBEAT_TIMEOUT,
  /** The outbound queue overflowed under {@link OverflowPolicy#CLOSE}. */
  SLOW_CONSUMER,
  /** A send did not complete within the send timeout. */
  SEND_STALLED,
  /** The transport reported a failed send. */
  SEND_FAILED,
  /** The registry shut down. */
  SHUTDOWN
}
