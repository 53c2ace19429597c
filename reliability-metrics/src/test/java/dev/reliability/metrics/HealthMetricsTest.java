package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMetricsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicReference<HealthCheckResult> cache =
      new AtomicReference<>(HealthCheckResult.healthy());
  private final HealthCheckRegistry health =
      HealthCheckRegistry.builder().shutdownDrainTime(Duration.ZERO).build();

  @AfterEach
  void close() {
    health.close();
  }

  private double gauge(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).gauge().value();
  }

  @Test
  void statusesAreNumbersWhereWorseIsHigher() {
    assertThat(HealthMetrics.value(HealthStatus.HEALTHY)).isZero();
    assertThat(HealthMetrics.value(HealthStatus.DEGRADED)).isEqualTo(1);
    assertThat(HealthMetrics.value(HealthStatus.UNKNOWN)).isEqualTo(2);
    assertThat(HealthMetrics.value(HealthStatus.UNHEALTHY)).isEqualTo(3);
  }

  @Test
  void checkGaugesReadTheLastResultAndRunNothing() {
    health.register(
        "cache", cache::get, HealthCheckConfig.builder().cacheTtl(Duration.ZERO).build());
    HealthMetrics.of(health).bindTo(meters);

    double beforeAnyRun = gauge(HealthMetrics.CHECK_STATUS, "check", "cache");
    health.readiness();
    double afterHealthyRun = gauge(HealthMetrics.CHECK_STATUS, "check", "cache");
    cache.set(HealthCheckResult.degraded("evicting"));
    double notRunAgain = gauge(HealthMetrics.CHECK_STATUS, "check", "cache");
    health.readiness();
    double afterDegradedRun = gauge(HealthMetrics.CHECK_STATUS, "check", "cache");

    assertThat(beforeAnyRun).isEqualTo(2);
    assertThat(afterHealthyRun).isZero();
    assertThat(notRunAgain).isZero();
    assertThat(afterDegradedRun).isEqualTo(1);
    assertThat(gauge(HealthMetrics.CHECK_DURATION, "check", "cache")).isNotNaN().isNotNegative();
  }

  @Test
  void probeGaugesAnswerWhatTheProbesAnswer() {
    health.register("cache", cache::get);
    HealthMetrics.of(health).bindTo(meters);

    double readyWhileStarting = gauge(HealthMetrics.PROBE_STATUS, "probe", HealthGroups.READINESS);
    double startupWhileStarting = gauge(HealthMetrics.PROBE_STATUS, "probe", HealthGroups.STARTUP);
    health.lifecycle().markStartupComplete();
    double ready = gauge(HealthMetrics.PROBE_STATUS, "probe", HealthGroups.READINESS);
    health.lifecycle().beginShutdown();
    double readyWhileDraining = gauge(HealthMetrics.PROBE_STATUS, "probe", HealthGroups.READINESS);

    assertThat(readyWhileStarting).isEqualTo(3);
    assertThat(startupWhileStarting).isEqualTo(3);
    assertThat(ready).isZero();
    assertThat(readyWhileDraining).isEqualTo(3);
    assertThat(gauge(HealthMetrics.PROBE_STATUS, "probe", HealthGroups.LIVENESS)).isZero();
  }

  @Test
  void checksRegisteredLaterGetGaugesAtTheirFirstRunAndNaNOnceRemoved() {
    HealthMetrics.of(health).bindTo(meters);
    health.register("late", () -> HealthCheckResult.unhealthy("down"));

    assertThat(meters.find(HealthMetrics.CHECK_STATUS).tag("check", "late").gauge()).isNull();
    health.readiness();
    double afterRun = gauge(HealthMetrics.CHECK_STATUS, "check", "late");
    health.unregister("late");

    assertThat(afterRun).isEqualTo(3);
    assertThat(gauge(HealthMetrics.CHECK_STATUS, "check", "late")).isNaN();
  }

  @Test
  void prometheusNamesAreTheOnesTheAlertsRead() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    health.register("database", HealthCheckResult::healthy);
    HealthMetrics.of(health).bindTo(prometheus);
    health.readiness();

    assertThat(prometheus.scrape())
        .contains("reliability_health_check_status{check=\"database\"} 0.0")
        .contains("reliability_health_check_duration_seconds{check=\"database\"}")
        .contains("reliability_health_probe_status{probe=\"liveness\"} 0.0");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> HealthMetrics.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry must not be null");
  }
}
