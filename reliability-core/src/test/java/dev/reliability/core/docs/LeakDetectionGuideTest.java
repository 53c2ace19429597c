package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.leak.AllocationSite;
import dev.reliability.core.leak.AllocationSites;
import dev.reliability.core.leak.ClassGrowth;
import dev.reliability.core.leak.GaugeTrend;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakEvent;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.leak.LeakListener;
import dev.reliability.core.leak.LeakReport;
import dev.reliability.core.leak.LeakState;
import dev.reliability.core.leak.LeakSuspects;
import dev.reliability.core.leak.TrendDetector;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The code shown in docs/leak-detection.md. */
class LeakDetectionGuideTest {

  private final Map<String, Object> sessions = new ConcurrentHashMap<>();
  private final List<String> alerts = new CopyOnWriteArrayList<>();

  @Test
  void quickStart() {
    // docs/leak-detection.md: quick start
    LeakDetector detector =
        LeakDetector.builder()
            .config(LeakDetectorConfig.ofDefaults().withOverrides(ConfigSource.standard()))
            .gauge(LeakGauge.builder("sessions", sessions::size).minIncrease(500).build())
            .listener(
                new LeakListener() {
                  @Override
                  public void onStateChange(LeakEvent event) {
                    alerts.add(event.message());
                  }
                })
            .build()
            .start();
    // ... at shutdown
    detector.close();

    assertThat(detector.report().state()).isEqualTo(LeakState.NONE);
    assertThat(detector.report().heap()).isPresent();
  }

  @Test
  void readingTheReport() {
    try (LeakDetector detector =
        LeakDetector.builder().config(LeakDetectorConfig.ofDefaults()).build()) {
      // docs/leak-detection.md: reading the report
      LeakReport report = detector.report();
      if (report.state().isLeak()) {
        String what = report.diagnosis(); // "heap live set grows 58.1 MB/min (suspected): ..."
        report.timeToExhaustion().ifPresent(left -> alerts.add(what + ", " + left + " left"));
      }
      GaugeTrend heap = report.heap().orElseThrow();
      String json = report.toJson(); // for a detailed health view or an admin endpoint

      assertThat(heap.warmingUp()).isTrue();
      assertThat(json).startsWith("{\"state\":\"none\"");
    }
  }

  @Test
  void trendOnSyntheticSamples() {
    // docs/leak-detection.md: testing with synthetic samples
    ManualTimeSource time = ManualTimeSource.create();
    TrendDetector trend =
        TrendDetector.builder("cache.entries")
            .config(LeakDetectorConfig.builder().warmUp(Duration.ZERO).build())
            .minIncrease(100)
            .timeSource(time)
            .build();
    for (int second = 0; second < 60; second += 5) {
      trend.record(10_000 + second * 20L);
      time.advance(Duration.ofSeconds(5));
    }
    GaugeTrend verdict = trend.evaluate(); // SUSPECTED, growing 1200 per minute

    assertThat(verdict.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(verdict.growthPerMinute()).isEqualTo(1200.0);
  }

  @Test
  void tuning() {
    // docs/leak-detection.md: tuning in code
    LeakDetectorConfig config =
        LeakDetectorConfig.builder()
            .warmUp(Duration.ofMinutes(10)) // caches take this long to warm
            .minSpan(Duration.ofMinutes(2)) // a noisy heap: ask for longer evidence
            .heapThreshold(0.85)
            .build()
            .withOverrides(ConfigSource.standard()); // RELIABILITY_LEAK_* still win

    assertThat(config.warmUp()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void suspectsAndAllocationSites() {
    try (LeakDetector detector =
        LeakDetector.builder()
            .config(LeakDetectorConfig.builder().histogramMinInterval(Duration.ZERO).build())
            .build()) {
      List<byte[][]> kept = new ArrayList<>();
      // docs/leak-detection.md: finding what leaks
      detector.findSuspects(); // the first call takes the baseline (a full GC)
      detector.startAllocationRecording(); // bounded JFR recording of long-lived objects
      // ... later, while the leak goes on
      for (int i = 0; i < 20_000; i++) {
        kept.add(new byte[][] {new byte[64]});
      }
      LeakSuspects suspects = detector.findSuspects(); // growth since the baseline
      for (ClassGrowth c : suspects.classes()) {
        alerts.add(c.className() + " +" + c.instanceGrowth() + " instances");
      }
      AllocationSites sites = detector.allocationSites();
      for (AllocationSite site : sites.sites()) {
        alerts.add(site.samples() + " samples at " + site.frame());
      }

      assertThat(suspects.classes()).anySatisfy(c -> assertThat(c.className()).isEqualTo("[[B"));
      assertThat(kept).hasSize(20_000);
    }
  }
}
