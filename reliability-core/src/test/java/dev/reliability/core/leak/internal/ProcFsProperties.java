package dev.reliability.core.leak.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class ProcFsProperties {

  @Property
  void parsesAnyWellFormedField(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2048) long kb) {
    String status = "Name:\tjava\nVmRSS:\t " + kb + " kB\nThreads:\t3\n";

    assertThat(ProcFs.parseStatusKb(status, "VmRSS")).isEqualTo(kb);
  }

  @Property
  void neverThrowsOnArbitraryText(@ForAll String text) {
    assertThat(ProcFs.parseStatusKb(text, "VmRSS")).isGreaterThanOrEqualTo(-1);
    assertThat(ProcFs.parseLimit(text)).isGreaterThanOrEqualTo(-1);
  }
}
