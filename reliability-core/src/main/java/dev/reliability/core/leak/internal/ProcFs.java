package dev.reliability.core.leak.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads process memory from Linux's {@code /proc} and the cgroup memory limit, so core needs no
 * native library (OSHI would add JNA). Elsewhere the readers report nothing.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class ProcFs {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path SMAPS_ROLLUP = Path.of("/proc/self/smaps_rollup");
  private static final Path CGROUP_V2_MAX = Path.of("/sys/fs/cgroup/memory.max");
  private static final Path CGROUP_V1_LIMIT =
      Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes");

  private ProcFs() {}

  /**
   * Returns whether this process's resident set size can be read.
   *
   * @return true on Linux with a readable {@code /proc/self/status}
   */
  public static boolean rssAvailable() {
    return Files.isReadable(STATUS) && residentSetSize() >= 0;
  }

  /**
   * Returns this process's resident set size from {@code /proc/self/status} ({@code VmRSS}).
   *
   * @return bytes, or -1 if unavailable
   */
  public static long residentSetSize() {
    try {
      return parseStatusKb(Files.readString(STATUS, StandardCharsets.US_ASCII), "VmRSS") * 1024;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Returns this process's resident memory for a heap that is mapped several times, as
   * non-generational ZGC (JDK 17, and 21 to 23 without {@code -XX:+ZGenerational}) maps its heap
   * three times (the marked0, marked1 and remapped views of one shared-memory file). {@code VmRSS}
   * counts such a page once per mapping, so it reads about three times the heap. The proportional
   * set size ({@code Pss} in {@code /proc/self/smaps_rollup}, Linux 4.14 and later) splits every
   * page among its mappings and counts it once in total; pages shared with other processes count
   * their share. Without {@code smaps_rollup}, {@code VmRSS} less two thirds of {@code RssShmem}
   * (the shared memory the three views count three times) estimates the same.
   *
   * @return bytes, or -1 if unavailable
   */
  public static long multiMappedResidentSetSize() {
    try {
      if (Files.isReadable(SMAPS_ROLLUP)) {
        long pss = parseStatusKb(Files.readString(SMAPS_ROLLUP, StandardCharsets.US_ASCII), "Pss");
        if (pss >= 0) {
          return pss * 1024;
        }
      }
      return discountMultiMapping(Files.readString(STATUS, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Estimates resident memory from a {@code /proc/<pid>/status} text when shared memory is mapped
   * three times: {@code VmRSS - 2/3 RssShmem}.
   *
   * @param status the file's text
   * @return bytes, or -1 if {@code VmRSS} is absent or malformed
   */
  public static long discountMultiMapping(String status) {
    long rss = parseStatusKb(status, "VmRSS");
    if (rss < 0) {
      return -1;
    }
    long shmem = Math.max(0, parseStatusKb(status, "RssShmem"));
    return Math.max(0, rss - shmem * 2 / 3) * 1024;
  }

  /**
   * Returns a {@code kB} field of a {@code /proc/<pid>/status} text.
   *
   * @param status the file's text
   * @param field the field name, such as {@code VmRSS}
   * @return the value in kB, or -1 if absent or malformed
   */
  public static long parseStatusKb(String status, String field) {
    String prefix = field + ":";
    int at = status.startsWith(prefix) ? 0 : status.indexOf("\n" + prefix);
    if (at < 0) {
      return -1;
    }
    int start = status.indexOf(':', at) + 1;
    int end = status.indexOf('\n', start);
    String value = status.substring(start, end < 0 ? status.length() : end).strip();
    String[] parts = value.split("\\s+");
    if (parts.length == 0 || parts.length > 2) {
      return -1;
    }
    if (parts.length == 2 && !parts[1].toLowerCase(Locale.ROOT).equals("kb")) {
      return -1;
    }
    try {
      long kb = Long.parseLong(parts[0]);
      return kb < 0 ? -1 : kb;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Returns the memory limit of this process's cgroup (v2 {@code memory.max}, else v1 {@code
   * memory.limit_in_bytes}).
   *
   * @return bytes, or -1 if unlimited or unavailable
   */
  public static long cgroupMemoryLimit() {
    for (Path p : new Path[] {CGROUP_V2_MAX, CGROUP_V1_LIMIT}) {
      try {
        if (Files.isReadable(p)) {
          return parseLimit(Files.readString(p, StandardCharsets.US_ASCII));
        }
      } catch (IOException | RuntimeException e) {
        // try the next one
      }
    }
    return -1;
  }

  /**
   * Parses a cgroup memory limit file's text: a number of bytes, or {@code max}; v1's "no limit" (a
   * value near {@code Long.MAX_VALUE}) counts as none.
   *
   * @param text the file's text
   * @return bytes, or -1 if unlimited or malformed
   */
  public static long parseLimit(String text) {
    String s = text.strip();
    if (s.equals("max")) {
      return -1;
    }
    try {
      long v = Long.parseLong(s);
      return v <= 0 || v >= Long.MAX_VALUE / 2 ? -1 : v;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
