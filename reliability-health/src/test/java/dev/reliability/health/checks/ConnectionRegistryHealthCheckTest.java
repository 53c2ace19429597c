package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionRegistryHealthCheckTest {

  private final ConnectionRegistry<Object> registry =
      ConnectionRegistry.builder(ConnectionTransport.discarding())
          .config(
              ConnectionRegistryConfig.builder()
                  .name("chat")
                  .maxConnections(10)
                  .sweepInterval(Duration.ZERO)
                  .drainTimeout(Duration.ZERO)
                  .build())
          .build();

  @AfterEach
  void close() {
    registry.close();
  }

  private void open(int connections) {
    for (int i = 0; i < connections; i++) {
      registry.register(null, new Object());
    }
  }

  @Test
  void healthyBelowTheThresholdWithTheCountsAsDetails() {
    open(3);
    registry.tryReserve(null);

    HealthCheckResult r = ConnectionRegistryHealthCheck.of(registry).check();

    assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(r.message())
        .isEqualTo("connection registry chat: 3 of 10 connections open, 1 reserved");
    assertThat(r.details())
        .containsEntry("registry", "chat")
        .containsEntry("active", 3)
        .containsEntry("reserved", 1)
        .containsEntry("max_connections", 10)
        .containsEntry("utilization", 0.4)
        .containsEntry("accepted", 4L)
        .containsEntry("dropped_messages", 0L);
    assertThat(r.measurement().orElseThrow().name()).isEqualTo("connections");
    assertThat(r.measurement().orElseThrow().value()).isEqualTo(3);
  }

  @Test
  void degradedNearCapacityAndWhenFullWithTheRefusalsCounted() {
    open(9);
    ConnectionRegistryHealthCheck check = ConnectionRegistryHealthCheck.of(registry);

    HealthCheckResult near = check.check();
    open(1);
    registry.tryReserve(null);
    HealthCheckResult full = check.check();

    assertThat(near.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(near.message())
        .isEqualTo(
            "connection registry chat: 9 of 10 connections open; near capacity (degraded at 90%)");
    assertThat(full.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(full.message())
        .isEqualTo(
            "connection registry chat: 10 of 10 connections open; full, new connections are refused");
    @SuppressWarnings("unchecked")
    Map<String, Long> rejected = (Map<String, Long>) full.details().get("rejected");
    assertThat(rejected).containsEntry("registry_full", 1L).containsEntry("key_full", 0L);
  }

  @Test
  void unhealthyOnlyWhenAThresholdIsSet() {
    open(10);

    HealthCheckResult byDefault = ConnectionRegistryHealthCheck.of(registry).check();
    HealthCheckResult strict =
        ConnectionRegistryHealthCheck.builder(registry)
            .degradedAt(0.5)
            .unhealthyAt(1.0)
            .build()
            .check();

    assertThat(byDefault.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(strict.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(strict.message()).endsWith("; at or over the unhealthy threshold of 100%");
  }

  @Test
  void anInternalCheckThatMayJoinLiveness() {
    ConnectionRegistryHealthCheck check = ConnectionRegistryHealthCheck.of(registry);
    try (HealthCheckRegistry health = HealthCheckRegistry.builder().build()) {
      health.register("websocket-connections", check);
      health.lifecycle().markStartupComplete();

      assertThat(check.kind()).isEqualTo(HealthCheckKind.INTERNAL);
      assertThat(health.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(check).hasToString("ConnectionRegistryHealthCheck[chat, degraded at 90%]");
    }
  }

  @Test
  void rejectsBadThresholds() {
    assertThatThrownBy(() -> ConnectionRegistryHealthCheck.builder(registry).degradedAt(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("degradedAt must be in (0, 1], was 1.5");
    assertThatThrownBy(
            () ->
                ConnectionRegistryHealthCheck.builder(registry)
                    .degradedAt(0.8)
                    .unhealthyAt(0.5)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unhealthyAt must be at least degradedAt (0.8), was 0.5");
    assertThatThrownBy(() -> ConnectionRegistryHealthCheck.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
  }
}
