package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualScheduler;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A leak detector that stopped refreshing its report turns its health check degraded. */
class LeakDetectorStalenessTest {

  private static final Duration INTERVAL = Duration.ofSeconds(5);

  private final ManualTimeSource time = ManualTimeSource.create();
  private final ManualScheduler scheduler = ManualScheduler.create(time);

  @Test
  void aStaleReportMakesTheCheckDegradedAndSaysSinceWhen() {
    try (LeakDetector detector =
        LeakDetector.builder()
            .config(
                LeakDetectorConfig.builder()
                    .warmUp(Duration.ZERO)
                    .heap(false)
                    .jvmGauges(false)
                    .sampleInterval(INTERVAL)
                    .build())
            .scheduler(scheduler)
            .gauge(LeakGauge.builder("sessions", () -> 10).build())
            .build()
            .start()) {
      LeakDetectorHealthCheck check = LeakDetectorHealthCheck.of(detector);
      scheduler.advance(INTERVAL);
      HealthCheckResult fresh = check.check();

      time.advance(INTERVAL.multipliedBy(3)); // no sample runs: the loop is stuck
      HealthCheckResult stale = check.check();
      scheduler.runDueTasks();
      HealthCheckResult recovered = check.check();

      assertThat(fresh.status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(stale.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(stale.message())
          .isEqualTo(
              "leak report stale since 2000-01-01T00:00:20Z: no sample has completed for 15s"
                  + " (3 sample intervals); last report: "
                  + fresh.message());
      assertThat(stale.details())
          .containsEntry("stale", true)
          .containsEntry("stale_since", "2000-01-01T00:00:20Z")
          .containsEntry("time", "2000-01-01T00:00:05Z");
      assertThat(recovered.status()).isEqualTo(HealthStatus.HEALTHY);
      assertThat(recovered.message()).isEqualTo(fresh.message());
      assertThat(recovered.details()).containsEntry("stale", false);
    }
  }
}
