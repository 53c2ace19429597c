package dev.reliability.health;

import java.time.Duration;

/**
 * A sample of the process's resources, shown in the detailed health view under {@code resources}.
 * Read from the JVM's management beans and, for resident memory and open files, from OSHI.
 *
 * <p>A value that cannot be read on this platform is {@link Double#NaN} or {@code -1} and is left
 * out of the JSON.
 *
 * @param memoryMb the process's resident memory in MiB ({@code memory_mb})
 * @param cpuPercent the process's recent CPU use, 0 to 100 across all cores ({@code cpu_percent})
 * @param threads the number of live JVM threads ({@code threads})
 * @param heapUsedMb the heap in use in MiB ({@code heap_used_mb})
 * @param heapMaxMb the heap's maximum in MiB ({@code heap_max_mb})
 * @param systemCpuPercent the host's recent CPU use, 0 to 100 ({@code system_cpu_percent})
 * @param loadAverage the host's one-minute load average ({@code load_average})
 * @param openFileDescriptors the process's open file descriptors ({@code open_file_descriptors})
 * @param maxFileDescriptors the process's file descriptor limit ({@code max_file_descriptors})
 * @param uptime how long the JVM has run ({@code uptime_seconds})
 */
public record ResourceUsage(
    double memoryMb,
    double cpuPercent,
    int threads,
    double heapUsedMb,
    double heapMaxMb,
    double systemCpuPercent,
    double loadAverage,
    long openFileDescriptors,
    long maxFileDescriptors,
    Duration uptime) {}
