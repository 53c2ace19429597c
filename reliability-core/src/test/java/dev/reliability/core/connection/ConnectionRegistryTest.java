package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.CapacityExceededException;
import dev.reliability.test.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final FakeTransport transport = new FakeTransport();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private ConnectionRegistry<FakeConnection> registry;

  private final ConnectionListener recorder =
      new ConnectionListener() {
        @Override
        public void onRegistered(RegisteredConnection<?> connection) {
          events.add("registered " + connection.connection());
        }

        @Override
        public void onUnregistered(RegisteredConnection<?> connection, CloseCause cause) {
          events.add("unregistered " + connection.connection() + " " + cause);
        }

        @Override
        public void onRejected(String key, RejectReason reason) {
          events.add("rejected " + key + " " + reason);
        }

        @Override
        public void onMessagesDropped(RegisteredConnection<?> connection, int dropped) {
          events.add("dropped " + connection.connection() + " " + dropped);
        }
      };

  static ConnectionRegistryConfig.Builder config() {
    return ConnectionRegistryConfig.builder().name("test").sweepInterval(Duration.ZERO);
  }

  private ConnectionRegistry<FakeConnection> build(ConnectionRegistryConfig.Builder config) {
    registry =
        ConnectionRegistry.builder(transport)
            .config(config.build())
            .timeSource(time)
            .listener(recorder)
            .build();
    return registry;
  }

  @AfterEach
  void closeRegistry() {
    if (registry != null) {
      registry.shutdown(Duration.ZERO);
      registry.close();
    }
  }

  // ---- capacity

  @Test
  void refusesTheConnectionAfterTheLastSlot() {
    build(config().maxConnections(2));
    registry.register(null, new FakeConnection("a"));
    registry.register(null, new FakeConnection("b"));

    assertThatThrownBy(() -> registry.register(null, new FakeConnection("c")))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessage("Connection registry 'test' refused a connection: all 2 slots are taken")
        .satisfies(
            e -> {
              CapacityExceededException ce = (CapacityExceededException) e;
              assertThat(ce.component()).isEqualTo("test");
              assertThat(ce.capacity()).isEqualTo(2);
              assertThat(ce.retryAfter()).contains(Duration.ofSeconds(5));
              assertThat(ce.httpStatus()).isEqualTo(503);
            });

    Reservation<FakeConnection> refused = registry.tryReserve("k");
    assertThat(refused.isGranted()).isFalse();
    assertThat(refused.rejectReason()).isEqualTo(RejectReason.REGISTRY_FULL);
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(refused.release()).isFalse();
    assertThatThrownBy(() -> refused.commit(new FakeConnection("d")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("reservation was refused (REGISTRY_FULL), cannot commit");

    ConnectionStatistics stats = registry.statistics();
    assertThat(stats.active()).isEqualTo(2);
    assertThat(stats.accepted()).isEqualTo(2);
    assertThat(stats.rejected()).containsEntry(RejectReason.REGISTRY_FULL, 2L);
    assertThat(stats.rejectedTotal()).isEqualTo(2);
    assertThat(stats.utilization()).isEqualTo(1.0);
    assertThat(events).contains("rejected null REGISTRY_FULL", "rejected k REGISTRY_FULL");
  }

  @Test
  void perKeyCapacityIsCountedSeparatelyAndForgottenAtZero() {
    build(config().maxConnections(10).maxConnectionsPerKey(2));
    FakeConnection a1 = new FakeConnection("a1");
    registry.register("alice", a1);
    registry.register("alice", new FakeConnection("a2"));
    registry.register("bob", new FakeConnection("b1"));

    assertThatThrownBy(() -> registry.register("alice", new FakeConnection("a3")))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessage(
            "Connection registry 'test' refused a connection: the key holds its limit of 2"
                + " connections");
    assertThat(registry.count("alice")).isEqualTo(2);
    assertThat(registry.statistics().perKey()).containsOnly(entry("alice", 2), entry("bob", 1));
    assertThat(registry.statistics().rejected()).containsEntry(RejectReason.KEY_FULL, 1L);

    assertThat(registry.unregister(a1)).isTrue();
    assertThat(registry.count("alice")).isEqualTo(1);
    registry.register("alice", new FakeConnection("a3"));
    assertThat(registry.count("alice")).isEqualTo(2);

    for (RegisteredConnection<FakeConnection> c : registry.connections()) {
      c.unregister();
    }
    assertThat(registry.statistics().perKey()).isEmpty();
    assertThat(registry.count("alice")).isZero();
    assertThat(registry.activeCount()).isZero();
  }

  private static java.util.Map.Entry<String, Integer> entry(String key, int value) {
    return java.util.Map.entry(key, value);
  }

  // ---- reserve then commit

  @Test
  void aReservationHoldsASlotUntilCommittedOrReleased() {
    build(config().maxConnections(1));
    Reservation<FakeConnection> reservation = registry.reserve("k");
    assertThat(reservation.isGranted()).isTrue();
    assertThat(reservation.key()).isEqualTo("k");
    assertThat(registry.reservedCount()).isEqualTo(1);
    assertThat(registry.tryReserve("k").rejectReason()).isEqualTo(RejectReason.REGISTRY_FULL);

    assertThat(reservation.release()).isTrue();
    assertThat(reservation.release()).isFalse();
    assertThat(registry.reservedCount()).isZero();
    assertThatThrownBy(() -> reservation.commit(new FakeConnection("late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "reservation cannot be committed: it was already committed, released or expired");

    Reservation<FakeConnection> second = registry.reserve("k");
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = second.commit(c);
    assertThat(registered.connection()).isSameAs(c);
    assertThat(registered.isOpen()).isTrue();
    assertThat(second.release()).isFalse();
    assertThat(registry.reservedCount()).isZero();
    assertThat(registry.activeCount()).isEqualTo(1);
    assertThat(registry.find(c)).containsSame(registered);
  }

  @Test
  void theSweeperReleasesReservationsThatWereNeverCommitted() {
    build(config().maxConnections(1).reservationTimeout(Duration.ofSeconds(30)));
    Reservation<FakeConnection> lost = registry.reserve(null);

    time.advance(Duration.ofSeconds(29));
    assertThat(registry.sweep()).isZero();
    assertThat(registry.reservedCount()).isEqualTo(1);

    time.advance(Duration.ofSeconds(1));
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(registry.reservedCount()).isZero();
    assertThat(registry.statistics().expiredReservations()).isEqualTo(1);
    assertThatThrownBy(() -> lost.commit(new FakeConnection("late")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(registry.tryReserve(null).isGranted()).isTrue();
  }

  @Test
  void registeringTheSameConnectionTwiceFailsAndKeepsOneSlot() {
    build(config().maxConnections(5));
    FakeConnection c = new FakeConnection("c");
    registry.register("k", c);

    assertThatThrownBy(() -> registry.register("k", c))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("connection is already registered: RegisteredConnection[id=1");
    assertThat(registry.activeCount()).isEqualTo(1);
    assertThat(registry.count("k")).isEqualTo(1);
    assertThat(registry.statistics().utilization()).isEqualTo(0.2);
  }

  // ---- removal

  @Test
  void unregisteringIsIdempotentAndNotifiesOnce() {
    build(config());
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = registry.register(null, c);

    assertThat(registered.unregister()).isTrue();
    assertThat(registered.unregister()).isFalse();
    assertThat(registry.unregister(c)).isFalse();
    assertThat(registered.close(CloseStatus.of(1000, "bye"))).isFalse();
    assertThat(registered.isOpen()).isFalse();
    assertThat(registry.find(c)).isEmpty();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.DISCONNECTED, 1L);
    assertThat(events).containsExactly("registered c", "unregistered c DISCONNECTED");
    assertThat(transport.closes).isEmpty();
  }

  @Test
  void closingFromTheServerSendsTheStatusOnce() {
    build(config());
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = registry.register(null, c);

    assertThat(registered.close(CloseStatus.of(4000, "kicked"))).isTrue();
    assertThat(registered.close(CloseStatus.of(4000, "kicked"))).isFalse();
    assertThat(transport.closeOf(c)).isEqualTo(CloseStatus.of(4000, "kicked"));
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.CLOSED_BY_SERVER, 1L);
  }

  // ---- expiry

  @Test
  void idleConnectionsExpireAndActivityPostponesIt() {
    build(
        config()
            .idleTimeout(Duration.ofMinutes(5))
            .maxAge(Duration.ZERO)
            .heartbeat(Duration.ZERO, 1));
    FakeConnection busy = new FakeConnection("busy");
    FakeConnection idle = new FakeConnection("idle");
    RegisteredConnection<FakeConnection> busyConnection = registry.register(null, busy);
    registry.register(null, idle);

    time.advance(Duration.ofMinutes(4));
    busyConnection.recordActivity();
    time.advance(Duration.ofMinutes(1));
    assertThat(registry.sweep()).isEqualTo(1);

    assertThat(transport.closeOf(idle)).isEqualTo(CloseStatus.of(1001, "Idle timeout"));
    assertThat(registry.find(idle)).isEmpty();
    assertThat(busyConnection.isOpen()).isTrue();

    time.advance(Duration.ofMinutes(4));
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(transport.closeOf(busy)).isEqualTo(CloseStatus.of(1001, "Idle timeout"));
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.IDLE_TIMEOUT, 2L);
    assertThat(events).contains("unregistered idle IDLE_TIMEOUT", "unregistered busy IDLE_TIMEOUT");
  }

  @Test
  void completedSendsCountAsActivity() {
    build(
        config()
            .idleTimeout(Duration.ofMinutes(5))
            .maxAge(Duration.ZERO)
            .heartbeat(Duration.ZERO, 1));
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = registry.register(null, c);

    time.advance(Duration.ofMinutes(4));
    registered.send("update");
    time.advance(Duration.ofMinutes(4));
    registry.sweep();

    assertThat(registered.isOpen()).isTrue();
  }

  @Test
  void connectionsAreClosedAtTheMaximumAgeEvenWhenActive() {
    build(
        config()
            .idleTimeout(Duration.ofMinutes(5))
            .maxAge(Duration.ofHours(1))
            .heartbeat(Duration.ZERO, 1));
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = registry.register(null, c);

    for (int minute = 1; minute < 60; minute++) {
      time.advance(Duration.ofMinutes(1));
      registered.recordActivity();
      registry.sweep();
    }
    assertThat(registered.isOpen()).isTrue();
    assertThat(registered.age()).isEqualTo(Duration.ofMinutes(59));

    time.advance(Duration.ofMinutes(1));
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(transport.closeOf(c))
        .isEqualTo(CloseStatus.of(1001, "Maximum connection age reached"));
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.MAX_AGE, 1L);
  }

  @Test
  void aSweepOnlyLooksAtConnectionsThatAreDue() {
    build(
        config()
            .maxConnections(2000)
            .idleTimeout(Duration.ofMinutes(5))
            .maxAge(Duration.ZERO)
            .heartbeat(Duration.ZERO, 1));
    List<RegisteredConnection<FakeConnection>> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(registry.register(null, new FakeConnection("c" + i)));
    }
    SweepProbe probe = new SweepProbe(registry);

    time.advance(Duration.ofMinutes(4));
    for (int i = 10; i < 1000; i++) {
      all.get(i).recordActivity();
    }
    assertThat(probe.sweep()).isZero();
    assertThat(probe.lastExamined()).isZero();

    time.advance(Duration.ofMinutes(1));
    assertThat(probe.sweep()).isEqualTo(10);
    assertThat(probe.lastExamined()).isEqualTo(1000);

    for (int minute = 6; minute < 9; minute++) {
      time.advance(Duration.ofMinutes(1));
      assertThat(probe.sweep()).isZero();
      assertThat(probe.lastExamined()).isZero();
    }
    time.advance(Duration.ofMinutes(1));
    assertThat(probe.sweep()).isEqualTo(990);
    assertThat(registry.activeCount()).isZero();
  }

  // ---- heartbeat

  @Test
  void pingsAtTheIntervalAndMeasuresRoundTripFromTheEchoedPong() {
    List<Long> roundTrips = new CopyOnWriteArrayList<>();
    registry =
        ConnectionRegistry.builder(transport)
            .config(config().heartbeat(Duration.ofSeconds(30), 2).build())
            .timeSource(time)
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onRoundTrip(RegisteredConnection<?> connection, long nanos) {
                    roundTrips.add(nanos);
                  }
                })
            .build();
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = registry.register(null, c);
    assertThat(registered.roundTripTime()).isNull();

    time.advance(Duration.ofSeconds(29));
    registry.sweep();
    assertThat(transport.pings).isEmpty();

    time.advance(Duration.ofSeconds(1));
    registry.sweep();
    assertThat(transport.pings).containsExactly("c");
    assertThat(c.lastPing.remaining()).isEqualTo(8);

    time.advance(Duration.ofMillis(42));
    registered.pongReceived(c.echo());
    assertThat(registered.roundTripTime()).isEqualTo(Duration.ofMillis(42));
    assertThat(roundTrips).containsExactly(42_000_000L);

    registered.pongReceived(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(registered.roundTripTime()).isEqualTo(Duration.ofMillis(42));
  }

  @Test
  void closesAndAbortsAConnectionThatMissesTheConfiguredNumberOfPongs() {
    build(config().heartbeat(Duration.ofSeconds(30), 2).idleTimeout(Duration.ZERO));
    FakeConnection alive = new FakeConnection("alive");
    FakeConnection vanished = new FakeConnection("vanished");
    RegisteredConnection<FakeConnection> aliveConnection = registry.register(null, alive);
    registry.register(null, vanished);

    for (int round = 1; round <= 2; round++) {
      time.advance(Duration.ofSeconds(30));
      registry.sweep();
      aliveConnection.pongReceived(alive.echo());
    }
    assertThat(registry.activeCount()).isEqualTo(2);

    time.advance(Duration.ofSeconds(30));
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(transport.closeOf(vanished)).isEqualTo(CloseStatus.of(1001, "Heartbeat timeout"));
    assertThat(transport.aborts).containsExactly(vanished);
    assertThat(aliveConnection.isOpen()).isTrue();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.HEARTBEAT_TIMEOUT, 1L);
  }

  @Test
  void aLatePongStillCountsAsAlive() {
    build(config().heartbeat(Duration.ofSeconds(10), 1).idleTimeout(Duration.ZERO));
    FakeConnection c = new FakeConnection("c");
    RegisteredConnection<FakeConnection> registered = registry.register(null, c);

    time.advance(Duration.ofSeconds(10));
    registry.sweep();
    time.advance(Duration.ofSeconds(9));
    registered.pongReceived(c.echo());
    time.advance(Duration.ofSeconds(1));
    registry.sweep();

    assertThat(registered.isOpen()).isTrue();
    assertThat(registered.roundTripTime()).isEqualTo(Duration.ofSeconds(9));
  }

  // ---- shutdown

  @Test
  void shutdownClosesEveryConnectionAndWaitsForThemToLeave() throws Exception {
    build(config().shutdownCloseCode(1012));
    FakeConnection a = new FakeConnection("a");
    FakeConnection b = new FakeConnection("b");
    registry.register(null, a);
    registry.register(null, b);
    Reservation<FakeConnection> pending = registry.reserve(null);

    Thread peers =
        new Thread(
            () -> {
              org.awaitility.Awaitility.await().until(() -> transport.closes.size() == 2);
              registry.unregister(a);
              registry.unregister(b);
            });
    peers.start();
    assertThat(registry.shutdown(Duration.ofSeconds(10))).isTrue();
    peers.join();

    assertThat(transport.closeOf(a)).isEqualTo(CloseStatus.of(1012, "Service restart"));
    assertThat(transport.aborts).isEmpty();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SHUTDOWN, 2L);
    assertThat(registry.tryReserve(null).rejectReason()).isEqualTo(RejectReason.SHUTTING_DOWN);

    FakeConnection late = new FakeConnection("late");
    RegisteredConnection<FakeConnection> refused = pending.commit(late);
    assertThat(refused.isOpen()).isFalse();
    assertThat(transport.closeOf(late)).isEqualTo(CloseStatus.of(1012, "Service restart"));
    assertThat(registry.activeCount()).isZero();
    assertThat(registry.reservedCount()).isZero();
    assertThat(registry.statistics().closed()).containsEntry(CloseCause.SHUTDOWN, 3L);
  }

  @Test
  void shutdownAbortsWhatIsLeftAtTheDeadline() throws Exception {
    build(config());
    FakeConnection stuck = new FakeConnection("stuck");
    registry.register(null, stuck);

    java.util.concurrent.atomic.AtomicBoolean result =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread shutdown = new Thread(() -> result.set(registry.shutdown(Duration.ofSeconds(10))));
    shutdown.start();
    org.awaitility.Awaitility.await().until(() -> transport.closeOf(stuck) != null);
    time.advance(Duration.ofSeconds(10));
    shutdown.join(10_000);

    assertThat(shutdown.isAlive()).isFalse();
    assertThat(result.get()).isFalse();
    assertThat(transport.closeOf(stuck)).isEqualTo(CloseStatus.of(1001, "Server shutting down"));
    assertThat(transport.aborts).containsExactly(stuck);
    assertThat(registry.activeCount()).isZero();
    assertThat(events).contains("unregistered stuck SHUTDOWN");
  }

  @Test
  void closeStopsTheSweeperThreadAndIsIdempotent() {
    ConnectionRegistry<FakeConnection> threaded =
        ConnectionRegistry.builder(transport)
            .config(config().name("threaded").sweepInterval(Duration.ofMillis(10)).build())
            .build();
    org.awaitility.Awaitility.await()
        .until(() -> threadNamed("reliability-connections-threaded") != null);
    assertThat(threadNamed("reliability-connections-threaded").isDaemon()).isTrue();

    threaded.close();
    threaded.close();

    org.awaitility.Awaitility.await()
        .until(() -> threadNamed("reliability-connections-threaded") == null);
  }

  private static Thread threadNamed(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name) && t.isAlive()) {
        return t;
      }
    }
    return null;
  }

  // ---- listeners

  @Test
  void aThrowingListenerDoesNotStopTheOthersOrTheRegistry() {
    List<String> seen = new CopyOnWriteArrayList<>();
    registry =
        ConnectionRegistry.builder(transport)
            .config(config().build())
            .timeSource(time)
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onRegistered(RegisteredConnection<?> connection) {
                    throw new IllegalStateException("listener bug");
                  }
                })
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onRegistered(RegisteredConnection<?> connection) {
                    seen.add("second saw " + connection.connection());
                  }
                })
            .listener(ConnectionListener.NONE)
            .build();

    RegisteredConnection<FakeConnection> c = registry.register(null, new FakeConnection("c"));

    assertThat(c.isOpen()).isTrue();
    assertThat(seen).containsExactly("second saw c");
  }
}
