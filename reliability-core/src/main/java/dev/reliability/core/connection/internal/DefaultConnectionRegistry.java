package dev.reliability.core.connection.internal;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionListener;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionStatistics;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.connection.Reservation;
import dev.reliability.core.error.CapacityExceededException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.time.TimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConnectionRegistry} implementation.
 *
 * <p>Capacity: one atomic counter of slots (reservations plus connections) taken by compare-and-set
 * below the capacity, and one counter per key in a concurrent map, retired (set to -1 and removed)
 * when it falls to zero so keys do not accumulate. Expiry: entries sit in a {@link DeadlineHeap}
 * under their next due time (maximum age, idle check, next ping, reservation timeout); the sweeper
 * pops only due entries and puts back those that are not expired at their new due time, so activity
 * costs one volatile write and a sweep costs O(due * log n). Sends in flight are tracked in a set
 * of busy connections, which the send watchdog scans.
 *
 * <p>Internal: may change at any time.
 *
 * @param <C> the connection type
 */
public final class DefaultConnectionRegistry<C> implements ConnectionRegistry<C> {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultConnectionRegistry.class);

  static final CloseStatus IDLE = CloseStatus.of(CloseStatus.GOING_AWAY, "Idle timeout");
  static final CloseStatus AGED =
      CloseStatus.of(CloseStatus.GOING_AWAY, "Maximum connection age reached");
  static final CloseStatus HEARTBEAT = CloseStatus.of(CloseStatus.GOING_AWAY, "Heartbeat timeout");
  static final CloseStatus QUEUE_FULL =
      CloseStatus.of(CloseStatus.POLICY_VIOLATION, "Send queue full");
  static final CloseStatus SEND_STALLED =
      CloseStatus.of(CloseStatus.POLICY_VIOLATION, "Send timed out");
  static final CloseStatus SEND_FAILED = CloseStatus.of(CloseStatus.INTERNAL_ERROR, "Send failed");

  private static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final Function<String, AtomicInteger> NEW_COUNT = k -> new AtomicInteger();

  private final ConnectionRegistryConfig config;
  private final String name;
  final ConnectionTransport<C> transport;
  final TimeSource time;
  final GuardedListener listener;

  private final int maxConnections;
  private final int maxPerKey;
  private final long idleNanos;
  private final long maxAgeNanos;
  private final long heartbeatNanos;
  private final int maxMissedPongs;
  private final long reservationNanos;
  final long sendTimeoutNanos;
  final int maxQueuedMessages;
  final long maxQueuedBytes;
  final dev.reliability.core.connection.OverflowPolicy overflowPolicy;
  private final boolean openEntriesScheduled;

  private final AtomicInteger slots = new AtomicInteger();
  private final AtomicInteger reserved = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private final ConcurrentHashMap<C, Entry<C>> connections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
  final Set<Entry<C>> busy = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();

  private final ReentrantLock scheduleLock = new ReentrantLock();
  private final DeadlineHeap schedule = new DeadlineHeap();
  private final ReentrantLock sweepLock = new ReentrantLock();
  private volatile int lastSweepExamined;

  private final LongAdder accepted = new LongAdder();
  private final LongAdder[] rejected = adders(RejectReason.values().length);
  private final LongAdder[] closed = adders(CloseCause.values().length);
  private final LongAdder droppedMessages = new LongAdder();
  private final LongAdder expiredReservations = new LongAdder();
  private final Refusal<C>[] refusals;

  private volatile boolean shuttingDown;
  private final AtomicBoolean closedOnce = new AtomicBoolean();
  private final ReentrantLock drainLock = new ReentrantLock();
  private final Condition drained = drainLock.newCondition();
  private final ScheduledExecutorService scheduler;

  /**
   * Creates the registry; use {@link ConnectionRegistry#builder}.
   *
   * @param config the configuration
   * @param transport the transport
   * @param time the time source
   * @param listeners the listeners
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public DefaultConnectionRegistry(
      ConnectionRegistryConfig config,
      ConnectionTransport<C> transport,
      TimeSource time,
      List<ConnectionListener> listeners) {
    this.config = Checks.notNull("config", config);
    this.name = config.name();
    this.transport = Checks.notNull("transport", transport);
    this.time = Checks.notNull("time", time);
    this.listener = new GuardedListener(name, listeners);
    this.maxConnections = config.maxConnections();
    this.maxPerKey = config.maxConnectionsPerKey();
    this.idleNanos = config.idleTimeout().toNanos();
    this.maxAgeNanos = config.maxAge().toNanos();
    this.heartbeatNanos = config.heartbeatInterval().toNanos();
    this.maxMissedPongs = config.heartbeatMissedPongs();
    this.reservationNanos = config.reservationTimeout().toNanos();
    this.sendTimeoutNanos = config.sendTimeout().toNanos();
    this.maxQueuedMessages = config.maxQueuedMessages();
    this.maxQueuedBytes = config.maxQueuedBytes();
    this.overflowPolicy = config.overflowPolicy();
    this.openEntriesScheduled = idleNanos > 0 || maxAgeNanos > 0 || heartbeatNanos > 0;
    RejectReason[] reasons = RejectReason.values();
    this.refusals = new Refusal[reasons.length];
    for (RejectReason reason : reasons) {
      refusals[reason.ordinal()] = new Refusal<>(reason, config.retryAfter());
    }
    long interval = config.sweepInterval().toNanos();
    if (interval > 0) {
      String threadName = "reliability-connections-" + name;
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      scheduler.scheduleWithFixedDelay(this::sweepSafely, interval, interval, TimeUnit.NANOSECONDS);
    } else {
      this.scheduler = null;
    }
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ConnectionRegistryConfig config() {
    return config;
  }

  // ---- Admission

  @Override
  public Reservation<C> tryReserve(String key) {
    return reserve(key, true);
  }

  /**
   * Takes a slot; {@code expiring} puts the reservation under the reservation timeout, which a
   * reservation committed at once does not need.
   */
  private Reservation<C> reserve(String key, boolean expiring) {
    if (shuttingDown) {
      return refuse(key, RejectReason.SHUTTING_DOWN);
    }
    for (; ; ) {
      int s = slots.get();
      if (s >= maxConnections) {
        return refuse(key, RejectReason.REGISTRY_FULL);
      }
      if (slots.compareAndSet(s, s + 1)) {
        break;
      }
    }
    if (key != null && !acquireKey(key)) {
      slots.decrementAndGet();
      return refuse(key, RejectReason.KEY_FULL);
    }
    reserved.incrementAndGet();
    accepted.increment();
    Entry<C> e = new Entry<>(this, key, ids.incrementAndGet(), expiring);
    if (expiring) {
      scheduleLock.lock();
      try {
        e.checkAt = time.nanoTime() + reservationNanos;
        schedule.add(e);
      } finally {
        scheduleLock.unlock();
      }
    }
    return e;
  }

  private Reservation<C> refuse(String key, RejectReason reason) {
    rejected[reason.ordinal()].increment();
    listener.onRejected(key, reason);
    return refusals[reason.ordinal()];
  }

  private boolean acquireKey(String key) {
    for (; ; ) {
      AtomicInteger count = perKey.computeIfAbsent(key, NEW_COUNT);
      int v = count.get();
      if (v < 0) {
        perKey.remove(key, count); // retired by a release; take a fresh one
        continue;
      }
      if (maxPerKey > 0 && v >= maxPerKey) {
        return false;
      }
      if (count.compareAndSet(v, v + 1)) {
        return true;
      }
    }
  }

  private void releaseKey(String key) {
    AtomicInteger count = perKey.get(key);
    if (count != null && count.decrementAndGet() == 0 && count.compareAndSet(0, -1)) {
      perKey.remove(key, count);
    }
  }

  private void releaseSlot(String key) {
    if (key != null) {
      releaseKey(key);
    }
    slots.decrementAndGet();
  }

  @Override
  public Reservation<C> reserve(String key) {
    Reservation<C> r = tryReserve(key);
    if (!r.isGranted()) {
      throw rejection(r.rejectReason());
    }
    return r;
  }

  private CapacityExceededException rejection(RejectReason reason) {
    String message;
    long capacity;
    switch (reason) {
      case KEY_FULL:
        capacity = maxPerKey;
        message =
            "Connection registry '"
                + name
                + "' refused a connection: the key holds its limit of "
                + maxPerKey
                + " connections";
        break;
      case SHUTTING_DOWN:
        capacity = maxConnections;
        message = "Connection registry '" + name + "' refused a connection: shutting down";
        break;
      default:
        capacity = maxConnections;
        message =
            "Connection registry '"
                + name
                + "' refused a connection: all "
                + maxConnections
                + " slots are taken";
    }
    return new CapacityExceededException(name, capacity, message, config.retryAfter());
  }

  @Override
  public RegisteredConnection<C> register(String key, C connection) {
    Checks.notNull("connection", connection);
    Reservation<C> r = reserve(key, false);
    if (!r.isGranted()) {
      throw rejection(r.rejectReason());
    }
    return r.commit(connection);
  }

  void commit(Entry<C> e, C connection) {
    if (!e.casState(Entry.RESERVED, Entry.COMMITTING)) {
      throw new IllegalStateException(
          "reservation cannot be committed: it was already committed, released or expired");
    }
    e.connection = connection;
    reserved.decrementAndGet();
    if (shuttingDown) {
      e.state = Entry.RELEASED;
      unschedule(e);
      releaseSlot(e.key);
      closed[CloseCause.SHUTDOWN.ordinal()].increment();
      closeQuietly(connection, config.shutdownStatus());
      signalIfShuttingDown();
      return;
    }
    long now = time.nanoTime();
    e.openedNanos = now;
    e.lastActivity = now;
    e.openedMillis = time.currentTimeMillis();
    e.nextPingAt = now + heartbeatNanos;
    Entry<C> previous = connections.putIfAbsent(connection, e);
    if (previous != null) {
      e.state = Entry.RELEASED;
      unschedule(e);
      releaseSlot(e.key);
      throw new IllegalStateException("connection is already registered: " + previous);
    }
    active.incrementAndGet();
    e.state = Entry.OPEN;
    if (openEntriesScheduled || e.expiring) {
      scheduleLock.lock();
      try {
        schedule.remove(e);
        if (openEntriesScheduled && e.state == Entry.OPEN) {
          e.checkAt = nextDue(e);
          schedule.add(e);
        }
      } finally {
        scheduleLock.unlock();
      }
    }
    listener.onRegistered(e);
  }

  /**
   * Releases a reservation; {@code expired} when the sweeper does it. Callers: the application or
   * an adapter when the handshake failed (its exchange failed, or its connection closed before
   * open), and the sweeper at the reservation timeout, whichever comes first.
   */
  boolean release(Entry<C> e, boolean expired) {
    // Invariant: an entry leaves RESERVED exactly once, by this CAS (to RELEASED) or by commit's
    // (to COMMITTING), so `reserved` and the slot are given back once however release, expiry
    // and commit race; the losers see the CAS fail and change nothing.
    if (!e.casState(Entry.RESERVED, Entry.RELEASED)) {
      return false;
    }
    reserved.decrementAndGet();
    unschedule(e);
    releaseSlot(e.key);
    if (expired) {
      expiredReservations.increment();
    }
    signalIfShuttingDown();
    return true;
  }

  private void unschedule(Entry<C> e) {
    scheduleLock.lock();
    try {
      schedule.remove(e);
    } finally {
      scheduleLock.unlock();
    }
  }

  // ---- Removal and closing

  /** Removes an open or closing entry once; returns whether this call did. */
  boolean finish(Entry<C> e, CloseCause cause) {
    int s;
    do {
      s = e.state;
      if (s != Entry.OPEN && s != Entry.CLOSING) {
        return false;
      }
    } while (!e.casState(s, Entry.CLOSED));
    CloseCause counted = s == Entry.CLOSING ? CloseCause.SHUTDOWN : cause;
    connections.remove(e.connection, e);
    active.decrementAndGet();
    unschedule(e);
    e.clearOutbox();
    releaseSlot(e.key);
    closed[counted.ordinal()].increment();
    listener.onUnregistered(e, counted);
    signalIfShuttingDown();
    return true;
  }

  /** Unregisters, then sends the close frame and, for unresponsive peers, aborts. */
  boolean closeWith(Entry<C> e, CloseCause cause, CloseStatus status, boolean abort) {
    if (!finish(e, cause)) {
      return false;
    }
    closeQuietly(e.connection, status);
    if (abort) {
      abortQuietly(e.connection);
    }
    return true;
  }

  private void closeQuietly(C connection, CloseStatus status) {
    try {
      transport.close(connection, status);
    } catch (Throwable t) {
      LOG.debug("Closing a connection of registry '{}' with {} failed", name, status, t);
    }
  }

  private void abortQuietly(C connection) {
    try {
      transport.abort(connection);
    } catch (Throwable t) {
      LOG.debug("Aborting a connection of registry '{}' failed", name, t);
    }
  }

  void sendFailed(Entry<C> e, Throwable failure) {
    LOG.debug("Send to a connection of registry '{}' failed; closing it", name, failure);
    closeWith(e, CloseCause.SEND_FAILED, SEND_FAILED, true);
  }

  void dropped(Entry<C> e, int count) {
    droppedMessages.add(count);
    listener.onMessagesDropped(e, count);
  }

  void dispatch(Entry<C> e, Object message) {
    try {
      if (message instanceof String text) {
        transport.sendText(e.connection, text, e);
      } else {
        transport.sendBinary(e.connection, (ByteBuffer) message, e);
      }
    } catch (Throwable t) {
      e.failed(t);
    }
  }

  @Override
  public Optional<RegisteredConnection<C>> find(C connection) {
    Checks.notNull("connection", connection);
    return Optional.ofNullable(connections.get(connection));
  }

  @Override
  public boolean unregister(C connection) {
    Checks.notNull("connection", connection);
    Entry<C> e = connections.get(connection);
    return e != null && finish(e, CloseCause.DISCONNECTED);
  }

  // ---- Broadcast and views

  @Override
  public int broadcast(String text) {
    return broadcast(c -> true, text);
  }

  @Override
  public int broadcast(Predicate<? super RegisteredConnection<C>> filter, String text) {
    Checks.notNull("filter", filter);
    Checks.notNull("text", text);
    int queued = 0;
    for (Entry<C> e : connections.values()) {
      if (e.state == Entry.OPEN && filter.test(e) && e.send(text).isQueued()) {
        queued++;
      }
    }
    return queued;
  }

  @Override
  public int broadcast(ByteBuffer data) {
    Checks.notNull("data", data);
    int queued = 0;
    for (Entry<C> e : connections.values()) {
      if (e.state == Entry.OPEN && e.send(data.duplicate()).isQueued()) {
        queued++;
      }
    }
    return queued;
  }

  @Override
  public List<RegisteredConnection<C>> connections() {
    return List.copyOf(connections.values());
  }

  @Override
  public int activeCount() {
    return active.get();
  }

  @Override
  public int reservedCount() {
    return reserved.get();
  }

  @Override
  public int count(String key) {
    Checks.notNull("key", key);
    AtomicInteger c = perKey.get(key);
    return c == null ? 0 : Math.max(0, c.get());
  }

  @Override
  public ConnectionStatistics statistics() {
    Map<RejectReason, Long> rejectedCounts = new EnumMap<>(RejectReason.class);
    for (RejectReason r : RejectReason.values()) {
      rejectedCounts.put(r, rejected[r.ordinal()].sum());
    }
    Map<CloseCause, Long> closedCounts = new EnumMap<>(CloseCause.class);
    for (CloseCause c : CloseCause.values()) {
      closedCounts.put(c, closed[c.ordinal()].sum());
    }
    Map<String, Integer> keys = new HashMap<>();
    perKey.forEach(
        (k, v) -> {
          int n = v.get();
          if (n > 0) {
            keys.put(k, n);
          }
        });
    return new ConnectionStatistics(
        name,
        maxConnections,
        active.get(),
        reserved.get(),
        accepted.sum(),
        rejectedCounts,
        closedCounts,
        expiredReservations.sum(),
        droppedMessages.sum(),
        keys);
  }

  // ---- Sweeping

  private void sweepSafely() {
    try {
      sweep();
    } catch (Throwable t) {
      LOG.warn("Sweep of connection registry '{}' failed", name, t);
    }
  }

  @Override
  public int sweep() {
    sweepLock.lock();
    try {
      long now = time.nanoTime();
      int done = 0;
      int examined = 0;
      for (Entry<C> e = pollDue(now); e != null; e = pollDue(now)) {
        examined++;
        done += process(e, now);
      }
      lastSweepExamined = examined;
      if (sendTimeoutNanos > 0 && !busy.isEmpty()) {
        for (Entry<C> e : busy) {
          if (e.sendStalled(now, sendTimeoutNanos)
              && closeWith(e, CloseCause.SEND_STALLED, SEND_STALLED, true)) {
            done++;
          }
        }
      }
      return done;
    } finally {
      sweepLock.unlock();
    }
  }

  /**
   * Returns how many scheduled entries the last sweep took off the schedule (due ones only), for
   * tests and diagnostics of the sweeper's cost.
   *
   * @return the number examined by the last sweep
   */
  public int lastSweepExamined() {
    return lastSweepExamined;
  }

  /**
   * Returns how many reservations and connections wait in the sweeper's schedule, for tests and
   * diagnostics: it falls back to zero when every connection has left.
   *
   * @return the scheduled entries
   */
  public int scheduledEntries() {
    scheduleLock.lock();
    try {
      return schedule.size();
    } finally {
      scheduleLock.unlock();
    }
  }

  /**
   * Returns how many connections have a send in flight or queued, for tests and diagnostics.
   *
   * @return the busy connections
   */
  public int busyConnections() {
    return busy.size();
  }

  @SuppressWarnings("unchecked")
  private Entry<C> pollDue(long now) {
    scheduleLock.lock();
    try {
      Entry<?> first = schedule.peek();
      if (first == null || first.checkAt - now > 0) {
        return null;
      }
      schedule.remove(first);
      return (Entry<C>) first;
    } finally {
      scheduleLock.unlock();
    }
  }

  private int process(Entry<C> e, long now) {
    int s = e.state;
    if (s == Entry.RESERVED) {
      return release(e, true) ? 1 : reschedule(e, now);
    }
    if (s != Entry.OPEN) {
      return 0;
    }
    if (maxAgeNanos > 0 && now - e.openedNanos >= maxAgeNanos) {
      return closeWith(e, CloseCause.MAX_AGE, AGED, false) ? 1 : 0;
    }
    if (idleNanos > 0 && now - e.lastActivity >= idleNanos) {
      return closeWith(e, CloseCause.IDLE_TIMEOUT, IDLE, false) ? 1 : 0;
    }
    if (heartbeatNanos > 0 && now - e.nextPingAt >= 0) {
      int pongs = e.pongs;
      if (e.pingSent && pongs == e.pongsAtLastPing) {
        e.missedPongs++;
        if (e.missedPongs >= maxMissedPongs) {
          return closeWith(e, CloseCause.HEARTBEAT_TIMEOUT, HEARTBEAT, true) ? 1 : 0;
        }
      } else {
        e.missedPongs = 0;
      }
      e.pongsAtLastPing = pongs;
      e.lastPingAt = now;
      e.pingSent = true;
      e.nextPingAt = now + heartbeatNanos;
      ping(e, now);
    }
    return reschedule(e, now);
  }

  private void ping(Entry<C> e, long now) {
    ByteBuffer payload = ByteBuffer.allocate(Long.BYTES);
    payload.putLong(0, now);
    try {
      transport.sendPing(e.connection, payload);
    } catch (Throwable t) {
      LOG.debug("Ping to a connection of registry '{}' failed", name, t);
    }
  }

  /** Puts an entry back under its next due time if it is still open (or still reserved). */
  private int reschedule(Entry<C> e, long now) {
    scheduleLock.lock();
    try {
      int s = e.state;
      if (s == Entry.OPEN && openEntriesScheduled) {
        e.checkAt = nextDue(e);
        schedule.add(e);
      } else if (s == Entry.RESERVED) {
        schedule.add(e);
      }
    } finally {
      scheduleLock.unlock();
    }
    return 0;
  }

  private long nextDue(Entry<C> e) {
    long due = 0;
    boolean any = false;
    if (maxAgeNanos > 0) {
      due = e.openedNanos + maxAgeNanos;
      any = true;
    }
    if (idleNanos > 0) {
      long idleDue = e.lastActivity + idleNanos;
      if (!any || idleDue - due < 0) {
        due = idleDue;
      }
      any = true;
    }
    if (heartbeatNanos > 0 && (!any || e.nextPingAt - due < 0)) {
      due = e.nextPingAt;
    }
    return due;
  }

  // ---- Shutdown

  private void signalIfShuttingDown() {
    if (shuttingDown) {
      drainLock.lock();
      try {
        drained.signalAll();
      } finally {
        drainLock.unlock();
      }
    }
  }

  @Override
  public boolean shutdown(Duration deadline) {
    Checks.notNegative("deadline", deadline);
    shuttingDown = true;
    CloseStatus status = config.shutdownStatus();
    for (Entry<C> e : connections.values()) {
      if (e.casState(Entry.OPEN, Entry.CLOSING)) {
        unschedule(e);
        e.clearOutbox();
        closeQuietly(e.connection, status);
      }
    }
    long start = time.nanoTime();
    long limit = deadline.toNanos();
    drainLock.lock();
    try {
      while (active.get() > 0) {
        long left = limit - (time.nanoTime() - start);
        if (left <= 0) {
          break;
        }
        drained.awaitNanos(Math.min(left, DRAIN_POLL_NANOS));
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    } finally {
      drainLock.unlock();
    }
    boolean clean = active.get() == 0;
    for (Entry<C> e : connections.values()) {
      if (finish(e, CloseCause.SHUTDOWN)) {
        abortQuietly(e.connection);
      }
    }
    if (!clean) {
      LOG.info(
          "Connection registry '{}' aborted the connections still open after draining for {}",
          name,
          dev.reliability.core.internal.DurationText.format(deadline));
    }
    return clean;
  }

  @Override
  public void close() {
    if (!closedOnce.compareAndSet(false, true)) {
      return;
    }
    try {
      shutdown(config.drainTimeout());
    } finally {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
  }

  @Override
  public String toString() {
    return "ConnectionRegistry[" + name + ": " + active.get() + "/" + maxConnections + "]";
  }
}
