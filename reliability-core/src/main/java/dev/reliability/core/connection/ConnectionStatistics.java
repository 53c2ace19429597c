package dev.reliability.core.connection;

import dev.reliability.core.internal.Checks;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A point-in-time view of a {@link ConnectionRegistry}: current counts and cumulative totals since
 * the registry was built.
 *
 * <p>Taken without locks ({@link ConnectionRegistry#statistics()}), so the fields are each exact
 * but not all read at the same instant under concurrent change. For gauges that poll often, read
 * the single counters on the registry instead ({@link ConnectionRegistry#activeCount()} and
 * friends), which do not allocate.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectionStatistics {

  private final String name;
  private final int maxConnections;
  private final int active;
  private final int reserved;
  private final long accepted;
  private final Map<RejectReason, Long> rejected;
  private final Map<CloseCause, Long> closed;
  private final long expiredReservations;
  private final long droppedMessages;
  private final Map<String, Integer> perKey;

  /**
   * Creates statistics; used by the registry.
   *
   * @param name the registry name
   * @param maxConnections the global capacity
   * @param active connections registered now
   * @param reserved reservations not yet committed
   * @param accepted reservations granted since start
   * @param rejected reservations refused since start, by reason; copied, missing reasons count 0
   * @param closed connections that left since start, by cause; copied, missing causes count 0
   * @param expiredReservations reservations released by the sweeper since start
   * @param droppedMessages messages dropped by overflow policies since start
   * @param perKey slots held (reserved or registered) per key now; copied
   */
  public ConnectionStatistics(
      String name,
      int maxConnections,
      int active,
      int reserved,
      long accepted,
      Map<RejectReason, Long> rejected,
      Map<CloseCause, Long> closed,
      long expiredReservations,
      long droppedMessages,
      Map<String, Integer> perKey) {
    this.name = Checks.notBlank("name", name);
    this.maxConnections = maxConnections;
    this.active = active;
    this.reserved = reserved;
    this.accepted = accepted;
    this.rejected = complete(RejectReason.class, Checks.notNull("rejected", rejected));
    this.closed = complete(CloseCause.class, Checks.notNull("closed", closed));
    this.expiredReservations = expiredReservations;
    this.droppedMessages = droppedMessages;
    this.perKey = Map.copyOf(Checks.notNull("perKey", perKey));
  }

  private static <E extends Enum<E>> Map<E, Long> complete(Class<E> type, Map<E, Long> counts) {
    EnumMap<E, Long> all = new EnumMap<>(type);
    for (E e : type.getEnumConstants()) {
      all.put(e, counts.getOrDefault(e, 0L));
    }
    return Collections.unmodifiableMap(all);
  }

  /**
   * Returns the registry's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the global capacity.
   *
   * @return the maximum number of connections
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Returns the number of registered connections.
   *
   * @return the active count
   */
  public int active() {
    return active;
  }

  /**
   * Returns the number of granted reservations not yet committed or released.
   *
   * @return the reserved count
   */
  public int reserved() {
    return reserved;
  }

  /**
   * Returns the fraction of capacity in use, counting reservations: {@code (active + reserved) /
   * maxConnections}.
   *
   * @return a value between 0.0 and 1.0
   */
  public double utilization() {
    return Math.min(1.0, (active + reserved) / (double) maxConnections);
  }

  /**
   * Returns the number of reservations granted since the registry was built.
   *
   * @return the accepted total
   */
  public long accepted() {
    return accepted;
  }

  /**
   * Returns the number of refused reservations since the registry was built, by reason; every
   * reason is present.
   *
   * @return an immutable map in declaration order
   */
  public Map<RejectReason, Long> rejected() {
    return rejected;
  }

  /**
   * Returns the total of refused reservations.
   *
   * @return the sum of {@link #rejected()}
   */
  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Returns the number of connections that left since the registry was built, by cause (idle, age,
   * heartbeat and the others); every cause is present.
   *
   * @return an immutable map in declaration order
   */
  public Map<CloseCause, Long> closed() {
    return closed;
  }

  /**
   * Returns the number of reservations the sweeper released because they were neither committed nor
   * released in time.
   *
   * @return the expired reservations
   */
  public long expiredReservations() {
    return expiredReservations;
  }

  /**
   * Returns the number of messages dropped by {@link OverflowPolicy#DROP_NEWEST} and {@link
   * OverflowPolicy#DROP_OLDEST} since the registry was built.
   *
   * @return the dropped messages
   */
  public long droppedMessages() {
    return droppedMessages;
  }

  /**
   * Returns the slots held per key now (reservations and connections); keys holding none are
   * absent.
   *
   * @return an immutable map
   */
  public Map<String, Integer> perKey() {
    return perKey;
  }

  @Override
  public String toString() {
    return "ConnectionStatistics{name="
        + name
        + ", active="
        + active
        + ", reserved="
        + reserved
        + ", max="
        + maxConnections
        + ", accepted="
        + accepted
        + ", rejected="
        + rejected
        + ", closed="
        + closed
        + ", expiredReservations="
        + expiredReservations
        + ", droppedMessages="
        + droppedMessages
        + "}";
  }
}
