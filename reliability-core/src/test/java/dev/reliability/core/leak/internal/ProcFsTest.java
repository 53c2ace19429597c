package dev.reliability.core.leak.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcFsTest {

  private static final String STATUS =
      "Name:\tjava\nVmPeak:\t 5000000 kB\nVmRSS:\t  219340 kB\nThreads:\t42\n";

  @Test
  void readsKilobyteFields() {
    assertThat(ProcFs.parseStatusKb(STATUS, "VmRSS")).isEqualTo(219_340);
    assertThat(ProcFs.parseStatusKb(STATUS, "VmPeak")).isEqualTo(5_000_000);
  }

  @Test
  void firstLineAndMissingOrMalformedFields() {
    assertThat(ProcFs.parseStatusKb("VmRSS: 10 kB", "VmRSS")).isEqualTo(10);
    assertThat(ProcFs.parseStatusKb(STATUS, "VmSwap")).isEqualTo(-1);
    assertThat(ProcFs.parseStatusKb("VmRSS:\tlots kB\n", "VmRSS")).isEqualTo(-1);
    assertThat(ProcFs.parseStatusKb("VmRSS:\t10 MB\n", "VmRSS")).isEqualTo(-1);
    assertThat(ProcFs.parseStatusKb("VmRSS:\t-10 kB\n", "VmRSS")).isEqualTo(-1);
    assertThat(ProcFs.parseStatusKb("XVmRSS:\t10 kB\n", "VmRSS")).isEqualTo(-1);
  }

  @Test
  void cgroupLimits() {
    assertThat(ProcFs.parseLimit("536870912\n")).isEqualTo(536_870_912L);
    assertThat(ProcFs.parseLimit("max\n")).isEqualTo(-1);
    assertThat(ProcFs.parseLimit("9223372036854771712")).isEqualTo(-1);
    assertThat(ProcFs.parseLimit("garbage")).isEqualTo(-1);
    assertThat(ProcFs.parseLimit("0")).isEqualTo(-1);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void readsThisProcessesResidentSetSize() {
    assertThat(ProcFs.rssAvailable()).isTrue();
    assertThat(ProcFs.residentSetSize()).isGreaterThan(1024L * 1024);
  }
}
