package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeakDetectorMetricsTest {

  @Test
  void gaugesFollowTheDetectorsReport() {
    ManualTimeSource time = ManualTimeSource.create();
    AtomicLong connections = new AtomicLong(1000);
    try (LeakDetector detector =
        LeakDetector.builder()
            .name("api")
            .config(LeakDetectorConfig.builder().warmUp(Duration.ZERO).jvmGauges(false).build())
            .timeSource(time)
            .gauge(
                LeakGauge.builder("connections", connections::get)
                    .limit(2000)
                    .minIncrease(20)
                    .build())
            .build()) {
      MeterRegistry meters = new SimpleMeterRegistry();
      LeakDetectorMetrics.of(detector).bindTo(meters);
      LeakDetectorMetrics.of(detector).bindTo(meters); // harmless

      assertThat(gauge(meters, LeakDetectorMetrics.STATE, "connections")).isZero();
      assertThat(gauge(meters, LeakDetectorMetrics.TIME_TO_EXHAUSTION, "connections")).isNaN();
      for (int i = 0; i < 24; i++) {
        connections.addAndGet(10);
        time.advance(Duration.ofSeconds(5));
        detector.poll();
      }

      assertThat(gauge(meters, LeakDetectorMetrics.STATE, "connections")).isEqualTo(1);
      assertThat(gauge(meters, LeakDetectorMetrics.VALUE, "connections")).isEqualTo(1240);
      assertThat(gauge(meters, LeakDetectorMetrics.GROWTH, "connections")).isEqualTo(120);
      assertThat(gauge(meters, LeakDetectorMetrics.TIME_TO_EXHAUSTION, "connections"))
          .isBetween(300.0, 420.0);
      assertThat(gauge(meters, LeakDetectorMetrics.STATE, "heap")).isZero();
      assertThat(
              meters
                  .get(LeakDetectorMetrics.STATE)
                  .tag("gauge", "heap")
                  .tag("kind", "heap")
                  .tag("unit", "bytes")
                  .tag("detector", "api")
                  .gauge())
          .isNotNull();
      assertThat(
              meters
                  .get(LeakDetectorMetrics.THRESHOLD_EXCEEDED)
                  .tag("detector", "api")
                  .gauge()
                  .value())
          .isZero();
      assertThat(meters.getMeters()).hasSize(9);
    }
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> LeakDetectorMetrics.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("detector must not be null");
  }

  private static double gauge(MeterRegistry meters, String name, String gauge) {
    return meters.get(name).tag("gauge", gauge).gauge().value();
  }
}
