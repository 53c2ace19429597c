package dev.reliability.health;

import static dev.reliability.test.SettingAgreement.agree;
import static dev.reliability.test.SettingAgreement.text;

import dev.reliability.health.checks.ProcessMemoryHealthCheck;
import dev.reliability.test.SettingAgreement.Case;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Each health setting's rule lives once: a builder setter accepts a value exactly when a
 * configuration source accepts its text, and refuses it with the source path's key and rule.
 */
class HealthSettingsProperties {

  static final List<Case<Integer>> INTS =
      List.of(
          new Case<>(
              HealthSettings.FAILURE_THRESHOLD,
              v -> HealthCheckConfig.builder().failureThreshold(v)),
          new Case<>(
              HealthSettings.SUCCESS_THRESHOLD,
              v -> HealthCheckConfig.builder().successThreshold(v)),
          new Case<>(
              HealthSettings.MAX_CONCURRENCY,
              v -> HealthCheckRegistry.builder().maxConcurrency(v)));

  static final List<Case<Long>> SIZES =
      List.of(
          new Case<>(
              ProcessMemoryHealthCheck.MEMORY_THRESHOLD,
              v -> ProcessMemoryHealthCheck.builder().threshold(v)));

  static final List<Case<Duration>> DURATIONS =
      List.of(
          new Case<>(HealthSettings.CHECK_TIMEOUT, v -> HealthCheckConfig.builder().timeout(v)),
          new Case<>(HealthSettings.CACHE_TTL, v -> HealthCheckConfig.builder().cacheTtl(v)),
          new Case<>(HealthSettings.CHECK_INTERVAL, v -> HealthCheckConfig.builder().interval(v)),
          new Case<>(
              HealthSettings.UNKNOWN_AFTER, v -> HealthCheckConfig.builder().unknownAfter(v)),
          new Case<>(
              HealthSettings.UNHEALTHY_AFTER, v -> HealthCheckConfig.builder().unhealthyAfter(v)),
          new Case<>(
              HealthSettings.MIN_TIME_IN_ERROR, v -> HealthCheckConfig.builder().minTimeInError(v)),
          new Case<>(
              HealthSettings.PROBE_TIMEOUT, v -> HealthCheckRegistry.builder().probeTimeout(v)),
          new Case<>(
              HealthSettings.SHUTDOWN_DRAIN_TIME,
              v -> HealthCheckRegistry.builder().shutdownDrainTime(v)));

  static final List<Case<Double>> DECIMALS =
      List.of(new Case<>(HealthSettings.JITTER, v -> HealthCheckConfig.builder().jitter(v)));

  @Property(tries = 300)
  void aWholeNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("ints") int value) {
    for (Case<Integer> c : INTS) {
      agree(c, value, Integer.toString(value));
    }
  }

  @Property(tries = 300)
  void aSizeIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("sizes") long value) {
    for (Case<Long> c : SIZES) {
      agree(c, value, value + "B");
    }
  }

  @Property(tries = 300)
  void aDurationIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("durations") Duration value) {
    for (Case<Duration> c : DURATIONS) {
      agree(c, value, text(value));
    }
  }

  @Property(tries = 300)
  void aNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("decimals") double value) {
    for (Case<Double> c : DECIMALS) {
      agree(c, value, text(value));
    }
  }

  @Provide
  static Arbitrary<Integer> ints() {
    return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-3, 1_100));
  }

  @Provide
  static Arbitrary<Long> sizes() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.longs().between(-3, 4L << 20),
        Arbitraries.longs().between(-3, 1L << 51));
  }

  @Provide
  static Arbitrary<Duration> durations() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-10_000, 400L * 86_400_000).map(Duration::ofMillis),
        Arbitraries.longs().between(-100, 1_000_000_000L).map(Duration::ofNanos),
        Arbitraries.longs().map(Duration::ofNanos),
        Arbitraries.longs().between(-10, 400).map(Duration::ofDays));
  }

  @Provide
  static Arbitrary<Double> decimals() {
    return Arbitraries.doubles().between(-0.2, 1.2).ofScale(5).map(d -> d + 0.0);
  }
}
