package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeakDetectorHealthCheckTest {

  private static final LeakDetectorConfig QUIET =
      LeakDetectorConfig.builder().warmUp(Duration.ZERO).heap(false).jvmGauges(false).build();

  private final ManualTimeSource time = ManualTimeSource.create();

  @Test
  void healthyWhileWarmingUp() {
    try (LeakDetector detector =
        LeakDetector.builder()
            .config(LeakDetectorConfig.builder().jvmGauges(false).build())
            .timeSource(time)
            .build()) {
      HealthCheckResult r = LeakDetectorHealthCheck.of(detector).check();

      assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(r.message()).isEqualTo("warming up");
      assertThat(r.details()).containsEntry("state", "none").containsEntry("warming_up", true);
      assertThat(r.measurement().orElseThrow().name()).isEqualTo("heap_growth");
    }
  }

  @Test
  void degradedWhileALeakIsSuspected() {
    AtomicLong sessions = new AtomicLong(1000);
    try (LeakDetector detector =
        detector(LeakGauge.builder("sessions", sessions::get).minIncrease(20).build())) {
      LeakDetectorHealthCheck check = LeakDetectorHealthCheck.of(detector);
      HealthCheckResult before = check.check();
      grow(detector, sessions, 10);

      HealthCheckResult r = check.check();

      assertThat(before.status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(before.message()).isEqualTo("warming up"); // nothing sampled yet
      assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(r.message()).isEqualTo("sessions grows 120/min (suspected)");
      assertThat(r.details())
          .containsEntry("state", "suspected")
          .containsEntry("kinds", List.of("custom"))
          .containsKey("gauges");
      assertThat(r.measurement()).isEmpty();
    }
  }

  @Test
  void unhealthyWhenExhaustionIsNearerThanTheHorizon() {
    AtomicLong connections = new AtomicLong(1000);
    try (LeakDetector detector =
        detector(
            LeakGauge.builder("connections", connections::get)
                .limit(2000)
                .minIncrease(20)
                .build())) {
      grow(detector, connections, 10); // 120 a minute, ~760 left: about six minutes

      HealthCheckResult defaults = LeakDetectorHealthCheck.of(detector).check();
      HealthCheckResult shortHorizon =
          LeakDetectorHealthCheck.builder(detector).horizon(Duration.ofMinutes(5)).build().check();

      assertThat(defaults.status()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThat(defaults.message())
          .startsWith("connections grows 120/min (suspected); connections exhausted in about ");
      assertThat(defaults.details()).containsKey("time_to_exhaustion_seconds");
      assertThat(shortHorizon.status()).isEqualTo(HealthStatus.DEGRADED);
    }
  }

  @Test
  void degradedWhenHeapUsageAfterCollectionIsOverTheThreshold() {
    try (LeakDetector detector =
        LeakDetector.builder()
            .config(
                LeakDetectorConfig.builder()
                    .jvmGauges(false)
                    .heapThreshold(0.0001) // any live heap is over it
                    .build())
            .build()
            .start()) {
      LeakDetectorHealthCheck check = LeakDetectorHealthCheck.of(detector);

      await()
          .untilAsserted(
              () -> {
                System.gc();
                detector.poll();
                assertThat(detector.report().heapThresholdExceeded()).isTrue();
              });
      HealthCheckResult r = check.check();

      assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(r.message()).contains("; heap usage after GC is over the threshold of ");
      assertThat(r.details()).containsEntry("heap_threshold_exceeded", true);
    }
  }

  @Test
  void registeredInARegistry() {
    AtomicLong sessions = new AtomicLong(1000);
    try (LeakDetector detector =
            detector(LeakGauge.builder("sessions", sessions::get).minIncrease(20).build());
        HealthCheckRegistry registry = HealthCheckRegistry.ofDefaults()) {
      grow(detector, sessions, 10);
      // docs/leak-detection.md: health check
      registry.register("leaks", LeakDetectorHealthCheck.of(detector));
      registry.lifecycle().markStartupComplete();

      assertThat(registry.readiness().status()).isEqualTo(HealthStatus.DEGRADED);
    }
  }

  @Test
  void kindHorizonAndValidation() {
    try (LeakDetector detector = LeakDetector.builder().config(QUIET).build()) {
      LeakDetectorHealthCheck check = LeakDetectorHealthCheck.of(detector);

      assertThat(check.kind()).isEqualTo(HealthCheckKind.INTERNAL);
      assertThat(check.horizon()).isEqualTo(Duration.ofMinutes(15));
      assertThat(check.toString()).isEqualTo("LeakDetectorHealthCheck[default, horizon 15m]");
      assertThatThrownBy(
              () -> LeakDetectorHealthCheck.builder(detector).horizon(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("horizon must be zero or longer, was -1s");
      assertThatThrownBy(() -> LeakDetectorHealthCheck.of(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("detector must not be null");
    }
  }

  private LeakDetector detector(LeakGauge gauge) {
    return LeakDetector.builder().config(QUIET).timeSource(time).gauge(gauge).build();
  }

  /** Adds {@code step} every 5 s for two minutes, polling after each. */
  private void grow(LeakDetector detector, AtomicLong value, long step) {
    for (int i = 0; i < 24; i++) {
      value.addAndGet(step);
      time.advance(Duration.ofSeconds(5));
      detector.poll();
    }
  }
}
