package dev.reliability.core.connection;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.connection.internal.DefaultConnectionRegistry;
import dev.reliability.core.error.CapacityExceededException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.time.TimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A bounded, thread-safe registry of live connections (WebSocket sessions or anything else): the
 * fix for connection lists that grow without bound.
 *
 * <p><b>Capacity.</b> A global capacity and an optional capacity per key (user, tenant or client
 * address) are enforced exactly under concurrent registration: never one over, never a slot lost.
 * Admission is reserve-then-commit: {@link #tryReserve(String)} at the handshake (answer HTTP 503
 * with {@code Retry-After} if refused, before upgrading), {@link Reservation#commit} in the open
 * callback, {@link Reservation#release()} if the upgrade failed. {@link #register(String, Object)}
 * does both at once and throws {@link CapacityExceededException} when full.
 *
 * <p><b>Expiry and heartbeat.</b> Connections are closed after the idle timeout (reset by {@link
 * RegisteredConnection#recordActivity()}), after the maximum age, and after too many heartbeat
 * pings without a pong. The sweeper keeps connections ordered by their next due time, so one sweep
 * costs in proportion to the connections that are due (expiring, pinging or rechecked after
 * activity), not to all of them. It runs on the registry's own daemon thread every {@code
 * sweep-interval}, or when the application calls {@link #sweep()}.
 *
 * <p><b>Close codes</b> (RFC 6455): over capacity after the upgrade 1013 by default (or 1008,
 * {@link ConnectionRegistryConfig}); idle, age and missed heartbeats 1001; slow consumers and
 * stalled sends 1008; shutdown 1001 or 1012. 1005, 1006 and 1015 are never sent ({@link
 * CloseStatus}).
 *
 * <p><b>Slow consumers.</b> Each connection has a bounded outbound queue; see {@link
 * RegisteredConnection}. {@link #broadcast(String)} queues a message for every connection and never
 * blocks on one slow client.
 *
 * <p><b>Shutdown.</b> {@link #shutdown(Duration)} refuses new connections, sends the shutdown
 * status to every connection, waits for them to close up to a deadline, then aborts the rest.
 * {@link #close()} does that with the configured drain timeout and stops the registry's thread.
 *
 * <pre>{@code
 * ConnectionRegistry<Session> registry =
 *     ConnectionRegistry.builder(JettyConnections.transport())
 *         .config(ConnectionRegistryConfig.builder().name("chat").maxConnections(10_000)
 *             .maxConnectionsPerKey(5).build())
 *         .build();
 * }</pre>
 *
 * <p>Writing by hand what no library offers: WebSocket stacks (Jetty, Tyrus, Undertow) keep their
 * own open-session sets without capacity, expiry or per-key limits; this registry sits beside them.
 * Thread-safe; listeners see events on the thread that caused them. Time comes from the {@link
 * TimeSource} given to the builder.
 *
 * @param <C> the connection type
 */
public interface ConnectionRegistry<C> extends AutoCloseable {

  /**
   * Starts a registry for connections the transport knows how to send to and close.
   *
   * @param transport the transport
   * @param <C> the connection type
   * @return a builder
   */
  static <C> Builder<C> builder(ConnectionTransport<C> transport) {
    return new Builder<>(transport);
  }

  /**
   * Returns the registry's name.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the registry's configuration.
   *
   * @return the configuration
   */
  ConnectionRegistryConfig config();

  /**
   * Reserves a slot without throwing; a refusal allocates nothing.
   *
   * @param key the key to count the slot under (user, tenant, address), or null for none
   * @return a granted reservation, or a refused one that says why
   */
  Reservation<C> tryReserve(String key);

  /**
   * Reserves a slot.
   *
   * @param key the key to count the slot under, or null for none
   * @return a granted reservation
   * @throws CapacityExceededException if refused; its details name the registry, the capacity and
   *     the retry hint, and its message the reason
   */
  Reservation<C> reserve(String key);

  /**
   * Reserves and commits in one call.
   *
   * @param key the key to count the connection under, or null for none
   * @param connection the opened connection
   * @return the registered connection
   * @throws CapacityExceededException if refused; the connection is not closed (the adapters'
   *     {@code register} methods close it with the over-capacity status)
   * @throws IllegalStateException if the connection is already registered
   */
  RegisteredConnection<C> register(String key, C connection);

  /**
   * Finds a registered connection.
   *
   * @param connection the connection
   * @return the registered connection, or empty
   */
  Optional<RegisteredConnection<C>> find(C connection);

  /**
   * Removes a connection without sending anything ({@link CloseCause#DISCONNECTED}). Idempotent;
   * safe from any callback.
   *
   * @param connection the connection
   * @return true if this call removed it
   */
  boolean unregister(C connection);

  /**
   * Queues a text message for every open connection without blocking.
   *
   * @param text the message
   * @return the number of connections the message was queued for
   */
  int broadcast(String text);

  /**
   * Queues a text message for the open connections that match, without blocking.
   *
   * @param filter which connections receive it
   * @param text the message
   * @return the number of connections the message was queued for
   */
  int broadcast(Predicate<? super RegisteredConnection<C>> filter, String text);

  /**
   * Queues a binary message for every open connection without blocking; each gets its own view of
   * {@code data}, which must not change afterwards.
   *
   * @param data the message
   * @return the number of connections the message was queued for
   */
  int broadcast(ByteBuffer data);

  /**
   * Returns the open connections at this moment.
   *
   * @return an immutable copy
   */
  List<RegisteredConnection<C>> connections();

  /**
   * Returns the number of registered connections. Lock-free and allocation-free, for gauges.
   *
   * @return the active count
   */
  int activeCount();

  /**
   * Returns the number of granted reservations not yet committed or released. Lock-free.
   *
   * @return the reserved count
   */
  int reservedCount();

  /**
   * Returns the slots a key holds (reservations and connections). Lock-free.
   *
   * @param key the key
   * @return the count, 0 if none
   */
  int count(String key);

  /**
   * Returns counts and totals, read without locks.
   *
   * @return the statistics
   */
  ConnectionStatistics statistics();

  /**
   * Runs one sweep now: expires reservations and connections that are due, sends due heartbeat
   * pings, closes connections that missed too many pongs or whose send stalled. The registry's own
   * thread calls it every {@code sweep-interval}; call it yourself when that is zero.
   *
   * @return the number of connections closed and reservations released by this sweep
   */
  int sweep();

  /**
   * Shuts down gracefully: refuses new reservations, sends the shutdown status to every connection,
   * waits until every connection has unregistered or {@code deadline} has passed on the registry's
   * time source, then aborts and removes the rest ({@link CloseCause#SHUTDOWN}). Idempotent: later
   * calls wait for the connections still closing.
   *
   * @param deadline how long to wait
   * @return true if every connection closed before the deadline
   */
  boolean shutdown(Duration deadline);

  /** Shuts down with the configured drain timeout and stops the registry's thread. Idempotent. */
  @Override
  void close();

  /**
   * Builds a {@link ConnectionRegistry}. Not thread-safe.
   *
   * @param <C> the connection type
   */
  final class Builder<C> {
    private final ConnectionTransport<C> transport;
    private ConnectionRegistryConfig config;
    private ConfigSource configSource;
    private TimeSource timeSource = TimeSource.system();
    private final List<ConnectionListener> listeners = new ArrayList<>();

    private Builder(ConnectionTransport<C> transport) {
      this.transport = Checks.notNull("transport", transport);
    }

    /**
     * Sets the configuration. Default: {@link ConnectionRegistryConfig#ofDefaults()} with overrides
     * from {@link ConfigSource#standard()} (system properties and environment variables). A
     * {@linkplain #configSource(ConfigSource) configuration source}, if set, overrides it at {@link
     * #build()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder<C> config(ConnectionRegistryConfig config) {
      this.config = Checks.notNull("config", config);
      return this;
    }

    /**
     * Sets where settings are read from at {@link #build()}, on top of the {@linkplain
     * #config(ConnectionRegistryConfig) configuration} (see {@link
     * ConnectionRegistryConfig#withOverrides(ConfigSource)}), such as {@link
     * ConfigSource#standard()} (system properties, then environment variables). Default none: the
     * values of the configuration only.
     *
     * @param source the source
     * @return this builder
     */
    public Builder<C> configSource(ConfigSource source) {
      this.configSource = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets the time source for every timeout and measurement. Default {@link TimeSource#system()};
     * tests pass a {@code ManualTimeSource}.
     *
     * @param timeSource the time source
     * @return this builder
     */
    public Builder<C> timeSource(TimeSource timeSource) {
      this.timeSource = Checks.notNull("timeSource", timeSource);
      return this;
    }

    /**
     * Adds a listener; listeners are called in the order added.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<C> listener(ConnectionListener listener) {
      listeners.add(Checks.notNull("listener", listener));
      return this;
    }

    /**
     * Builds the registry and, if the sweep interval is not zero, starts its daemon thread {@code
     * reliability-connections-<name>}.
     *
     * @return the registry; close it to stop the thread
     * @throws dev.reliability.core.config.ConfigurationException if the configuration source holds
     *     invalid values
     */
    public ConnectionRegistry<C> build() {
      ConnectionRegistryConfig c =
          config != null
              ? config
              : ConnectionRegistryConfig.ofDefaults().withOverrides(ConfigSource.standard());
      if (configSource != null) {
        c = c.withOverrides(configSource);
      }
      return new DefaultConnectionRegistry<>(c, transport, timeSource, List.copyOf(listeners));
    }
  }
}
