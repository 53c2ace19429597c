package dev.reliability.health.internal;

import dev.reliability.health.ResourceUsage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;

/**
 * Reads process and host resources: CPU, heap, threads and load from the JVM's management beans;
 * resident memory, available memory and open files from OSHI (which reads {@code /proc} on Linux
 * and the native APIs elsewhere), falling back to the JVM's beans where OSHI cannot answer.
 *
 * <p>Every method answers {@link Double#NaN} or {@code -1} for a value this platform does not
 * provide, and never throws. OSHI is loaded on first use; if it cannot load (no native access), the
 * OSHI-only values are unavailable and everything else still works.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class SystemResources {

  private static final Logger LOG = LoggerFactory.getLogger(SystemResources.class);
  private static final double MIB = 1024.0 * 1024.0;

  private SystemResources() {}

  /**
   * Samples everything the detailed view shows.
   *
   * @return the sample
   */
  public static ResourceUsage sample() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    long[] files = openFileDescriptors();
    return new ResourceUsage(
        round2(residentMemoryBytes() / MIB),
        round2(processCpuLoad() * 100),
        threads.getThreadCount(),
        round2(heap.getUsed() / MIB),
        heap.getMax() < 0 ? Double.NaN : round2(heap.getMax() / MIB),
        round2(systemCpuLoad() * 100),
        round2(loadAverage()),
        files[0],
        files[1],
        Duration.ofMillis(runtime.getUptime()));
  }

  /**
   * Returns the process's resident memory.
   *
   * @return bytes, or NaN if unavailable
   */
  public static double residentMemoryBytes() {
    OSProcess p = Oshi.currentProcess();
    if (p != null) {
      long rss = p.getResidentSetSize();
      if (rss > 0) {
        return rss;
      }
    }
    return Double.NaN;
  }

  /**
   * Returns the process's recent CPU use across all cores.
   *
   * @return a fraction between 0.0 and 1.0, or NaN if unavailable
   */
  public static double processCpuLoad() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      double load = sun.getProcessCpuLoad();
      return load < 0 ? Double.NaN : load;
    }
    return Double.NaN;
  }

  /**
   * Returns the host's recent CPU use.
   *
   * @return a fraction between 0.0 and 1.0, or NaN if unavailable
   */
  public static double systemCpuLoad() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      double load = sun.getCpuLoad();
      return load < 0 ? Double.NaN : load;
    }
    return Double.NaN;
  }

  /**
   * Returns the host's one-minute load average.
   *
   * @return the load average, or NaN if unavailable (Windows)
   */
  public static double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? Double.NaN : load;
  }

  /**
   * Returns the number of processors available to the JVM.
   *
   * @return the processor count
   */
  public static int processors() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Returns the host's physical memory.
   *
   * @return {@code {available, total}} in bytes, each -1 if unavailable
   */
  public static long[] systemMemory() {
    GlobalMemory memory = Oshi.memory();
    if (memory != null) {
      return new long[] {memory.getAvailable(), memory.getTotal()};
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return new long[] {sun.getFreeMemorySize(), sun.getTotalMemorySize()};
    }
    return new long[] {-1, -1};
  }

  /**
   * Returns the process's open file descriptors and their limit.
   *
   * @return {@code {open, max}}, each -1 if unavailable
   */
  public static long[] openFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return new long[] {unix.getOpenFileDescriptorCount(), unix.getMaxFileDescriptorCount()};
    }
    OSProcess p = Oshi.currentProcess();
    if (p != null) {
      long open = p.getOpenFiles();
      long max = p.getSoftOpenFileLimit();
      return new long[] {open < 0 ? -1 : open, max <= 0 ? -1 : max};
    }
    return new long[] {-1, -1};
  }

  private static double round2(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? Double.NaN : Math.round(v * 100) / 100.0;
  }

  /** OSHI, loaded on first use; null answers when it cannot load here. */
  private static final class Oshi {
    private static final SystemInfo INFO = load();

    private static SystemInfo load() {
      try {
        return new SystemInfo();
      } catch (RuntimeException | LinkageError e) {
        LOG.info("OSHI is unavailable ({}); resident and available memory will not be shown", e);
        return null;
      }
    }

    static OSProcess currentProcess() {
      if (INFO == null) {
        return null;
      }
      try {
        return INFO.getOperatingSystem().getCurrentProcess();
      } catch (RuntimeException | LinkageError e) {
        LOG.debug("OSHI could not read the current process", e);
        return null;
      }
    }

    static GlobalMemory memory() {
      if (INFO == null) {
        return null;
      }
      try {
        return INFO.getHardware().getMemory();
      } catch (RuntimeException | LinkageError e) {
        LOG.debug("OSHI could not read the memory", e);
        return null;
      }
    }
  }
}
