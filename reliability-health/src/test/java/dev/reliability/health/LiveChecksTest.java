package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.connection.ConnectionRegistry;
import dev.reliability.core.connection.ConnectionRegistryConfig;
import dev.reliability.core.connection.ConnectionTransport;
import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.checks.CircuitBreakerHealthCheck;
import dev.reliability.health.checks.ConnectionRegistryHealthCheck;
import dev.reliability.health.checks.LeakDetectorHealthCheck;
import dev.reliability.test.ManualScheduler;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In-memory checks show the current state on the very next probe, not a result cached from before
 * an incident.
 */
class LiveChecksTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RecordingListener recording = new RecordingListener();
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(time)
          .configSource(ConfigSource.empty())
          .listener(recording)
          .tick(Duration.ofHours(1))
          .build();
  private final Policy policy =
      Policy.builder("quote-backend")
          .configSource(ConfigSource.empty())
          .scheduler(ManualScheduler.create(time))
          .circuitBreaker(CircuitBreakerConfig.builder().failureThreshold(5).build())
          .build();
  private final ConnectionRegistry<Object> connections =
      ConnectionRegistry.builder(ConnectionTransport.discarding())
          .config(
              ConnectionRegistryConfig.builder()
                  .name("ws")
                  .maxConnections(2)
                  .sweepInterval(Duration.ZERO)
                  .drainTimeout(Duration.ZERO)
                  .build())
          .build();

  @AfterEach
  void close() {
    registry.close();
    policy.close();
    connections.close();
  }

  @Test
  void theProbeAfterTheBreakerOpensShowsItOpen() {
    registry.lifecycle().markStartupComplete();
    registry.register("quote-backend-circuit", CircuitBreakerHealthCheck.of(policy));
    HealthReport before = registry.fullReport();
    HealthReport readyBefore = registry.readiness();

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> policy.execute(LiveChecksTest::backendDown))
          .isInstanceOf(IllegalStateException.class);
    }
    for (int i = 0; i < 40; i++) {
      assertThatThrownBy(() -> policy.execute(LiveChecksTest::backendDown))
          .isInstanceOf(ReliabilityException.class);
    }
    // No time passes: a result cached before the outage would still be fresh.
    HealthReport during = registry.fullReport();
    HealthReport readyDuring = registry.readiness();

    assertThat(before.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(readyBefore.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(during.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(during.check("quote-backend-circuit").orElseThrow().result().message())
        .isEqualTo("circuit breaker quote-backend is open; calls fail fast");
    assertThat(readyDuring.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(recording.probeChanges()).contains("quote-backend-circuit healthy->degraded");
  }

  @Test
  void aFullConnectionRegistryShowsOnTheNextProbe() {
    registry.lifecycle().markStartupComplete();
    registry.register("ws", ConnectionRegistryHealthCheck.of(connections));
    HealthStatus before = registry.readiness().status();

    connections.register(null, new Object());
    connections.register(null, new Object());

    assertThat(before).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(registry.lastResult("ws").orElseThrow().message())
        .isEqualTo(
            "connection registry ws: 2 of 2 connections open; full, new connections are"
                + " refused");
  }

  @Test
  void aLeakReportThatTurnsStaleShowsOnTheNextProbe() {
    ManualScheduler sampler = ManualScheduler.create(time);
    try (LeakDetector detector =
        LeakDetector.builder()
            .config(
                LeakDetectorConfig.builder()
                    .heap(false)
                    .jvmGauges(false)
                    .sampleInterval(Duration.ofSeconds(5))
                    .build())
            .scheduler(sampler)
            .gauge(LeakGauge.builder("sessions", () -> 1).build())
            .build()
            .start()) {
      registry.lifecycle().markStartupComplete();
      registry.register("leaks", LeakDetectorHealthCheck.of(detector));
      sampler.advance(Duration.ofSeconds(5));
      time.advance(Duration.ofSeconds(15).minusMillis(1));
      HealthStatus justBefore = registry.readiness().status();

      time.advance(Duration.ofMillis(1)); // well within the cache TTL of 1s

      assertThat(justBefore).isEqualTo(HealthStatus.HEALTHY);
      assertThat(registry.readiness().status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(registry.lastResult("leaks").orElseThrow().message())
          .startsWith("leak report stale since 2000-01-01T00:00:20Z");
    }
  }

  @Test
  void liveChecksRunOnTheProbesThreadOnEveryProbeAndOthersKeepTheirCache() {
    AtomicInteger liveRuns = new AtomicInteger();
    AtomicInteger cachedRuns = new AtomicInteger();
    Thread probe = Thread.currentThread();
    registry.lifecycle().markStartupComplete();
    registry.register(
        "live",
        new HealthCheck() {
          @Override
          public HealthCheckResult check() {
            liveRuns.incrementAndGet();
            return Thread.currentThread() == probe
                ? HealthCheckResult.healthy()
                : HealthCheckResult.unhealthy("ran on another thread");
          }

          @Override
          public boolean live() {
            return true;
          }
        });
    registry.register(
        "cached",
        () -> {
          cachedRuns.incrementAndGet();
          return HealthCheckResult.healthy();
        });

    for (int i = 0; i < 3; i++) {
      assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
    }

    assertThat(liveRuns).hasValue(3);
    assertThat(cachedRuns).hasValue(1);
  }

  @Test
  void aLiveCheckRegisteredInTheBackgroundRunsInTheBackground() {
    registry.register(
        "breaker",
        CircuitBreakerHealthCheck.of(policy),
        HealthCheckConfig.builder().background(true).build());

    HealthReport report = registry.readiness();

    assertThat(report.check("breaker").orElseThrow().result().message()).isEqualTo("not run yet");
  }

  @Test
  void aBreakerCheckWhoseStateMayBlockCanOptOut() {
    assertThat(CircuitBreakerHealthCheck.of(policy).live()).isTrue();
    assertThat(
            CircuitBreakerHealthCheck.builder("remote", () -> "CLOSED").live(false).build().live())
        .isFalse();
  }

  private static String backendDown() {
    throw new IllegalStateException("backend down");
  }
}
