package dev.reliability.benchmarks.load;

import java.io.IOException;

/**
 * How one client thread of a {@link ClosedLoopLoad} sends a request and learns its status: by
 * default its own keep-alive {@link HttpConnection}; a hedging scenario puts a policy in between.
 *
 * <p>Used by one thread; implementations need not be thread-safe.
 */
interface Transport extends AutoCloseable {

  /** Sends {@code request} and returns the status of the answer. */
  int get(byte[] request) throws IOException;

  @Override
  void close() throws IOException;

  /** Opens a transport for one client thread. */
  @FunctionalInterface
  interface Factory {
    /** A new transport to the loopback {@code port}. */
    Transport open(int port) throws IOException;
  }
}
