package dev.reliability.core.connection;

/**
 * What {@link RegisteredConnection#send} does when the connection's outbound queue is full (by
 * message count or by bytes): the choice between losing messages and losing the slow client.
 */
public enum OverflowPolicy {
  /** Drop the message being sent; the queue keeps the older ones. */
  DROP_NEWEST,
  /** Drop queued messages from the head until the new one fits; for "latest state" streams. */
  DROP_OLDEST,
  /**
   * Close the connection with 1008 (policy violation) and free its queue: the default, since a
   * stream with silent gaps is usually worse than a client that reconnects.
   */
  CLOSE
}
