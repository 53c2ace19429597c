package dev.reliability.health;

import dev.reliability.core.leak.GaugeUnit;
import dev.reliability.core.leak.JvmGauges;
import dev.reliability.core.leak.LeakDetector;
import dev.reliability.core.leak.LeakGauge;
import dev.reliability.core.leak.LeakKind;
import dev.reliability.health.internal.SystemResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Process gauges for a {@link LeakDetector} read through OSHI, for the platforms core's own readers
 * do not cover. Core's {@link JvmGauges} reads resident memory from {@code /proc} (Linux only, so
 * core needs no native library) and open files from the JDK's Unix bean; OSHI also reads them on
 * macOS and Windows.
 *
 * <pre>{@code
 * LeakDetector.Builder builder = LeakDetector.builder().name("orders");
 * ProcessLeakGauges.missingFromJvmGauges().forEach(builder::gauge);
 * LeakDetector detector = builder.build().start();
 * }</pre>
 *
 * <p>Readings that OSHI cannot make on this platform are skipped by the detector (the gauges answer
 * -1). Stateless and thread-safe; each reading asks OSHI afresh, on the detector's thread.
 */
public final class ProcessLeakGauges {

  private static final long MB = 1024L * 1024;

  private ProcessLeakGauges() {}

  /**
   * Returns the resident-set-size gauge ({@code process.rss}, bytes, {@link
   * LeakKind#NATIVE_MEMORY}) read through OSHI, limited by the machine's physical memory (or, when
   * that is unknown, with a minimum increase of 64 MB).
   *
   * @return the gauge, or empty when OSHI cannot read resident memory here
   */
  public static Optional<LeakGauge> residentSetSize() {
    if (!(SystemResources.residentMemoryBytes() > 0)) {
      return Optional.empty();
    }
    LeakGauge.Builder b =
        LeakGauge.builder("process.rss", ProcessLeakGauges::rss)
            .kind(LeakKind.NATIVE_MEMORY)
            .unit(GaugeUnit.BYTES);
    long total = SystemResources.systemMemory()[1];
    if (total > 0) {
      b.limit(total);
    } else {
      b.minIncrease(64 * MB);
    }
    return Optional.of(b.build());
  }

  /**
   * Returns the open-file gauge ({@code process.fds}, {@link LeakKind#FILE_DESCRIPTORS}; handles on
   * Windows) read through the JDK's Unix bean or OSHI, limited by the process's soft limit where
   * known, minimum increase 100.
   *
   * @return the gauge, or empty when open files cannot be counted here
   */
  public static Optional<LeakGauge> openFiles() {
    if (SystemResources.openFileDescriptors()[0] < 0) {
      return Optional.empty();
    }
    return Optional.of(
        LeakGauge.builder("process.fds", () -> SystemResources.openFileDescriptors()[0])
            .kind(LeakKind.FILE_DESCRIPTORS)
            .limit(() -> SystemResources.openFileDescriptors()[1])
            .minIncrease(100)
            .build());
  }

  /**
   * Returns the gauges of this class that {@link JvmGauges#all()} does not offer on this platform,
   * to add to a detector that watches the standard JVM gauges. Empty on Linux HotSpot, where core
   * reads both itself.
   *
   * @return the missing gauges, possibly none
   */
  public static List<LeakGauge> missingFromJvmGauges() {
    Set<String> present = new HashSet<>();
    for (LeakGauge g : JvmGauges.all()) {
      present.add(g.name());
    }
    List<LeakGauge> missing = new ArrayList<>();
    for (Optional<LeakGauge> g : List.of(residentSetSize(), openFiles())) {
      g.filter(gauge -> !present.contains(gauge.name())).ifPresent(missing::add);
    }
    return List.copyOf(missing);
  }

  private static long rss() {
    double bytes = SystemResources.residentMemoryBytes();
    return bytes > 0 ? (long) bytes : -1;
  }
}
