package dev.reliability.core.leak;

import dev.reliability.core.leak.internal.ProcFs;
import java.lang.management.ManagementFactory;

/**
 * Forked by {@link ZgcResidentSetSizeTest}: prints the {@code process.rss} gauge, {@code VmRSS} and
 * the committed heap, in bytes, after the heap was touched.
 */
final class ResidentSetSizeMain {

  private ResidentSetSizeMain() {}

  public static void main(String[] args) {
    LeakGauge rss = JvmGauges.residentSetSize().orElseThrow();
    long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    System.out.println(
        "RSS " + rss.value().getAsLong() + " " + ProcFs.residentSetSize() + " " + committed);
  }
}
