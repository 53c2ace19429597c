package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The resident-set gauge under ZGC, in a forked JVM whose 192 MB heap is touched at start: on JDK
 * 17 non-generational ZGC maps the heap three times and {@code VmRSS} counts it three times; the
 * gauge must count it once, or the report diagnoses a native-memory leak that does not exist. On
 * JDKs whose ZGC maps the heap once the two agree.
 */
@EnabledOnOs(OS.LINUX)
class ZgcResidentSetSizeTest {

  private static final long MB = 1024L * 1024;

  @Test
  void theResidentSetGaugeCountsAMultiMappedZgcHeapOnce() throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseZGC",
            "-Xms192m",
            "-Xmx192m",
            "-XX:+AlwaysPreTouch",
            "-cp",
            System.getProperty("java.class.path"),
            ResidentSetSizeMain.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("forked JVM finished").isTrue();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
    String line =
        out.lines().filter(l -> l.startsWith("RSS ")).findFirst().orElseThrow(() -> fail(out));
    String[] f = line.split(" ");
    long gauge = Long.parseLong(f[1]);
    long vmRss = Long.parseLong(f[2]);
    long committed = Long.parseLong(f[3]);
    assumeThat(committed).as("heap committed").isGreaterThanOrEqualTo(190 * MB);

    // The JVM outside the heap (code, metaspace, threads, GC structures) takes well under 192 MB.
    assertThat(gauge)
        .as("gauge, VmRSS %s MB: %s", vmRss / MB, out)
        .isBetween(committed, 2 * committed);
    if (vmRss > 3 * committed) {
      assertThat(gauge).as("multi-mapped heap counted once").isLessThan(vmRss / 2);
    }
  }

  private static IOException fail(String out) {
    return new IOException("no RSS line in: " + out);
  }
}
