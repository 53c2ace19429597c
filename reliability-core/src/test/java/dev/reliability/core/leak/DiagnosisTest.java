package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

  private static final double MB = 1024 * 1024;

  @Test
  void nothingLeaking() {
    Diagnosis d = Diagnosis.of(List.of(trend("heap", LeakKind.HEAP, LeakState.NONE, 0)));

    assertThat(d.kinds).isEmpty();
    assertThat(d.text).isEqualTo("no leak suspected");
  }

  @Test
  void warmingUp() {
    GaugeTrend warming =
        new GaugeTrend(
            "heap",
            LeakKind.HEAP,
            GaugeUnit.BYTES,
            LeakState.NONE,
            Instant.EPOCH,
            null,
            true,
            -1,
            -1,
            -1,
            0,
            null,
            Duration.ZERO,
            0,
            0,
            0,
            0,
            "warming up");

    assertThat(Diagnosis.of(List.of(warming)).text).isEqualTo("warming up");
  }

  @Test
  void residentMemoryGrowingWhileTheHeapIsFlatIsNative() {
    Diagnosis d =
        Diagnosis.of(
            List.of(
                trend("heap", LeakKind.HEAP, LeakState.NONE, 0),
                trend("process.rss", LeakKind.NATIVE_MEMORY, LeakState.SUSPECTED, 30 * MB)));

    assertThat(d.kinds).containsExactly(LeakKind.NATIVE_MEMORY);
    assertThat(d.text)
        .isEqualTo(
            "process RSS grows 30.0 MB/min, more than the heap, buffers, metaspace and threads"
                + " explain (0 B/min): native memory leaks (JNI or native libraries, unclosed"
                + " native resources, malloc arenas)");
  }

  @Test
  void residentMemoryFollowingTheHeapIsAHeapLeak() {
    Diagnosis d =
        Diagnosis.of(
            List.of(
                trend("heap", LeakKind.HEAP, LeakState.CONFIRMED, 28 * MB),
                trend("process.rss", LeakKind.NATIVE_MEMORY, LeakState.SUSPECTED, 30 * MB)));

    assertThat(d.kinds).containsExactly(LeakKind.HEAP);
    assertThat(d.text)
        .isEqualTo(
            "heap live set grows 28.0 MB/min (confirmed): a heap leak; process RSS grows 30.0"
                + " MB/min, explained by the above");
  }

  @Test
  void directBuffersAndThreadsExplainResidentMemory() {
    Diagnosis d =
        Diagnosis.of(
            List.of(
                trend("buffers.direct", LeakKind.DIRECT_MEMORY, LeakState.SUSPECTED, 8 * MB),
                trend("threads.live", LeakKind.THREADS, LeakState.SUSPECTED, 20),
                trend("process.rss", LeakKind.NATIVE_MEMORY, LeakState.SUSPECTED, 15 * MB)));

    // 8 MB/min of buffers + 20 threads/min x 256 KB = 13 MB/min of 15 MB/min.
    assertThat(d.kinds).containsExactly(LeakKind.DIRECT_MEMORY, LeakKind.THREADS);
    assertThat(d.text)
        .contains("buffers.direct grows 8.0 MB/min (suspected): NIO buffers are not released")
        .contains("threads.live grows 20/min (suspected): threads start and never end")
        .endsWith("process RSS grows 15.0 MB/min, explained by the above");
  }

  @Test
  void classMetadataDescriptorsAndCustomGauges() {
    Diagnosis d =
        Diagnosis.of(
            List.of(
                trend("classes.loaded", LeakKind.CLASS_METADATA, LeakState.SUSPECTED, 300),
                trend("process.fds", LeakKind.FILE_DESCRIPTORS, LeakState.CONFIRMED, 40),
                trend("sessions", LeakKind.CUSTOM, LeakState.SUSPECTED, 12)));

    assertThat(d.kinds)
        .containsExactly(LeakKind.CLASS_METADATA, LeakKind.FILE_DESCRIPTORS, LeakKind.CUSTOM);
    assertThat(d.text)
        .isEqualTo(
            "classes.loaded grows 300/min (suspected): classes are loaded and never unloaded, a"
                + " class-loader leak (redeployed applications, generated proxies or scripts);"
                + " process.fds grows 40/min (confirmed): files or sockets are opened and not"
                + " closed; sessions grows 12/min (suspected)");
  }

  private static GaugeTrend trend(String name, LeakKind kind, LeakState state, double perMinute) {
    GaugeUnit unit =
        kind == LeakKind.THREADS
                || kind == LeakKind.FILE_DESCRIPTORS
                || kind == LeakKind.CUSTOM
                || name.equals("classes.loaded")
            ? GaugeUnit.COUNT
            : GaugeUnit.BYTES;
    return new GaugeTrend(
        name,
        kind,
        unit,
        state,
        Instant.EPOCH,
        state.isLeak() ? Instant.EPOCH : null,
        false,
        100,
        50,
        -1,
        perMinute,
        null,
        Duration.ofMinutes(1),
        12,
        12,
        0,
        0.9,
        "test");
  }
}
