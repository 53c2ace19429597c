package dev.reliability.core.leak.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HeapMonitorTest {

  @Test
  void majorCollections() {
    assertThat(HeapMonitor.isMajor("G1 Old Generation", "end of major GC", false)).isTrue();
    assertThat(HeapMonitor.isMajor("G1 Young Generation", "end of minor GC", false)).isFalse();
    assertThat(HeapMonitor.isMajor("PS MarkSweep", "end of major GC", false)).isTrue();
    assertThat(HeapMonitor.isMajor("MarkSweepCompact", "end of major GC", false)).isTrue();
    assertThat(HeapMonitor.isMajor("Copy", "end of minor GC", false)).isFalse();
    assertThat(HeapMonitor.isMajor("ZGC Major Cycles", "end of GC cycle", false)).isTrue();
    assertThat(HeapMonitor.isMajor("ZGC Minor Cycles", "end of GC cycle", false)).isFalse();
    assertThat(HeapMonitor.isMajor("ZGC Cycles", "end of GC cycle", true)).isTrue();
    assertThat(HeapMonitor.isMajor("Shenandoah Cycles", "end of GC cycle", true)).isTrue();
  }

  @Test
  void watchesTheOldPoolReceivesCollectionsAndRestoresTheThreshold() {
    List<long[]> samples = new CopyOnWriteArrayList<>();
    HeapMonitor.Sink sink =
        new HeapMonitor.Sink() {
          @Override
          public void collection(long liveAfter, boolean reclaimed) {
            samples.add(new long[] {liveAfter, reclaimed ? 1 : 0});
          }

          @Override
          public void thresholdExceeded(long usedAfter, long threshold) {}

          @Override
          public void thresholdCleared(long usedAfter, long threshold) {}
        };
    HeapMonitor monitor = new HeapMonitor(sink, 0.9);
    MemoryPoolMXBean pool = pool(monitor.poolName());
    long before = pool.getCollectionUsageThreshold();

    assertThat(monitor.start()).isTrue();
    assertThat(monitor.threshold()).isEqualTo((long) (0.9 * monitor.limit()));
    assertThat(pool.getCollectionUsageThreshold()).isEqualTo(monitor.threshold());
    await()
        .untilAsserted(
            () -> {
              System.gc();
              assertThat(samples).anySatisfy(s -> assertThat(s[1]).isEqualTo(1));
            });
    assertThat(monitor.thresholdExceeded()).isFalse();
    monitor.close();
    monitor.close();

    assertThat(pool.getCollectionUsageThreshold()).isEqualTo(before);
    int seen = samples.size();
    System.gc();
    assertThat(samples).hasSize(seen);
  }

  private static MemoryPoolMXBean pool(String name) {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no pool " + name);
  }
}
