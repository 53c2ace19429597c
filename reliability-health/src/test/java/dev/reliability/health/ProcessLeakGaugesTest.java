package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reliability.core.leak.GaugeTrend;
import dev.reliability.core.leak.GaugeUnit;
import dev.reliability.core.leak.JvmGauges;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.leak.LeakKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessLeakGaugesTest {

  @Test
  void javadocExample() {
    LeakDetector.Builder builder = LeakDetector.builder().name("orders");
    ProcessLeakGauges.missingFromJvmGauges().forEach(builder::gauge);
    LeakDetector detector = builder.build().start();
    try {
      List<String> watched = detector.poll().gauges().stream().map(GaugeTrend::name).toList();
      assertThat(watched).contains("heap", "process.rss", "process.fds", "threads.live");
    } finally {
      detector.close();
    }
  }

  @Test
  void residentSetSizeThroughOshiAgreesWithCoresReading() {
    LeakGauge oshi = ProcessLeakGauges.residentSetSize().orElseThrow();
    assumeTrue(JvmGauges.residentSetSize().isPresent(), "core reads RSS on Linux only");
    LeakGauge proc = JvmGauges.residentSetSize().orElseThrow();

    assertThat(oshi.name()).isEqualTo("process.rss");
    assertThat(oshi.kind()).isEqualTo(LeakKind.NATIVE_MEMORY);
    assertThat(oshi.unit()).isEqualTo(GaugeUnit.BYTES);
    long a = oshi.value().getAsLong();
    long b = proc.value().getAsLong();
    assertThat((double) a).isCloseTo(b, org.assertj.core.data.Percentage.withPercentage(25));
    assertThat(oshi.limit().getAsLong()).isGreaterThan(a);
  }

  @Test
  void openFilesCountsDescriptorsUnderTheirLimit() {
    LeakGauge files = ProcessLeakGauges.openFiles().orElseThrow();

    assertThat(files.name()).isEqualTo("process.fds");
    assertThat(files.kind()).isEqualTo(LeakKind.FILE_DESCRIPTORS);
    assertThat(files.minIncrease()).isEqualTo(100);
    assertThat(files.value().getAsLong()).isPositive().isLessThan(files.limit().getAsLong());
  }

  @Test
  void nothingIsMissingWhereCoreReadsBoth() {
    assumeTrue(
        JvmGauges.residentSetSize().isPresent() && JvmGauges.openFileDescriptors().isPresent(),
        "core reads RSS and descriptors here");

    assertThat(ProcessLeakGauges.missingFromJvmGauges()).isEmpty();
  }
}
