package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.connection.CloseStatus;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.connection.OverflowPolicy;
import dev.reliability.core.connection.RegisteredConnection;
import dev.reliability.core.connection.SendCallback;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionRegistryMetricsTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ConnectionRegistry<Object> registry =
      ConnectionRegistry.builder(new Stalling())
          .config(
              ConnectionRegistryConfig.builder()
                  .name("chat")
                  .maxConnections(10)
                  .maxConnectionsPerKey(1)
                  .idleTimeout(Duration.ofMinutes(5))
                  .outboundQueue(1, 1_000, OverflowPolicy.DROP_NEWEST)
                  .sweepInterval(Duration.ZERO)
                  .drainTimeout(Duration.ZERO)
                  .build())
          .timeSource(time)
          .listener(ConnectionRegistryMetrics.roundTripTimer(meters, "chat"))
          .build();

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void readsTheRegistrysOwnCounts() {
    ConnectionRegistryMetrics.of(registry).bindTo(meters);

    RegisteredConnection<Object> alice = registry.register("alice", new Object());
    registry.register("bob", new Object());
    registry.tryReserve("alice");
    alice.send("in flight");
    alice.send("queued");
    alice.send("dropped");
    time.advance(Duration.ofSeconds(10));
    registry.sweep();
    time.advance(Duration.ofMinutes(5));
    registry.sweep();
    registry.tryReserve("carol");

    assertThat(meters.get("reliability.connections.active").tag("registry", "chat").gauge().value())
        .isZero();
    assertThat(meters.get("reliability.connections.reserved").gauge().value()).isEqualTo(1);
    assertThat(meters.get("reliability.connections.max").gauge().value()).isEqualTo(10);
    assertThat(meters.get("reliability.connections.accepted").functionCounter().count())
        .isEqualTo(3);
    assertThat(
            meters
                .get("reliability.connections.rejected")
                .tag("reason", "key_full")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("reliability.connections.closed")
                .tag("cause", "idle_timeout")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("reliability.connections.closed")
                .tag("cause", "send_stalled")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(meters.get("reliability.connections.dropped.messages").functionCounter().count())
        .isEqualTo(1);
  }

  @Test
  void recordsHeartbeatRoundTripsThroughTheListener() {
    RegisteredConnection<Object> c = registry.register(null, new Object());
    time.advance(Duration.ofSeconds(30));
    registry.sweep();
    ByteBuffer echo = ByteBuffer.allocate(8).putLong(0, time.nanoTime());
    time.advance(Duration.ofMillis(40));

    c.pongReceived(echo);

    assertThat(
            meters
                .get("reliability.connections.round.trip")
                .tag("registry", "chat")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(40);
  }

  @Test
  void prometheusSeesTheNamesTheAlertsRead() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ConnectionRegistryMetrics.of(registry).bindTo(prometheus);
    registry.register(null, new Object());

    assertThat(prometheus.scrape())
        .contains("reliability_connections_active{registry=\"chat\"} 1.0")
        .contains("reliability_connections_max{registry=\"chat\"} 10.0")
        .contains(
            "reliability_connections_rejected_total{reason=\"registry_full\",registry=\"chat\"} 0.0")
        .contains(
            "reliability_connections_closed_total{cause=\"heartbeat_timeout\",registry=\"chat\"} 0.0");
  }

  @Test
  void validatesItsArguments() {
    assertThatThrownBy(() -> ConnectionRegistryMetrics.of(null))
        .hasMessage("registry must not be null");
    assertThatThrownBy(() -> ConnectionRegistryMetrics.of(registry).bindTo(null))
        .hasMessage("meters must not be null");
    assertThatThrownBy(() -> ConnectionRegistryMetrics.roundTripTimer(meters, " "))
        .hasMessage("registryName must not be blank, was \" \"");
  }

  /** Sends never complete, so the watchdog and the overflow policy have work. */
  static final class Stalling implements ConnectionTransport<Object> {
    @Override
    public void sendText(Object c, String text, SendCallback callback) {}

    @Override
    public void sendBinary(Object c, ByteBuffer data, SendCallback callback) {}

    @Override
    public void sendPing(Object c, ByteBuffer payload) {}

    @Override
    public void close(Object c, CloseStatus status) {}
  }
}
