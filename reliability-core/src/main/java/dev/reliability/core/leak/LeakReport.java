package dev.reliability.core.leak;

import dev.reliability.core.internal.DurationText;
import dev.reliability.core.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of everything a {@link LeakDetector} knows: the overall state, each gauge's trend,
 * what kind of leak the trends point to, the heap threshold alarm, and the latest suspects and
 * allocation sites. This is what a health check, a metrics binder or an operator's endpoint reads.
 *
 * <p>Immutable and thread-safe.
 */
public final class LeakReport {

  private final Instant time;
  private final List<GaugeTrend> gauges;
  private final Diagnosis diagnosis;
  private final boolean thresholdExceeded;
  private final long threshold;
  private final String heapPool;
  private final LeakSuspects suspects;
  private final AllocationSites allocationSites;
  private final Instant staleSince;
  private final Duration staleAfter;

  LeakReport(
      Instant time,
      List<GaugeTrend> gauges,
      boolean thresholdExceeded,
      long threshold,
      String heapPool,
      LeakSuspects suspects,
      AllocationSites allocationSites) {
    this.time = time;
    this.gauges = List.copyOf(gauges);
    this.diagnosis = Diagnosis.of(this.gauges);
    this.thresholdExceeded = thresholdExceeded;
    this.threshold = threshold;
    this.heapPool = heapPool;
    this.suspects = suspects;
    this.allocationSites = allocationSites;
    this.staleSince = null;
    this.staleAfter = null;
  }

  private LeakReport(LeakReport fresh, Instant staleSince, Duration staleAfter) {
    this.time = fresh.time;
    this.gauges = fresh.gauges;
    this.diagnosis = fresh.diagnosis;
    this.thresholdExceeded = fresh.thresholdExceeded;
    this.threshold = fresh.threshold;
    this.heapPool = fresh.heapPool;
    this.suspects = fresh.suspects;
    this.allocationSites = fresh.allocationSites;
    this.staleSince = staleSince;
    this.staleAfter = staleAfter;
  }

  // The same report, marked as not refreshed in time by a started detector.
  LeakReport markedStale(Instant since, Duration after) {
    return new LeakReport(this, since, after);
  }

  /**
   * Returns when the report was made, from the detector's time source.
   *
   * @return the time
   */
  public Instant time() {
    return time;
  }

  /**
   * Returns the most severe state of any gauge.
   *
   * @return the overall state
   */
  public LeakState state() {
    LeakState s = LeakState.NONE;
    for (GaugeTrend t : gauges) {
      s = s.worst(t.state());
    }
    return s;
  }

  /**
   * Returns whether the report is stale: its detector is started but has made no new report for
   * {@value LeakDetector#STALE_AFTER_INTERVALS} sample intervals, so everything in it may be out of
   * date. The trends and the state are those of the last report that was made ({@link #time()}).
   *
   * @return true if the report is out of date
   */
  public boolean stale() {
    return staleSince != null;
  }

  /**
   * Returns since when the report is stale: {@link #time()} plus {@value
   * LeakDetector#STALE_AFTER_INTERVALS} sample intervals.
   *
   * @return the time it became stale, or empty if it is not stale
   */
  public Optional<Instant> staleSince() {
    return Optional.ofNullable(staleSince);
  }

  /**
   * Returns a sentence about the staleness for messages, such as {@code "leak report stale since
   * 2000-01-01T00:00:30Z: no sample has completed for 30s (3 sample intervals)"}.
   *
   * @return the sentence, or empty if the report is not stale
   */
  public String staleness() {
    if (staleSince == null) {
      return "";
    }
    return "leak report stale since "
        + staleSince
        + ": no sample has completed for "
        + DurationText.format(staleAfter)
        + " ("
        + LeakDetector.STALE_AFTER_INTERVALS
        + " sample intervals)";
  }

  /**
   * Returns whether any gauge is still warming up.
   *
   * @return true during warm-up
   */
  public boolean warmingUp() {
    for (GaugeTrend t : gauges) {
      if (t.warmingUp()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the heap's trend.
   *
   * @return the heap trend, or empty when the heap is not watched
   */
  public Optional<GaugeTrend> heap() {
    for (GaugeTrend t : gauges) {
      if (t.kind() == LeakKind.HEAP) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns every gauge's trend: the heap first, then the gauges in the order they were added.
   *
   * @return an unmodifiable list
   */
  public List<GaugeTrend> gauges() {
    return gauges;
  }

  /**
   * Returns one gauge's trend.
   *
   * @param name the gauge's name
   * @return its trend, or empty if no gauge has that name
   */
  public Optional<GaugeTrend> gauge(String name) {
    for (GaugeTrend t : gauges) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns what kinds of leak the trends point to, in {@link LeakKind} order. {@link
   * LeakKind#NATIVE_MEMORY} appears only when resident memory grows by more than the heap, buffers,
   * metaspace and threads explain.
   *
   * @return an unmodifiable set, empty when nothing leaks
   */
  public Set<LeakKind> kinds() {
    return diagnosis.kinds;
  }

  /**
   * Returns the diagnosis in words, such as {@code "heap live set grows 58.1 MB/min (suspected): a
   * heap leak"} or {@code "no leak suspected"}.
   *
   * @return the diagnosis
   */
  public String diagnosis() {
    return diagnosis.text;
  }

  /**
   * Returns the nearest projected exhaustion among leaking gauges.
   *
   * @return the shortest time to exhaustion, or empty if no leaking gauge projects one
   */
  public Optional<Duration> timeToExhaustion() {
    Duration min = null;
    for (GaugeTrend t : gauges) {
      Optional<Duration> d = t.timeToExhaustion();
      if (d.isPresent() && (min == null || d.get().compareTo(min) < 0)) {
        min = d.get();
      }
    }
    return Optional.ofNullable(min);
  }

  /**
   * Returns the gauge whose projected exhaustion is nearest.
   *
   * @return that gauge's trend, or empty if none projects one
   */
  public Optional<GaugeTrend> nearestExhaustion() {
    GaugeTrend nearest = null;
    for (GaugeTrend t : gauges) {
      if (t.timeToExhaustion().isPresent()
          && (nearest == null
              || t.timeToExhaustion().get().compareTo(nearest.timeToExhaustion().get()) < 0)) {
        nearest = t;
      }
    }
    return Optional.ofNullable(nearest);
  }

  /**
   * Returns whether post-GC heap usage is at or over the threshold.
   *
   * @return true while the threshold alarm is raised
   */
  public boolean heapThresholdExceeded() {
    return thresholdExceeded;
  }

  /**
   * Returns the post-GC heap usage threshold.
   *
   * @return bytes, or -1 when no threshold is armed
   */
  public long heapThreshold() {
    return threshold;
  }

  /**
   * Returns the heap pool the detector watches, such as {@code G1 Old Gen}.
   *
   * @return the pool name, or empty when the heap is not watched
   */
  public Optional<String> heapPool() {
    return Optional.ofNullable(heapPool);
  }

  /**
   * Returns the latest class-histogram suspects.
   *
   * @return the suspects, or empty if none were taken
   */
  public Optional<LeakSuspects> suspects() {
    return Optional.ofNullable(suspects);
  }

  /**
   * Returns the latest allocation sites read from a JFR recording.
   *
   * @return the sites, or empty if none were read
   */
  public Optional<AllocationSites> allocationSites() {
    return Optional.ofNullable(allocationSites);
  }

  /**
   * Returns the report as a JSON-ready map with snake_case keys, for detailed health views.
   *
   * @return an ordered, unmodifiable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state().jsonName());
    m.put("time", time.toString());
    m.put("warming_up", warmingUp());
    m.put("stale", stale());
    if (staleSince != null) {
      m.put("stale_since", staleSince.toString());
    }
    List<String> kinds = new ArrayList<>();
    for (LeakKind k : diagnosis.kinds) {
      kinds.add(k.jsonName());
    }
    m.put("kinds", Collections.unmodifiableList(kinds));
    m.put("diagnosis", diagnosis.text);
    timeToExhaustion().ifPresent(d -> m.put("time_to_exhaustion_seconds", d.toSeconds()));
    if (heapPool != null) {
      m.put("heap_pool", heapPool);
    }
    m.put("heap_threshold_exceeded", thresholdExceeded);
    if (threshold > 0) {
      m.put("heap_threshold", threshold);
    }
    List<Object> list = new ArrayList<>();
    for (GaugeTrend t : gauges) {
      list.add(t.toMap());
    }
    m.put("gauges", Collections.unmodifiableList(list));
    if (suspects != null) {
      m.put("suspects", suspects.toMap());
    }
    if (allocationSites != null) {
      m.put("allocation_sites", allocationSites.toMap());
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns the report as compact JSON, the same content as {@link #toMap()}.
   *
   * @return the JSON text
   */
  public String toJson() {
    return Json.write(toMap());
  }

  @Override
  public String toString() {
    return "LeakReport["
        + state().jsonName()
        + (staleSince == null ? "" : ", stale since " + staleSince)
        + ", "
        + diagnosis.text
        + "]";
  }
}
