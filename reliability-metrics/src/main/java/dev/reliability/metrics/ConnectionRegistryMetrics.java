package dev.reliability.metrics;

import dev.reliability.core.connection.CloseCause;
import dev.reliability.core.connection.ConnectionListener;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.RejectReason;
import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Meters of a {@link ConnectionRegistry}, read from the state the registry already keeps (no
 * per-event work): Micrometer gauges and function counters, all tagged {@code registry=<name>}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>extra tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.connections.active}</td><td>gauge</td><td></td><td>registered
 *       connections</td></tr>
 *   <tr><td>{@code reliability.connections.reserved}</td><td>gauge</td><td></td><td>reservations
 *       not yet committed</td></tr>
 *   <tr><td>{@code reliability.connections.max}</td><td>gauge</td><td></td><td>the global
 *       capacity</td></tr>
 *   <tr><td>{@code reliability.connections.accepted}</td><td>counter</td><td></td><td>reservations
 *       granted</td></tr>
 *   <tr><td>{@code reliability.connections.rejected}</td><td>counter</td><td>{@code reason}
 *       ({@code registry_full}, {@code key_full}, {@code shutting_down})</td><td>reservations
 *       refused</td></tr>
 *   <tr><td>{@code reliability.connections.closed}</td><td>counter</td><td>{@code cause} ({@code
 *       disconnected}, {@code idle_timeout}, {@code max_age}, {@code heartbeat_timeout}, {@code
 *       slow_consumer}, ...)</td><td>connections that left</td></tr>
 *   <tr><td>{@code reliability.connections.dropped.messages}</td><td>counter</td><td></td>
 *       <td>messages dropped by the overflow policy</td></tr>
 * </table>
 *
 * <p>Prometheus reads them as {@code reliability_connections_active}, {@code
 * reliability_connections_rejected_total} and so on; the shipped alert {@code
 * ReliabilityConnectionsNearCapacity} compares {@code active} with {@code max}. Heartbeat
 * round-trip times need a listener given to the registry's builder: {@link #roundTripTimer}.
 *
 * <pre>{@code
 * ConnectionRegistryMetrics.of(registry).bindTo(meters);
 * }</pre>
 *
 * <p>Immutable and thread-safe; binding twice to one meter registry is harmless (Micrometer returns
 * the existing meters).
 */
public final class ConnectionRegistryMetrics implements MeterBinder {

  /** Registered connections. */
  public static final String ACTIVE = MetricNames.PREFIX + ".connections.active";

  /** Reservations not yet committed. */
  public static final String RESERVED = MetricNames.PREFIX + ".connections.reserved";

  /** The global capacity. */
  public static final String MAX = MetricNames.PREFIX + ".connections.max";

  /** Reservations granted. */
  public static final String ACCEPTED = MetricNames.PREFIX + ".connections.accepted";

  /** Reservations refused, by {@code reason}. */
  public static final String REJECTED = MetricNames.PREFIX + ".connections.rejected";

  /** Connections that left, by {@code cause}. */
  public static final String CLOSED = MetricNames.PREFIX + ".connections.closed";

  /** Messages dropped by the overflow policy. */
  public static final String DROPPED = MetricNames.PREFIX + ".connections.dropped.messages";

  /** Heartbeat round-trip time, recorded by {@link #roundTripTimer}. */
  public static final String ROUND_TRIP = MetricNames.PREFIX + ".connections.round.trip";

  private final ConnectionRegistry<?> registry;

  private ConnectionRegistryMetrics(ConnectionRegistry<?> registry) {
    this.registry = registry;
  }

  /**
   * Returns the binder for a registry.
   *
   * @param registry the connection registry
   * @return the binder
   */
  public static ConnectionRegistryMetrics of(ConnectionRegistry<?> registry) {
    return new ConnectionRegistryMetrics(Checks.notNull("registry", registry));
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Checks.notNull("meters", meters);
    String name = registry.name();
    Gauge.builder(ACTIVE, registry, ConnectionRegistry::activeCount)
        .tag("registry", name)
        .description("Connections held by the registry")
        .register(meters);
    Gauge.builder(RESERVED, registry, ConnectionRegistry::reservedCount)
        .tag("registry", name)
        .description("Reservations not yet committed")
        .register(meters);
    Gauge.builder(MAX, registry, r -> r.config().maxConnections())
        .tag("registry", name)
        .description("Capacity of the registry")
        .register(meters);
    FunctionCounter.builder(ACCEPTED, registry, r -> r.statistics().accepted())
        .tag("registry", name)
        .description("Reservations granted")
        .register(meters);
    for (RejectReason reason : RejectReason.values()) {
      FunctionCounter.builder(REJECTED, registry, r -> r.statistics().rejected().get(reason))
          .tag("registry", name)
          .tag("reason", tagValue(reason))
          .description("Reservations refused")
          .register(meters);
    }
    for (CloseCause cause : CloseCause.values()) {
      FunctionCounter.builder(CLOSED, registry, r -> r.statistics().closed().get(cause))
          .tag("registry", name)
          .tag("cause", tagValue(cause))
          .description("Connections that left the registry")
          .register(meters);
    }
    FunctionCounter.builder(DROPPED, registry, r -> r.statistics().droppedMessages())
        .tag("registry", name)
        .description("Messages dropped by the overflow policy")
        .register(meters);
  }

  /**
   * Returns a listener that records every heartbeat round-trip time in the timer {@code
   * reliability.connections.round.trip{registry}}; give it to the registry's builder.
   *
   * <pre>{@code
   * ConnectionRegistry.builder(transport)
   *     .listener(ConnectionRegistryMetrics.roundTripTimer(meters, "chat"))
   * }</pre>
   *
   * @param meters the meter registry
   * @param registryName the connection registry's name, for the tag
   * @return the listener
   */
  public static ConnectionListener roundTripTimer(MeterRegistry meters, String registryName) {
    Checks.notNull("meters", meters);
    Checks.notBlank("registryName", registryName);
    Timer timer =
        Timer.builder(ROUND_TRIP)
            .tag("registry", registryName)
            .description("Heartbeat ping to pong round-trip time")
            .register(meters);
    return new ConnectionListener() {
      @Override
      public void onRoundTrip(RegisteredConnection<?> connection, long roundTripNanos) {
        timer.record(roundTripNanos, TimeUnit.NANOSECONDS);
      }
    };
  }

  private static String tagValue(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
