package dev.reliability.benchmarks.load;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Keep-alive connections to one loopback port shared by many threads, for attempts that may run
 * side by side for one client (hedges): each attempt borrows a connection, or opens one when none
 * is free, and gives it back after a complete answer. A connection that failed is closed, not given
 * back.
 *
 * <p>Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {

  private final int port;
  private final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();

  ConnectionPool(int port) {
    this.port = port;
  }

  /** Sends {@code request} on a free connection and returns the status of the answer. */
  int get(byte[] request) throws IOException {
    HttpConnection connection = idle.pollFirst();
    if (connection == null) {
      connection = new HttpConnection(port);
    }
    try {
      int status = connection.get(request);
      idle.addFirst(connection);
      return status;
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public void close() {
    for (HttpConnection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing at the end of a run
      }
    }
  }
}
