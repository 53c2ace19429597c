package dev.reliability.core.connection.internal;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import dev.reliability.core.connection.SendCallback;
import dev.reliability.core.connection.SendResult;
import dev.reliability.core.internal.Checks;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One slot of a registry: first a granted reservation, then the registered connection, with its
 * expiry times, heartbeat state and outbound queue. It is also the single {@link SendCallback} of
 * its connection, since at most one send is in flight.
 *
 * <p>State moves one way: {@code RESERVED} to {@code COMMITTING} then {@code OPEN} (commit) or
 * {@code RELEASED} (release, expiry, or a commit refused during shutdown); {@code OPEN} to {@code
 * CLOSING} (shutdown sent its close frame) or {@code CLOSED}; {@code CLOSING} to {@code CLOSED}.
 * Every transition is a compare-and-set, so racing callers agree on who performed it.
 *
 * <p>Internal: may change at any time.
 */
public final class Entry<C> implements Reservation<C>, RegisteredConnection<C>, SendCallback {

  static final int RESERVED = 0;
  static final int OPEN = 1;
  static final int CLOSING = 2;
  static final int CLOSED = 3;
  static final int RELEASED = 4;
  static final int COMMITTING = 5;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<Entry> STATE =
      AtomicIntegerFieldUpdater.newUpdater(Entry.class, "state");

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<Entry> PONGS =
      AtomicIntegerFieldUpdater.newUpdater(Entry.class, "pongs");

  @SuppressWarnings("rawtypes")
  private static final AtomicReferenceFieldUpdater<Entry, Outbox> OUTBOX =
      AtomicReferenceFieldUpdater.newUpdater(Entry.class, Outbox.class, "outbox");

  final DefaultConnectionRegistry<C> registry;
  final String key;
  final long id;
  final boolean expiring;

  volatile int state = RESERVED;
  volatile C connection;

  // Guarded by the registry's schedule lock.
  long checkAt;
  int heapIndex = -1;

  volatile long openedNanos;
  volatile long openedMillis;
  volatile long lastActivity;

  // Heartbeat: written by the sweeper only, except pongs and rttNanos; pingSent and lastPingAt are
  // volatile because pongs are read on transport threads.
  long nextPingAt;
  volatile boolean pingSent;
  int missedPongs;
  int pongsAtLastPing;
  volatile int pongs;
  volatile long lastPingAt;
  volatile long rttNanos = -1;

  volatile Outbox outbox;

  Entry(DefaultConnectionRegistry<C> registry, String key, long id, boolean expiring) {
    this.registry = registry;
    this.key = key;
    this.id = id;
    this.expiring = expiring;
  }

  // ---- Reservation

  @Override
  public boolean isGranted() {
    return true;
  }

  @Override
  public RejectReason rejectReason() {
    return null;
  }

  @Override
  public Duration retryAfter() {
    return registry.config().retryAfter();
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public RegisteredConnection<C> commit(C connection) {
    Checks.notNull("connection", connection);
    registry.commit(this, connection);
    return this;
  }

  @Override
  public boolean release() {
    return registry.release(this, false);
  }

  boolean casState(int expected, int next) {
    return STATE.compareAndSet(this, expected, next);
  }

  // ---- RegisteredConnection

  @Override
  public C connection() {
    return connection;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public Instant openedAt() {
    return Instant.ofEpochMilli(openedMillis);
  }

  @Override
  public Duration age() {
    return Duration.ofNanos(registry.time.nanoTime() - openedNanos);
  }

  @Override
  public boolean isOpen() {
    return state == OPEN;
  }

  @Override
  public void recordActivity() {
    lastActivity = registry.time.nanoTime();
  }

  @Override
  public void pongReceived(ByteBuffer payload) {
    PONGS.incrementAndGet(this);
    if (payload != null && payload.remaining() == Long.BYTES) {
      long sent = lastPingAt;
      if (pingSent && payload.getLong(payload.position()) == sent) {
        long rtt = registry.time.nanoTime() - sent;
        rttNanos = rtt;
        registry.listener.onRoundTrip(this, rtt);
      }
    }
  }

  @Override
  public Duration roundTripTime() {
    long rtt = rttNanos;
    return rtt < 0 ? null : Duration.ofNanos(rtt);
  }

  @Override
  public SendResult send(String text) {
    Checks.notNull("text", text);
    return enqueue(text, Utf8.length(text));
  }

  @Override
  public SendResult send(ByteBuffer data) {
    Checks.notNull("data", data);
    return enqueue(data, data.remaining());
  }

  @Override
  public int queuedMessages() {
    Outbox o = outbox;
    if (o == null) {
      return 0;
    }
    o.lock.lock();
    try {
      return o.queue.size();
    } finally {
      o.lock.unlock();
    }
  }

  @Override
  public long queuedBytes() {
    Outbox o = outbox;
    if (o == null) {
      return 0;
    }
    o.lock.lock();
    try {
      return o.queuedBytes;
    } finally {
      o.lock.unlock();
    }
  }

  @Override
  public boolean close(CloseStatus status) {
    Checks.notNull("status", status);
    return registry.closeWith(this, CloseCause.CLOSED_BY_SERVER, status, false);
  }

  @Override
  public boolean unregister() {
    return registry.finish(this, CloseCause.DISCONNECTED);
  }

  // ---- Outbound queue

  private Outbox outbox() {
    Outbox o = outbox;
    if (o == null) {
      o = new Outbox();
      if (!OUTBOX.compareAndSet(this, null, o)) {
        o = outbox;
      }
    }
    return o;
  }

  private SendResult enqueue(Object message, long size) {
    if (state != OPEN) {
      return SendResult.CLOSED;
    }
    DefaultConnectionRegistry<C> r = registry;
    Outbox o = outbox();
    int dropped = 0;
    boolean overflowClose = false;
    boolean stalled = false;
    SendResult result;
    long now = r.time.nanoTime();
    o.lock.lock();
    try {
      if (state != OPEN) {
        return SendResult.CLOSED;
      }
      boolean idle = !o.inFlight && o.queue.isEmpty();
      if (o.inFlight && r.sendTimeoutNanos > 0 && now - o.inFlightSince >= r.sendTimeoutNanos) {
        stalled = true;
        result = SendResult.CLOSED;
      } else if (!idle
          && (o.queue.size() >= r.maxQueuedMessages || o.queuedBytes + size > r.maxQueuedBytes)) {
        switch (r.overflowPolicy) {
          case DROP_NEWEST:
            dropped = 1;
            result = SendResult.DROPPED;
            break;
          case DROP_OLDEST:
            if (size > r.maxQueuedBytes) {
              dropped = 1;
              result = SendResult.DROPPED;
              break;
            }
            while (!o.queue.isEmpty()
                && (o.queue.size() >= r.maxQueuedMessages
                    || o.queuedBytes + size > r.maxQueuedBytes)) {
              o.queuedBytes -= sizeOf(o.queue.pollFirst());
              dropped++;
            }
            o.queue.addLast(message);
            o.queuedBytes += size;
            result = SendResult.QUEUED_DROPPED_OLDEST;
            break;
          default:
            overflowClose = true;
            result = SendResult.CLOSED;
        }
      } else {
        if (idle) {
          r.busy.add(this);
        }
        o.queue.addLast(message);
        o.queuedBytes += size;
        result = SendResult.QUEUED;
      }
    } finally {
      o.lock.unlock();
    }
    if (stalled) {
      r.closeWith(this, CloseCause.SEND_STALLED, DefaultConnectionRegistry.SEND_STALLED, true);
    } else if (overflowClose) {
      r.closeWith(this, CloseCause.SLOW_CONSUMER, DefaultConnectionRegistry.QUEUE_FULL, false);
    } else {
      if (dropped > 0) {
        r.dropped(this, dropped);
      }
      if (result.isQueued()) {
        drain(o);
      }
    }
    return result;
  }

  /** Hands queued messages to the transport one at a time; never recurses more than once. */
  private void drain(Outbox o) {
    if (o.wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    for (; ; ) {
      for (; ; ) {
        Object next = null;
        o.lock.lock();
        try {
          if (!o.inFlight && state == OPEN) {
            next = o.queue.pollFirst();
            if (next != null) {
              o.queuedBytes -= sizeOf(next);
              o.inFlight = true;
              o.inFlightSince = registry.time.nanoTime();
            }
          }
        } finally {
          o.lock.unlock();
        }
        if (next == null) {
          break;
        }
        registry.dispatch(this, next);
      }
      missed = o.wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  @Override
  public void succeeded() {
    Outbox o = outbox;
    o.lock.lock();
    try {
      o.inFlight = false;
      if (o.queue.isEmpty()) {
        registry.busy.remove(this);
      }
    } finally {
      o.lock.unlock();
    }
    recordActivity();
    drain(o);
  }

  @Override
  public void failed(Throwable failure) {
    Outbox o = outbox;
    o.lock.lock();
    try {
      o.inFlight = false;
    } finally {
      o.lock.unlock();
    }
    registry.sendFailed(this, failure);
  }

  /** Returns true if a send has been in flight since before {@code limit}. */
  boolean sendStalled(long now, long timeoutNanos) {
    Outbox o = outbox;
    if (o == null) {
      return false;
    }
    o.lock.lock();
    try {
      return o.inFlight && now - o.inFlightSince >= timeoutNanos;
    } finally {
      o.lock.unlock();
    }
  }

  /** Drops everything queued; called once the entry left the registry. */
  void clearOutbox() {
    Outbox o = outbox;
    if (o == null) {
      return;
    }
    o.lock.lock();
    try {
      o.queue.clear();
      o.queuedBytes = 0;
    } finally {
      o.lock.unlock();
    }
    registry.busy.remove(this);
  }

  static long sizeOf(Object message) {
    return message instanceof String s ? Utf8.length(s) : ((ByteBuffer) message).remaining();
  }

  @Override
  public String toString() {
    return "RegisteredConnection[id="
        + id
        + ", state="
        + (state == RESERVED
            ? "reserved"
            : state == OPEN
                ? "open"
                : state == CLOSING
                    ? "closing"
                    : state == CLOSED ? "closed" : state == RELEASED ? "released" : "committing")
        + "]";
  }

  /** The lazily created outbound queue of one connection. */
  static final class Outbox {
    final java.util.concurrent.locks.ReentrantLock lock =
        new java.util.concurrent.locks.ReentrantLock();
    final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    final java.util.concurrent.atomic.AtomicInteger wip =
        new java.util.concurrent.atomic.AtomicInteger();
    long queuedBytes;
    boolean inFlight;
    long inFlightSince;
  }
}
