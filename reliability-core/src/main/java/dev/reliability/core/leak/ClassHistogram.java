package dev.reliability.core.leak;

import dev.reliability.core.internal.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Instances and bytes per class on the heap, as the JVM's {@code GC.class_histogram} diagnostic
 * command reports them after a full collection.
 *
 * <p>Taken by {@link LeakDetector#takeClassHistogram()} (rate-limited, because it forces a full GC)
 * or parsed from {@code jcmd <pid> GC.class_histogram} output. Two histograms diff into {@link
 * LeakSuspects}: the classes that grew most.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClassHistogram {

  /**
   * One line of a histogram.
   *
   * @param className the class's binary name as the JVM prints it, such as {@code [B} or {@code
   *     com.example.Session}
   * @param instances live instances
   * @param bytes shallow bytes of those instances
   */
  public record Entry(String className, long instances, long bytes) {
    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code className} is null
     * @throws IllegalArgumentException if a count is negative
     */
    public Entry {
      Checks.notBlank("className", className);
      Checks.notNegative("instances", instances);
      Checks.notNegative("bytes", bytes);
    }
  }

  private final Instant time;
  private final List<Entry> entries;
  private final Map<String, Entry> byName;
  private final long totalInstances;
  private final long totalBytes;

  private ClassHistogram(Instant time, List<Entry> entries) {
    this.time = time;
    this.entries = List.copyOf(entries);
    Map<String, Entry> map = new HashMap<>();
    long instances = 0;
    long bytes = 0;
    for (Entry e : entries) {
      map.merge(
          e.className(),
          e,
          (a, b) -> new Entry(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
      instances += e.instances();
      bytes += e.bytes();
    }
    this.byName = Collections.unmodifiableMap(map);
    this.totalInstances = instances;
    this.totalBytes = bytes;
  }

  /**
   * Creates a histogram from entries.
   *
   * @param time when it was taken
   * @param entries the entries, in any order
   * @return the histogram
   * @throws NullPointerException if an argument is null
   */
  public static ClassHistogram of(Instant time, List<Entry> entries) {
    Checks.notNull("time", time);
    Checks.notNull("entries", entries);
    return new ClassHistogram(time, entries);
  }

  /**
   * Parses the text of the {@code GC.class_histogram} diagnostic command:
   *
   * <pre>
   *  num     #instances         #bytes  class name (module)
   * -------------------------------------------------------
   *    1:         20591        1649240  [B (java.base@17.0.15)
   *    2:        200000        3200000  com.example.Session
   * Total        486257      113445856
   * </pre>
   *
   * Lines that do not have that shape (headers, the total, anything a JVM adds) are skipped; the
   * module suffix is dropped. Classes that several loaders define appear once per loader and are
   * summed by {@link #entry(String)}.
   *
   * @param text the command's output
   * @param time when it was taken
   * @return the histogram, possibly empty
   * @throws NullPointerException if an argument is null
   */
  public static ClassHistogram parse(String text, Instant time) {
    Checks.notNull("text", text);
    Checks.notNull("time", time);
    List<Entry> entries = new ArrayList<>();
    for (String raw : text.split("\n")) {
      Entry e = parseLine(raw);
      if (e != null) {
        entries.add(e);
      }
    }
    return new ClassHistogram(time, entries);
  }

  private static Entry parseLine(String raw) {
    String line = raw.strip();
    int colon = line.indexOf(':');
    if (colon <= 0 || !digits(line, 0, colon)) {
      return null;
    }
    String[] parts = line.substring(colon + 1).strip().split("\\s+", 3);
    if (parts.length < 3 || !digits(parts[0], 0, parts[0].length())) {
      return null;
    }
    if (!digits(parts[1], 0, parts[1].length())) {
      return null;
    }
    String name = parts[2];
    int module = name.indexOf(" (");
    if (module > 0 && name.endsWith(")")) {
      name = name.substring(0, module);
    }
    name = name.strip();
    if (name.isEmpty() || parts[0].length() > 18 || parts[1].length() > 18) {
      return null;
    }
    return new Entry(name, Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }

  private static boolean digits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns when the histogram was taken.
   *
   * @return the time
   */
  public Instant time() {
    return time;
  }

  /**
   * Returns the entries in the order given (the JVM's order is by bytes, largest first).
   *
   * @return an unmodifiable list
   */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * Returns a class's entry, summed over class loaders.
   *
   * @param className the class name as the JVM prints it
   * @return the entry, or empty if the class had no instances
   */
  public Optional<Entry> entry(String className) {
    return Optional.ofNullable(byName.get(className));
  }

  /**
   * Returns the number of instances of all classes.
   *
   * @return the total instances
   */
  public long totalInstances() {
    return totalInstances;
  }

  /**
   * Returns the shallow bytes of all instances.
   *
   * @return the total bytes
   */
  public long totalBytes() {
    return totalBytes;
  }

  /**
   * Lists the classes that grew most from an older histogram to this one: by bytes, then by
   * instances; classes that did not grow are left out.
   *
   * @param older the earlier histogram
   * @param limit how many classes to list at most, at least 1
   * @return the suspects
   * @throws NullPointerException if {@code older} is null
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public LeakSuspects growthSince(ClassHistogram older, int limit) {
    Checks.notNull("older", older);
    Checks.positive("limit", limit);
    List<ClassGrowth> grown = new ArrayList<>();
    for (Entry now : byName.values()) {
      Entry then = older.byName.get(now.className());
      long instancesBefore = then == null ? 0 : then.instances();
      long bytesBefore = then == null ? 0 : then.bytes();
      if (now.bytes() > bytesBefore || now.instances() > instancesBefore) {
        grown.add(
            new ClassGrowth(
                now.className(), instancesBefore, now.instances(), bytesBefore, now.bytes()));
      }
    }
    grown.sort(ClassGrowth.LARGEST_FIRST);
    return new LeakSuspects(
        older.time,
        time,
        grown.size() > limit ? grown.subList(0, limit) : grown,
        totalBytes - older.totalBytes,
        totalInstances - older.totalInstances);
  }

  @Override
  public String toString() {
    return "ClassHistogram["
        + time
        + ", "
        + entries.size()
        + " classes, "
        + GaugeUnit.BYTES.format(totalBytes)
        + "]";
  }
}
