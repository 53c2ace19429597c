package dev.reliability.core.leak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Correlates the gauges' trends into what kind of leak it looks like: heap, class metadata, direct
 * buffers, threads, file descriptors, or native memory (RSS growing by more than the heap, buffers,
 * metaspace and thread stacks explain).
 */
final class Diagnosis {

  /** Resident memory a live thread adds, roughly: touched stack pages and native bookkeeping. */
  static final long BYTES_PER_THREAD = 256 * 1024;

  /** How much of RSS growth others must explain before it is not called native. */
  static final double EXPLAINED_SHARE = 2.0 / 3.0;

  final Set<LeakKind> kinds;
  final String text;

  private Diagnosis(Set<LeakKind> kinds, String text) {
    this.kinds = kinds;
    this.text = text;
  }

  static Diagnosis of(List<GaugeTrend> trends) {
    EnumSet<LeakKind> found = EnumSet.noneOf(LeakKind.class);
    List<String> sentences = new ArrayList<>();
    double explainedBytesPerMinute = 0;
    GaugeTrend rss = null;
    boolean warming = false;
    for (GaugeTrend t : trends) {
      warming |= t.warmingUp();
      if (!t.state().isLeak()) {
        continue;
      }
      switch (t.kind()) {
        case NATIVE_MEMORY:
          if (rss == null || t.growthPerMinute() > rss.growthPerMinute()) {
            rss = t;
          }
          continue;
        case THREADS:
          explainedBytesPerMinute += Math.max(0, t.growthPerMinute()) * BYTES_PER_THREAD;
          break;
        default:
          if (t.unit() == GaugeUnit.BYTES) {
            explainedBytesPerMinute += Math.max(0, t.growthPerMinute());
          }
      }
      found.add(t.kind());
      sentences.add(sentence(t));
    }
    if (rss != null) {
      if (rss.growthPerMinute() * EXPLAINED_SHARE > explainedBytesPerMinute) {
        found.add(LeakKind.NATIVE_MEMORY);
        sentences.add(
            "process RSS grows "
                + rss.formattedGrowth()
                + ", more than the heap, buffers, metaspace and threads explain ("
                + GaugeUnit.BYTES.format(explainedBytesPerMinute)
                + "/min): native memory leaks (JNI or native libraries, unclosed native"
                + " resources, malloc arenas)");
      } else {
        sentences.add("process RSS grows " + rss.formattedGrowth() + ", explained by the above");
      }
    }
    Set<LeakKind> ordered = new LinkedHashSet<>(found);
    String text;
    if (sentences.isEmpty()) {
      text = warming ? "warming up" : "no leak suspected";
    } else {
      text = String.join("; ", sentences);
    }
    return new Diagnosis(Collections.unmodifiableSet(ordered), text);
  }

  private static String sentence(GaugeTrend t) {
    String state = t.state().jsonName();
    String growth = t.name() + " grows " + t.formattedGrowth() + " (" + state + ")";
    switch (t.kind()) {
      case HEAP:
        return "heap live set grows " + t.formattedGrowth() + " (" + state + "): a heap leak";
      case CLASS_METADATA:
        return growth
            + ": classes are loaded and never unloaded, a class-loader leak (redeployed"
            + " applications, generated proxies or scripts)";
      case DIRECT_MEMORY:
        return growth + ": NIO buffers are not released (cached buffers, unclosed channels)";
      case THREADS:
        return growth + ": threads start and never end (executors not shut down)";
      case FILE_DESCRIPTORS:
        return growth + ": files or sockets are opened and not closed";
      default:
        return growth;
    }
  }
}
