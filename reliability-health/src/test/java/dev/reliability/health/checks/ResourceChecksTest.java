package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthSettings;
import dev.reliability.health.HealthStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceChecksTest {

  private static final long MIB = 1024L * 1024L;

  @TempDir Path tmp;

  @Test
  void fileDescriptorsAgainstTheLimit() {
    HealthCheckResult ok =
        FileDescriptorHealthCheck.builder().reading(() -> new long[] {100, 1024}).build().check();
    assertThat(ok.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(ok.message()).isEqualTo("100 of 1024 file descriptors open (9.8%)");
    assertThat(ok.details())
        .containsEntry("open_file_descriptors", 100L)
        .containsEntry("max_file_descriptors", 1024L)
        .containsEntry("utilization", 0.1);
    assertThat(ok.measurement().orElseThrow().value()).isEqualTo(9.77);

    HealthCheckResult degraded =
        FileDescriptorHealthCheck.builder().reading(() -> new long[] {820, 1000}).build().check();
    assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(degraded.message())
        .isEqualTo(
            "820 of 1000 file descriptors open (82.0%), at or above the degraded threshold of"
                + " 80.0%");

    assertThat(
            FileDescriptorHealthCheck.builder()
                .reading(() -> new long[] {990, 1000})
                .build()
                .check()
                .status())
        .isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(
            FileDescriptorHealthCheck.builder()
                .reading(() -> new long[] {-1, -1})
                .build()
                .check()
                .status())
        .isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void fileDescriptorsAreReadOnThisMachine() {
    HealthCheckResult r = FileDescriptorHealthCheck.ofDefaults().check();

    assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat((Long) r.details().get("open_file_descriptors")).isPositive();
    assertThat((Long) r.details().get("max_file_descriptors")).isPositive();
    assertThat(FileDescriptorHealthCheck.ofDefaults().kind()).isEqualTo(HealthCheckKind.SYSTEM);
  }

  @Test
  void thresholdsAreValidated() {
    assertThatThrownBy(() -> FileDescriptorHealthCheck.builder().degradedAt(1.5))
        .hasMessage("degradedAt must be a fraction between 0.0 and 1.0, was 1.5");
    assertThatThrownBy(
            () -> FileDescriptorHealthCheck.builder().degradedAt(0.9).unhealthyAt(0.5).build())
        .hasMessage("unhealthyAt must be at least degradedAt (0.9), was 0.5");
    assertThatThrownBy(() -> DiskSpaceHealthCheck.builder().build())
        .hasMessage("paths must be at least one path, was none");
    assertThatThrownBy(() -> CpuHealthCheck.builder().loadPerProcessorDegradedAt(0))
        .hasMessage("loadPerProcessorDegradedAt must be more than 0, was 0.0");
  }

  @Test
  void systemMemory() {
    HealthCheckResult r =
        SystemMemoryHealthCheck.builder()
            .reading(() -> new long[] {512 * MIB, 8192 * MIB})
            .build()
            .check();
    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.message())
        .isEqualTo(
            "system memory 93.8% in use, 512.0 MiB available, at or above the degraded threshold"
                + " of 90.0%");
    assertThat(r.details()).containsEntry("available_mb", 512.0).containsEntry("total_mb", 8192.0);

    HealthCheckResult real =
        SystemMemoryHealthCheck.builder().degradedAt(1.0).unhealthyAt(1.0).build().check();
    assertThat(real.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat((Double) real.details().get("total_mb")).isPositive();
  }

  @Test
  void cpuAndLoad() {
    HealthCheckResult busy =
        CpuHealthCheck.builder()
            .readings(() -> 0.5, () -> 0.95, () -> 3.0, () -> 4)
            .build()
            .check();
    assertThat(busy.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(busy.message()).isEqualTo("CPU 95.0% in use");
    assertThat(busy.details())
        .containsEntry("process_cpu_percent", 50.0)
        .containsEntry("system_cpu_percent", 95.0)
        .containsEntry("load_average", 3.0)
        .containsEntry("processors", 4);

    HealthCheckResult loaded =
        CpuHealthCheck.builder()
            .loadPerProcessorDegradedAt(2.0)
            .readings(() -> 0.1, () -> 0.2, () -> 9.0, () -> 4)
            .build()
            .check();
    assertThat(loaded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(loaded.message()).isEqualTo("CPU 20.0% in use, load 2.25 per processor");

    assertThat(
            CpuHealthCheck.builder()
                .readings(() -> Double.NaN, () -> Double.NaN, () -> Double.NaN, () -> 1)
                .build()
                .check()
                .status())
        .isEqualTo(HealthStatus.UNKNOWN);
    HealthCheckResult real = CpuHealthCheck.ofDefaults().check();
    assertThat(real.details())
        .containsEntry("processors", Runtime.getRuntime().availableProcessors());
    assertThat(real.details()).containsKey("system_cpu_percent");
  }

  @Test
  void diskSpacePerPath() {
    HealthCheckResult fine =
        DiskSpaceHealthCheck.builder()
            .path(tmp)
            .degradedAt(1.0)
            .unhealthyAt(1.0)
            .minFreeBytes(0)
            .build()
            .check();
    assertThat(fine.status()).isEqualTo(HealthStatus.HEALTHY);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) fine.details().get("paths");
    assertThat(paths.get(tmp.toString())).containsKeys("free_mb", "total_mb", "utilization");

    HealthCheckResult tight =
        DiskSpaceHealthCheck.builder().path(tmp).minFreeBytes(Long.MAX_VALUE).build().check();
    assertThat(tight.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(tight.message()).contains(", below the minimum of ");

    Path missing = tmp.resolve("does-not-exist");
    HealthCheckResult worst =
        DiskSpaceHealthCheck.builder()
            .path(tmp)
            .path(missing)
            .degradedAt(1.0)
            .unhealthyAt(1.0)
            .minFreeBytes(0)
            .build()
            .check();
    assertThat(worst.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(worst.message()).startsWith(missing + ": cannot read disk space");
  }

  @Test
  void processMemoryAgainstTheSeedThreshold() {
    ProcessMemoryHealthCheck.Builder b =
        ProcessMemoryHealthCheck.builder().configSource(ConfigSource.empty());
    assertThat(b.build().threshold()).isEqualTo(500 * MIB);

    HealthCheckResult over = b.reading(() -> 600.0 * MIB).build().check();
    assertThat(over.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(over.message())
        .isEqualTo("resident memory 600.0 MiB, above the threshold of 500.0 MiB");
    assertThat(over.details())
        .containsEntry("memory_mb", 600.0)
        .containsEntry("threshold_mb", 500.0);

    HealthCheckResult fatal =
        b.reading(() -> 2048.0 * MIB).unhealthyAbove(1024 * MIB).build().check();
    assertThat(fatal.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(b.reading(() -> Double.NaN).build().check().status())
        .isEqualTo(HealthStatus.UNKNOWN);
  }

  @Test
  void processMemoryThresholdFromConfigurationAndSeedName() {
    ConfigSource seed =
        ConfigSource.environment(Map.of("HEALTH_MEMORY_THRESHOLD_MB", "300"))
            .withAliases(HealthSettings.SEED_ALIASES);
    assertThat(ProcessMemoryHealthCheck.builder().configSource(seed).build().threshold())
        .isEqualTo(300 * MIB);

    ConfigSource modern =
        ConfigSource.environment(Map.of("RELIABILITY_HEALTH_MEMORY_THRESHOLD", "2GB"));
    assertThat(
            ProcessMemoryHealthCheck.builder()
                .configSource(modern)
                .threshold(100 * MIB)
                .build()
                .threshold())
        .isEqualTo(2048 * MIB);

    ConfigSource bad =
        ConfigSource.environment(Map.of("RELIABILITY_HEALTH_MEMORY_THRESHOLD", "lots"));
    assertThatThrownBy(() -> ProcessMemoryHealthCheck.builder().configSource(bad).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "reliability.health.memory-threshold must be a size between 1MB and 1024TB such as"
                + " 500MB or 2GB (a bare number is megabytes), was \"lots\"");
  }

  @Test
  void processMemoryIsReadOnThisMachine() {
    HealthCheckResult r =
        ProcessMemoryHealthCheck.builder()
            .configSource(ConfigSource.empty())
            .threshold(1024 * 1024 * MIB)
            .build()
            .check();

    assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat((Double) r.details().get("memory_mb")).isPositive();
  }

  @Test
  void jvmMemoryJudgesHeapAfterGcAndBoundedNonHeap() {
    List<JvmMemoryHealthCheck.Pool> pools =
        List.of(
            new JvmMemoryHealthCheck.Pool("G1 Eden Space", true, 900 * MIB, -1, 0),
            new JvmMemoryHealthCheck.Pool("G1 Old Gen", true, 950 * MIB, 1000 * MIB, 920 * MIB),
            new JvmMemoryHealthCheck.Pool("Metaspace", false, 80 * MIB, -1, 0),
            new JvmMemoryHealthCheck.Pool("CodeHeap", false, 10 * MIB, 100 * MIB, 0));

    HealthCheckResult r = JvmMemoryHealthCheck.builder().pools(() -> pools).build().check();

    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.message())
        .isEqualTo("fullest pool G1 Old Gen at 92.0%, at or above the degraded threshold of 90.0%");
    assertThat(r.details())
        .containsEntry("heap_used_mb", 1850.0)
        .containsEntry("heap_max_mb", 1000.0);

    List<JvmMemoryHealthCheck.Pool> garbageOnly =
        List.of(
            new JvmMemoryHealthCheck.Pool("G1 Old Gen", true, 990 * MIB, 1000 * MIB, 100 * MIB));
    assertThat(JvmMemoryHealthCheck.builder().pools(() -> garbageOnly).build().check().status())
        .isEqualTo(HealthStatus.HEALTHY);

    HealthCheckResult real = JvmMemoryHealthCheck.ofDefaults().check();
    assertThat(real.details()).containsKeys("heap_used_mb", "heap_max_mb", "pools");
  }

  @Test
  void threadCountLimit() {
    HealthCheckResult r = ThreadHealthCheck.builder().maxThreads(1).build().check();

    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.message()).endsWith(" threads, at or above the maximum of 1");
    assertThat(ThreadHealthCheck.ofDefaults().check().status()).isEqualTo(HealthStatus.HEALTHY);
  }
}
