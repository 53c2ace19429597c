package dev.reliability.core.leak.internal;

import dev.reliability.core.leak.AllocationSite;
import dev.reliability.core.leak.AllocationSites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A bounded JFR recording of {@code jdk.OldObjectSample} events with stack traces, and the reading
 * of it into {@link AllocationSites}.
 *
 * <p>Only this class touches {@code jdk.jfr}; it is loaded only when a recording is asked for, so a
 * runtime without that module loses only this feature. The recording is bounded by size and
 * duration (JFR stops it on its own) and kept in a temporary file that closing deletes.
 *
 * <p>This class is internal and may change at any time. Thread-safe.
 */
public final class OldObjectRecorder implements AutoCloseable {

  /** Stack depth kept per site. */
  static final int STACK_DEPTH = 6;

  private static final String EVENT = "jdk.OldObjectSample";

  private final Recording recording;
  private final Instant started;

  private OldObjectRecorder(Recording recording, Instant started) {
    this.recording = recording;
    this.started = started;
  }

  /**
   * Returns whether JFR is available in this runtime.
   *
   * @return true if the {@code jdk.jfr} module is present
   */
  public static boolean available() {
    return JfrSupport.available();
  }

  /**
   * Starts a recording.
   *
   * @param maxSize the size bound in bytes
   * @param duration how long until JFR stops it
   * @param cutoff how long JFR may search for GC-root paths when the recording is read; zero for
   *     none
   * @param now the start time to report
   * @return the running recorder
   * @throws UnsupportedOperationException if JFR is unavailable or refuses to start
   */
  public static OldObjectRecorder start(
      long maxSize, Duration duration, Duration cutoff, Instant now) {
    if (!available()) {
      throw new UnsupportedOperationException("allocation sites need the jdk.jfr module");
    }
    try {
      Recording r = new Recording();
      r.setName("reliability-leak-old-objects");
      r.enable(EVENT)
          .withStackTrace()
          .with("cutoff", cutoff.isZero() ? "0 ns" : cutoff.toMillis() + " ms");
      r.setToDisk(true);
      r.setMaxSize(maxSize);
      r.setDuration(duration);
      r.start();
      return new OldObjectRecorder(r, now);
    } catch (RuntimeException | LinkageError e) {
      throw new UnsupportedOperationException("JFR refused to start a recording: " + e, e);
    }
  }

  /**
   * Returns when the recording started.
   *
   * @return the start time
   */
  public Instant started() {
    return started;
  }

  /**
   * Returns whether the recording still runs (it stops by itself after its duration).
   *
   * @return true while recording
   */
  public boolean running() {
    return recording.getState() == jdk.jfr.RecordingState.RUNNING;
  }

  /**
   * Dumps the recording and groups its old-object samples by allocation site.
   *
   * @param limit how many sites to return at most
   * @param now the read time to report
   * @return the sites
   * @throws IOException if the dump cannot be written or read
   */
  public AllocationSites read(int limit, Instant now) throws IOException {
    Path file = Files.createTempFile("reliability-leak-", ".jfr");
    try {
      recording.dump(file);
      List<RecordedEvent> events = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        if (e.getEventType().getName().equals(EVENT)) {
          events.add(e);
        }
      }
      return sites(events, limit, started, now);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static AllocationSites sites(
      List<RecordedEvent> events, int limit, Instant started, Instant now) {
    Map<String, Site> sites = new LinkedHashMap<>();
    for (RecordedEvent e : events) {
      RecordedStackTrace trace = e.getStackTrace();
      List<RecordedFrame> frames = trace == null ? List.of() : trace.getFrames();
      int first = 0;
      while (first < frames.size() - 1 && isJdkFrame(frames.get(first))) {
        first++;
      }
      String key = frames.isEmpty() ? "(no stack trace)" : describe(frames.get(first));
      Site site = sites.computeIfAbsent(key, k -> new Site());
      site.samples++;
      if (site.stack == null) {
        site.stack = new ArrayList<>();
        for (int i = first; i < frames.size() && site.stack.size() < STACK_DEPTH; i++) {
          site.stack.add(describe(frames.get(i)));
        }
      }
      RecordedObject object = e.hasField("object") ? e.getValue("object") : null;
      if (object != null && object.hasField("type")) {
        RecordedClass type = object.getValue("type");
        if (type != null) {
          site.types.merge(type.getName(), 1, Integer::sum);
        }
      }
      RecordedObject root = e.hasField("root") ? e.getValue("root") : null;
      if (root != null && root.hasField("type")) {
        Object rootType = root.getValue("type");
        if (rootType != null) {
          site.roots.merge(String.valueOf(rootType), 1, Integer::sum);
        }
      }
    }
    List<AllocationSite> result = new ArrayList<>();
    for (Map.Entry<String, Site> s : sites.entrySet()) {
      Site v = s.getValue();
      result.add(
          new AllocationSite(
              s.getKey(),
              v.samples,
              byCount(v.types),
              v.stack == null ? List.of() : v.stack,
              byCount(v.roots)));
    }
    result.sort(
        Comparator.comparingInt(AllocationSite::samples)
            .reversed()
            .thenComparing(AllocationSite::frame));
    return new AllocationSites(
        started, now, events.size(), result.size() > limit ? result.subList(0, limit) : result);
  }

  private static List<String> byCount(Map<String, Integer> counts) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
    list.sort(
        Map.Entry.<String, Integer>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, Integer> e : list) {
      names.add(e.getKey());
    }
    return names;
  }

  /**
   * Returns whether a frame belongs to the JDK, so the allocation site is the first frame after it.
   */
  static boolean isJdkFrame(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    if (method == null || method.getType() == null) {
      return false;
    }
    return isJdkClass(method.getType().getName());
  }

  static boolean isJdkClass(String className) {
    return className.startsWith("java.")
        || className.startsWith("javax.")
        || className.startsWith("jdk.")
        || className.startsWith("sun.")
        || className.startsWith("com.sun.");
  }

  private static String describe(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    if (method == null) {
      return "(unknown frame)";
    }
    String type = method.getType() == null ? "?" : method.getType().getName();
    int line = frame.getLineNumber();
    String simple = type.substring(type.lastIndexOf('.') + 1);
    int dollar = simple.indexOf('$');
    String file = (dollar > 0 ? simple.substring(0, dollar) : simple) + ".java";
    return type + "." + method.getName() + "(" + file + (line > 0 ? ":" + line : "") + ")";
  }

  /** Stops the recording and deletes its data. Idempotent. */
  @Override
  public void close() {
    recording.close();
  }

  private static final class Site {
    int samples;
    List<String> stack;
    final Map<String, Integer> types = new HashMap<>();
    final Map<String, Integer> roots = new HashMap<>();
  }
}
