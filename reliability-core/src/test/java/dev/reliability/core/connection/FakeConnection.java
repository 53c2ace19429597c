package dev.reliability.core.connection;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A connection for {@link FakeTransport}: records what was sent and holds pending callbacks. */
final class FakeConnection {

  final String name;
  final List<String> inFlight = Collections.synchronizedList(new ArrayList<>());
  final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
  final Queue<SendCallback> pending = new ConcurrentLinkedQueue<>();
  volatile boolean stalled;
  volatile boolean failSends;
  volatile ByteBuffer lastPing;

  FakeConnection(String name) {
    this.name = name;
  }

  void complete(SendCallback callback) {
    delivered.add(inFlight.remove(0));
    callback.succeeded();
  }

  /** Completes the oldest pending send; returns false if none. */
  boolean completeOne() {
    SendCallback cb = pending.poll();
    if (cb == null) {
      return false;
    }
    complete(cb);
    return true;
  }

  void completeAll() {
    while (completeOne()) {
      // keep going: completing one may start the next
    }
  }

  /** Answers the last ping as a well-behaved peer would: a pong echoing its payload. */
  ByteBuffer echo() {
    return lastPing.duplicate();
  }

  @Override
  public String toString() {
    return name;
  }
}
