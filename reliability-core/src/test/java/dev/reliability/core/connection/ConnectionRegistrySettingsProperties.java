package dev.reliability.core.connection;

import static dev.reliability.test.SettingAgreement.agree;
import static dev.reliability.test.SettingAgreement.text;

import dev.reliability.core.config.SettingValues;
import dev.reliability.test.SettingAgreement.Case;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Each connection registry setting's rule lives once: a builder setter accepts a value exactly when
 * a configuration source accepts its text, and refuses it with the source path's key and rule.
 */
class ConnectionRegistrySettingsProperties {

  private static ConnectionRegistryConfig.Builder b() {
    return ConnectionRegistryConfig.builder();
  }

  static final List<Case<Integer>> INTS =
      List.of(
          new Case<>(ConnectionRegistryConfig.MAX_CONNECTIONS, v -> b().maxConnections(v)),
          new Case<>(
              ConnectionRegistryConfig.MAX_CONNECTIONS_PER_KEY, v -> b().maxConnectionsPerKey(v)),
          new Case<>(
              ConnectionRegistryConfig.OVER_CAPACITY_CLOSE_CODE, v -> b().overCapacityCloseCode(v)),
          new Case<>(
              ConnectionRegistryConfig.HEARTBEAT_MISSED_PONGS,
              v -> b().heartbeat(Duration.ofSeconds(30), v)),
          new Case<>(
              ConnectionRegistryConfig.MAX_QUEUED_MESSAGES,
              v -> b().outboundQueue(v, 1024, OverflowPolicy.CLOSE)),
          new Case<>(ConnectionRegistryConfig.SHUTDOWN_CLOSE_CODE, v -> b().shutdownCloseCode(v)));

  static final List<Case<Long>> SIZES =
      List.of(
          new Case<>(
              ConnectionRegistryConfig.MAX_QUEUED_BYTES,
              v -> b().outboundQueue(16, v, OverflowPolicy.CLOSE)));

  static final List<Case<Duration>> DURATIONS =
      List.of(
          new Case<>(ConnectionRegistryConfig.RETRY_AFTER, v -> b().retryAfter(v)),
          new Case<>(ConnectionRegistryConfig.RESERVATION_TIMEOUT, v -> b().reservationTimeout(v)),
          new Case<>(ConnectionRegistryConfig.IDLE_TIMEOUT, v -> b().idleTimeout(v)),
          new Case<>(ConnectionRegistryConfig.MAX_AGE, v -> b().maxAge(v)),
          new Case<>(ConnectionRegistryConfig.HEARTBEAT_INTERVAL, v -> b().heartbeat(v, 2)),
          new Case<>(ConnectionRegistryConfig.SEND_TIMEOUT, v -> b().sendTimeout(v)),
          new Case<>(ConnectionRegistryConfig.DRAIN_TIMEOUT, v -> b().drainTimeout(v)),
          new Case<>(ConnectionRegistryConfig.SWEEP_INTERVAL, v -> b().sweepInterval(v)));

  @Property(tries = 300)
  void aWholeNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("ints") int value) {
    for (Case<Integer> c : INTS) {
      agree(c, value, Integer.toString(value));
    }
  }

  @Property(tries = 300)
  void aSizeIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("longs") long value) {
    for (Case<Long> c : SIZES) {
      agree(c, value, Long.toString(value));
    }
  }

  @Property(tries = 300)
  void aDurationIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("durations") Duration value) {
    for (Case<Duration> c : DURATIONS) {
      agree(c, value, text(value));
    }
  }

  @Provide
  static Arbitrary<Integer> ints() {
    return SettingValues.ints();
  }

  @Provide
  static Arbitrary<Long> longs() {
    return SettingValues.longs();
  }

  @Provide
  static Arbitrary<Duration> durations() {
    return SettingValues.durations();
  }
}
