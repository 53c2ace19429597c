package dev.reliability.core.leak;

import dev.reliability.core.leak.internal.ProcFs;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard gauges a {@link LeakDetector} watches besides the heap: metaspace and loaded classes
 * (class-loader leaks), direct and mapped buffers, process resident set size, open file descriptors
 * and live threads.
 *
 * <p>Values come from the JDK's management beans ({@code java.lang.management}, and {@code
 * com.sun.management} where present); resident set size comes from {@code /proc/self/status} on
 * Linux, so core needs no native library (OSHI would bring JNA); on other systems that gauge is
 * absent and a user can add one of their own. Each factory returns empty when its source is not
 * available on this JVM.
 *
 * <p>Default minimum increases, when a gauge has no limit to take a share of: metaspace 8 MB,
 * loaded classes 1000, mapped buffers 16 MB, file descriptors 100, threads 25.
 *
 * <p>Stateless and thread-safe.
 */
public final class JvmGauges {

  private static final Logger LOG = LoggerFactory.getLogger(JvmGauges.class);
  private static final long MB = 1024L * 1024;

  private JvmGauges() {}

  /**
   * Returns every standard gauge available on this JVM, in a fixed order: metaspace, loaded
   * classes, direct buffers, mapped buffers, process RSS, file descriptors, threads.
   *
   * @return the available gauges
   */
  public static List<LeakGauge> all() {
    List<LeakGauge> gauges = new ArrayList<>();
    metaspace().ifPresent(gauges::add);
    loadedClasses().ifPresent(gauges::add);
    directBuffers().ifPresent(gauges::add);
    mappedBuffers().ifPresent(gauges::add);
    residentSetSize().ifPresent(gauges::add);
    openFileDescriptors().ifPresent(gauges::add);
    threads().ifPresent(gauges::add);
    return List.copyOf(gauges);
  }

  /**
   * Returns the metaspace gauge ({@code metaspace}, bytes used), limited by {@code
   * -XX:MaxMetaspaceSize} when set.
   *
   * @return the gauge, or empty without a metaspace pool
   */
  public static Optional<LeakGauge> metaspace() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
        LeakGauge.Builder b =
            LeakGauge.builder("metaspace", () -> pool.getUsage().getUsed())
                .kind(LeakKind.CLASS_METADATA)
                .unit(GaugeUnit.BYTES)
                .limit(() -> pool.getUsage().getMax());
        if (pool.getUsage().getMax() <= 0) {
          b.minIncrease(8 * MB);
        }
        return Optional.of(b.build());
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the loaded-class gauge ({@code classes.loaded}).
   *
   * @return the gauge
   */
  public static Optional<LeakGauge> loadedClasses() {
    ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    return Optional.of(
        LeakGauge.builder("classes.loaded", classes::getLoadedClassCount)
            .kind(LeakKind.CLASS_METADATA)
            .minIncrease(1000)
            .build());
  }

  /**
   * Returns the direct-buffer gauge ({@code buffers.direct}, bytes), limited by the maximum direct
   * memory ({@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap).
   *
   * @return the gauge, or empty without a direct buffer pool
   */
  public static Optional<LeakGauge> directBuffers() {
    return bufferPool("direct")
        .map(
            pool ->
                LeakGauge.builder("buffers.direct", pool::getMemoryUsed)
                    .kind(LeakKind.DIRECT_MEMORY)
                    .unit(GaugeUnit.BYTES)
                    .limit(maxDirectMemory())
                    .build());
  }

  /**
   * Returns the mapped-buffer gauge ({@code buffers.mapped}, bytes of mapped files).
   *
   * @return the gauge, or empty without a mapped buffer pool
   */
  public static Optional<LeakGauge> mappedBuffers() {
    return bufferPool("mapped")
        .map(
            pool ->
                LeakGauge.builder("buffers.mapped", pool::getMemoryUsed)
                    .kind(LeakKind.DIRECT_MEMORY)
                    .unit(GaugeUnit.BYTES)
                    .minIncrease(16 * MB)
                    .build());
  }

  /**
   * Returns the resident-set-size gauge ({@code process.rss}, bytes), limited by the container's
   * memory limit or else the machine's memory. Linux only. Under a collector that maps the heap
   * three times (non-generational ZGC), {@code VmRSS} counts the heap three times, so the gauge
   * reads the proportional set size instead, which counts it once (see {@link
   * ProcFs#multiMappedResidentSetSize()}); otherwise {@code VmRSS}, which is cheaper to read.
   *
   * @return the gauge, or empty where {@code /proc/self/status} cannot be read
   */
  public static Optional<LeakGauge> residentSetSize() {
    if (!ProcFs.rssAvailable()) {
      return Optional.empty();
    }
    long limit = ProcFs.cgroupMemoryLimit();
    if (limit <= 0) {
      limit = totalMemory();
    }
    LeakGauge.Builder b =
        LeakGauge.builder(
                "process.rss",
                multiMappedHeap(gcNames())
                    ? ProcFs::multiMappedResidentSetSize
                    : ProcFs::residentSetSize)
            .kind(LeakKind.NATIVE_MEMORY)
            .unit(GaugeUnit.BYTES);
    if (limit > 0) {
      b.limit(limit);
    } else {
      b.minIncrease(64 * MB);
    }
    return Optional.of(b.build());
  }

  /**
   * Returns whether the collector maps the heap more than once: non-generational ZGC, whose
   * collector beans are {@code ZGC Cycles} and {@code ZGC Pauses} (JDK 17 to 23; generational ZGC's
   * are {@code ZGC Minor/Major Cycles/Pauses} and maps it once).
   *
   * @param gcNames the names of the JVM's garbage-collector beans
   * @return true for non-generational ZGC
   */
  static boolean multiMappedHeap(List<String> gcNames) {
    boolean zgc = false;
    for (String name : gcNames) {
      if (name.startsWith("ZGC")) {
        zgc = true;
        if (name.contains("Minor") || name.contains("Major")) {
          return false;
        }
      }
    }
    return zgc;
  }

  private static List<String> gcNames() {
    List<String> names = new ArrayList<>();
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      names.add(gc.getName());
    }
    return names;
  }

  /**
   * Returns the open-file-descriptor gauge ({@code process.fds}), limited by the process's maximum.
   * Unix JVMs with {@code com.sun.management} only.
   *
   * @return the gauge, or empty where descriptors cannot be counted
   */
  public static Optional<LeakGauge> openFileDescriptors() {
    try {
      OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix
          && unix.getOpenFileDescriptorCount() >= 0) {
        return Optional.of(
            LeakGauge.builder("process.fds", unix::getOpenFileDescriptorCount)
                .kind(LeakKind.FILE_DESCRIPTORS)
                .limit(unix::getMaxFileDescriptorCount)
                .minIncrease(100)
                .build());
      }
    } catch (LinkageError e) {
      LOG.debug("No com.sun.management on this JVM; file descriptors are not watched", e);
    }
    return Optional.empty();
  }

  /**
   * Returns the live-thread gauge ({@code threads.live}).
   *
   * @return the gauge
   */
  public static Optional<LeakGauge> threads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return Optional.of(
        LeakGauge.builder("threads.live", threads::getThreadCount)
            .kind(LeakKind.THREADS)
            .minIncrease(25)
            .build());
  }

  private static Optional<BufferPoolMXBean> bufferPool(String name) {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals(name)) {
        return Optional.of(pool);
      }
    }
    return Optional.empty();
  }

  static long maxDirectMemory() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (hotspot != null) {
        long v = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
        if (v > 0) {
          return v;
        }
      }
    } catch (LinkageError | RuntimeException e) {
      LOG.debug("MaxDirectMemorySize unreadable; assuming the maximum heap", e);
    }
    return Runtime.getRuntime().maxMemory();
  }

  private static long totalMemory() {
    try {
      OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        return sun.getTotalMemorySize();
      }
    } catch (LinkageError e) {
      LOG.debug("No com.sun.management on this JVM; RSS has no limit", e);
    }
    return -1;
  }
}
