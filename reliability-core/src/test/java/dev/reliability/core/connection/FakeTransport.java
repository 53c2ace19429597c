package dev.reliability.core.connection;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport over {@link FakeConnection}s that records everything and completes sends on demand.
 */
final class FakeTransport implements ConnectionTransport<FakeConnection> {

  /** Whether sends complete before {@code sendText} returns. */
  volatile boolean completeImmediately = true;

  final List<String> pings = new CopyOnWriteArrayList<>();
  final Map<FakeConnection, CloseStatus> closes = new ConcurrentHashMap<>();
  final List<FakeConnection> aborts = new CopyOnWriteArrayList<>();

  @Override
  public void sendText(FakeConnection connection, String text, SendCallback callback) {
    deliver(connection, text, callback);
  }

  @Override
  public void sendBinary(FakeConnection connection, ByteBuffer data, SendCallback callback) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    deliver(connection, "bytes:" + bytes.length, callback);
  }

  private void deliver(FakeConnection connection, String message, SendCallback callback) {
    if (connection.failSends) {
      callback.failed(new java.io.IOException("broken pipe"));
      return;
    }
    connection.inFlight.add(message);
    if (completeImmediately && !connection.stalled) {
      connection.complete(callback);
    } else {
      connection.pending.add(callback);
    }
  }

  @Override
  public void sendPing(FakeConnection connection, ByteBuffer payload) {
    connection.lastPing = payload.duplicate();
    pings.add(connection.name);
  }

  @Override
  public void close(FakeConnection connection, CloseStatus status) {
    CloseStatus previous = closes.putIfAbsent(connection, status);
    if (previous != null) {
      throw new AssertionError("closed twice: " + connection + " " + previous + " then " + status);
    }
  }

  @Override
  public void abort(FakeConnection connection) {
    aborts.add(connection);
  }

  CloseStatus closeOf(FakeConnection connection) {
    return closes.get(connection);
  }

  static List<String> names(List<FakeConnection> list) {
    List<String> names = new ArrayList<>();
    for (FakeConnection c : list) {
      names.add(c.name);
    }
    return Collections.unmodifiableList(names);
  }
}
