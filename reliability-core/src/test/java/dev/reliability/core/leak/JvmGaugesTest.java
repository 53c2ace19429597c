package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class JvmGaugesTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void offersEveryStandardGaugeOnLinuxHotSpot() {
    assertThat(JvmGauges.all())
        .extracting(LeakGauge::name)
        .containsExactly(
            "metaspace",
            "classes.loaded",
            "buffers.direct",
            "buffers.mapped",
            "process.rss",
            "process.fds",
            "threads.live");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void gaugesReadSensibleValues() {
    LeakGauge rss = JvmGauges.residentSetSize().orElseThrow();
    LeakGauge fds = JvmGauges.openFileDescriptors().orElseThrow();
    LeakGauge threads = JvmGauges.threads().orElseThrow();
    LeakGauge classes = JvmGauges.loadedClasses().orElseThrow();
    LeakGauge metaspace = JvmGauges.metaspace().orElseThrow();
    LeakGauge direct = JvmGauges.directBuffers().orElseThrow();

    assertThat(rss.value().getAsLong()).isGreaterThan(1024L * 1024);
    assertThat(rss.limit().getAsLong()).isGreaterThan(rss.value().getAsLong());
    assertThat(rss.kind()).isEqualTo(LeakKind.NATIVE_MEMORY);
    assertThat(fds.value().getAsLong()).isPositive();
    assertThat(fds.limit().getAsLong()).isGreaterThan(fds.value().getAsLong());
    assertThat(fds.minIncrease()).isEqualTo(100);
    assertThat(threads.value().getAsLong()).isPositive();
    assertThat(threads.limit()).isNull();
    assertThat(classes.value().getAsLong()).isGreaterThan(100);
    assertThat(classes.kind()).isEqualTo(LeakKind.CLASS_METADATA);
    assertThat(metaspace.unit()).isEqualTo(GaugeUnit.BYTES);
    assertThat(metaspace.value().getAsLong()).isPositive();
    assertThat(direct.limit().getAsLong()).isEqualTo(JvmGauges.maxDirectMemory());
    assertThat(direct.toString()).isEqualTo("LeakGauge[buffers.direct, direct_memory]");
  }
}
