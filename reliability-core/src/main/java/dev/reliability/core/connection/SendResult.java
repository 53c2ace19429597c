package dev.reliability.core.connection;

/** The outcome of {@link RegisteredConnection#send}; returned at once, never after blocking. */
public enum SendResult {
  /** The message was handed to the transport or queued behind the send in flight. */
  QUEUED,
  /**
   * The message was queued after dropping older queued messages ({@link
   * OverflowPolicy#DROP_OLDEST}).
   */
  QUEUED_DROPPED_OLDEST,
  /**
   * The queue was full and the message was dropped ({@link OverflowPolicy#DROP_NEWEST}), or it is
   * larger than the whole byte bound.
   */
  DROPPED,
  /** The connection is closed, or was closed by this overflow ({@link OverflowPolicy#CLOSE}). */
  CLOSED;

  /**
   * Returns whether the message will be sent.
   *
   * @return true for {@link #QUEUED} and {@link #QUEUED_DROPPED_OLDEST}
   */
  public boolean isQueued() {
    return this == QUEUED || this == QUEUED_DROPPED_OLDEST;
  }
}
