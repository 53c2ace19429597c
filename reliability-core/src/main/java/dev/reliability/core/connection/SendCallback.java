package dev.reliability.core.connection;

/**
 * Completion of one asynchronous send, given by the registry to {@link ConnectionTransport}. The
 * transport must call exactly one method exactly once, from any thread, possibly before its send
 * method returns.
 */
public interface SendCallback {

  /** The message was written. */
  void succeeded();

  /**
   * The message could not be written; the registry closes the connection ({@link
   * CloseCause#SEND_FAILED}).
   *
   * @param failure what went wrong
   */
  void failed(Throwable failure);
}
