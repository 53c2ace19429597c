package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConnectionRegistryConfigTest {

  @Test
  void defaultsFollowTheSeedWhereItSpokeAndAreDocumentedElsewhere() {
    ConnectionRegistryConfig c = ConnectionRegistryConfig.ofDefaults();

    assertThat(c.name()).isEqualTo("websocket");
    assertThat(c.maxConnections()).isEqualTo(1000);
    assertThat(c.maxConnectionsPerKey()).isZero();
    assertThat(c.maxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(c.overCapacityStatus()).isEqualTo(CloseStatus.of(1013, "Max connections reached"));
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.reservationTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.heartbeatMissedPongs()).isEqualTo(2);
    assertThat(c.maxQueuedMessages()).isEqualTo(1024);
    assertThat(c.maxQueuedBytes()).isEqualTo(1L << 20);
    assertThat(c.overflowPolicy()).isEqualTo(OverflowPolicy.CLOSE);
    assertThat(c.sendTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.shutdownStatus()).isEqualTo(CloseStatus.of(1001, "Server shutting down"));
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.sweepInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void settingsAreDeclaredUnderTheWebsocketPrefix() {
    assertThat(ConnectionRegistryConfig.CONFIG_PREFIX).isEqualTo("reliability.websocket");
    assertThat(ConnectionRegistryConfig.SETTINGS.stream().map(Setting::name))
        .containsExactly(
            "max-connections",
            "max-connections-per-key",
            "over-capacity-close-code",
            "retry-after",
            "reservation-timeout",
            "idle-timeout",
            "max-age",
            "heartbeat-interval",
            "heartbeat-missed-pongs",
            "max-queued-messages",
            "max-queued-bytes",
            "overflow-policy",
            "send-timeout",
            "shutdown-close-code",
            "drain-timeout",
            "sweep-interval");
    assertThat(ConnectionRegistryConfig.SETTINGS)
        .allSatisfy(s -> assertThat(s.description()).isNotBlank());
  }

  @Test
  void environmentVariablesOverrideCodeValuesPerInstanceThenShared() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_WEBSOCKET_MAX_CONNECTIONS", "500",
                "RELIABILITY_WEBSOCKET_CHAT_MAX_CONNECTIONS", "50",
                "RELIABILITY_WEBSOCKET_OVER_CAPACITY_CLOSE_CODE", "1008",
                "RELIABILITY_WEBSOCKET_OVERFLOW_POLICY", "drop-oldest",
                "RELIABILITY_WEBSOCKET_MAX_QUEUED_BYTES", "64KB",
                "RELIABILITY_WEBSOCKET_IDLE_TIMEOUT", "0"));

    ConnectionRegistryConfig chat =
        ConnectionRegistryConfig.builder()
            .name("chat")
            .maxConnections(10)
            .build()
            .withOverrides(env);
    ConnectionRegistryConfig feed =
        ConnectionRegistryConfig.builder()
            .name("feed")
            .maxConnections(10)
            .build()
            .withOverrides(env);

    assertThat(chat.maxConnections()).isEqualTo(50);
    assertThat(feed.maxConnections()).isEqualTo(500);
    assertThat(chat.overCapacityStatus().code()).isEqualTo(1008);
    assertThat(chat.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
    assertThat(chat.maxQueuedBytes()).isEqualTo(64 * 1024);
    assertThat(chat.idleTimeout()).isZero();
  }

  @Test
  void theSeedsVariableNameWorksThroughAnAlias() {
    ConfigSource source =
        ConfigSource.environment(Map.of("WS_MAX_CONNECTIONS", "250"))
            .withAliases(Map.of("reliability.websocket.max-connections", "WS_MAX_CONNECTIONS"));

    assertThat(ConnectionRegistryConfig.ofDefaults().withOverrides(source).maxConnections())
        .isEqualTo(250);
  }

  @Test
  void invalidEnvironmentValuesFailTogetherNamingEachSetting() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_WEBSOCKET_MAX_CONNECTIONS", "0",
                "RELIABILITY_WEBSOCKET_SHUTDOWN_CLOSE_CODE", "1006",
                "RELIABILITY_WEBSOCKET_OVER_CAPACITY_CLOSE_CODE", "1005"));

    assertThatThrownBy(() -> ConnectionRegistryConfig.ofDefaults().withOverrides(env))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e ->
                assertThat(
                        ((ConfigurationException) e)
                            .problems().stream()
                                .map(p -> p.key() + "=" + p.value() + ": " + p.rule())
                                .collect(Collectors.toList()))
                    .containsExactlyInAnyOrder(
                        "reliability.websocket.max-connections=0: a whole number between 1 and"
                            + " 10000000",
                        "reliability.websocket.over-capacity-close-code=1005: 1013 or 1008",
                        "reliability.websocket.shutdown-close-code=1006: 1001 or 1012"));
  }

  @Test
  void builderRejectsBadValuesWithTheProjectsMessages() {
    ConnectionRegistryConfig.Builder b = ConnectionRegistryConfig.builder();
    assertThatThrownBy(() -> b.maxConnections(0))
        .hasMessage("max-connections must be a whole number between 1 and 10000000, was 0");
    assertThatThrownBy(() -> b.maxConnectionsPerKey(-1))
        .hasMessage(
            "max-connections-per-key must be a whole number between 0 and 10000000, was -1");
    assertThatThrownBy(() -> b.overCapacityCloseCode(1006))
        .hasMessage("over-capacity-close-code must be 1013 or 1008, was 1006");
    assertThatThrownBy(() -> b.shutdownCloseCode(1000))
        .hasMessage("shutdown-close-code must be 1001 or 1012, was 1000");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1)))
        .hasMessage("idle-timeout must be a duration between 0s and 365d, was -1s");
    assertThatThrownBy(() -> b.reservationTimeout(Duration.ZERO))
        .hasMessage("reservation-timeout must be a duration between 1ms and 1h, was 0s");
    assertThatThrownBy(() -> b.retryAfter(Duration.ofMillis(500)))
        .hasMessage("retry-after must be a duration between 1s and 1h, was 500ms");
    assertThatThrownBy(() -> b.heartbeat(Duration.ofSeconds(30), 0))
        .hasMessage("heartbeat-missed-pongs must be a whole number between 1 and 100, was 0");
    assertThatThrownBy(() -> b.outboundQueue(0, 10, OverflowPolicy.CLOSE))
        .hasMessage("max-queued-messages must be a whole number between 1 and 10000000, was 0");
    assertThatThrownBy(() -> b.outboundQueue(1, 10, null))
        .hasMessage("overflow-policy must not be null");
    assertThatThrownBy(() -> b.name("chat room"))
        .hasMessage("name must be letters, digits, '-' and '_', was \"chat room\"");
    assertThatThrownBy(() -> ConnectionRegistryConfig.ofDefaults().withOverrides(null))
        .hasMessage("source must not be null");
  }

  @Test
  void aDerivedConfigurationKeepsTheBaseCodeValues() {
    ConnectionRegistryConfig base =
        ConnectionRegistryConfig.builder()
            .name("chat")
            .maxConnections(10)
            .maxConnectionsPerKey(2)
            .build();

    ConnectionRegistryConfig derived = base.toBuilder().overCapacityCloseCode(1008).build();

    assertThat(derived.name()).isEqualTo("chat");
    assertThat(derived.maxConnections()).isEqualTo(10);
    assertThat(derived.maxConnectionsPerKey()).isEqualTo(2);
    assertThat(derived.overCapacityStatus().code()).isEqualTo(1008);
    assertThat(base.overCapacityStatus().code()).isEqualTo(1013);
    assertThat(derived.toString())
        .startsWith("ConnectionRegistryConfig{name=chat, maxConnections=10");
  }

  @Test
  void registryBuilderValidatesItsArguments() {
    assertThatThrownBy(() -> ConnectionRegistry.builder(null))
        .hasMessage("transport must not be null");
    ConnectionRegistry.Builder<FakeConnection> b = ConnectionRegistry.builder(new FakeTransport());
    assertThatThrownBy(() -> b.timeSource(null)).hasMessage("timeSource must not be null");
    assertThatThrownBy(() -> b.listener(null)).hasMessage("listener must not be null");
    assertThatThrownBy(() -> b.config(null)).hasMessage("config must not be null");
  }

  @Test
  void overridesApplyOnTopOfAConfigurationAlreadyOverridden() {
    ConfigSource first =
        ConfigSource.fromMap("first", Map.of("reliability.websocket.chat.max-connections", "50"));
    ConfigSource second =
        ConfigSource.fromMap("second", Map.of("reliability.websocket.retry-after", "30s"));

    ConnectionRegistryConfig config =
        ConnectionRegistryConfig.builder()
            .name("chat")
            .maxConnections(10)
            .build()
            .withOverrides(first)
            .withOverrides(second);

    assertThat(config.maxConnections()).isEqualTo(50);
    assertThat(config.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.toBuilder().build()).hasToString(config.toString());
  }

  @Test
  void theRegistryBuilderAppliesItsSourceOverTheConfigurationAtBuild() {
    ConnectionRegistryConfig code =
        ConnectionRegistryConfig.builder()
            .name("chat")
            .maxConnections(10)
            .sweepInterval(Duration.ZERO)
            .build();
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.websocket.chat.max-connections", "3"));

    try (ConnectionRegistry<FakeConnection> overridden =
            ConnectionRegistry.builder(new FakeTransport())
                .config(code)
                .configSource(source)
                .build();
        ConnectionRegistry<FakeConnection> inCode =
            ConnectionRegistry.builder(new FakeTransport()).config(code).build()) {
      assertThat(overridden.config().maxConnections()).isEqualTo(3);
      assertThat(inCode.config().maxConnections()).isEqualTo(10);
    }
    assertThatThrownBy(() -> ConnectionRegistry.builder(new FakeTransport()).configSource(null))
        .hasMessage("source must not be null");
  }
}
