package dev.reliability.core.leak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classes whose live instances grew most between two class histograms: where to look first for
 * a heap leak.
 *
 * <p><b>Reading it.</b> Each {@link ClassGrowth} says how many instances and shallow bytes a class
 * gained. A leak usually shows as one application class (the leaked entry, listener or session)
 * growing by about as many instances as the containers that hold it ({@code
 * java.util.HashMap$Node}, {@code java.lang.Object[]}) and the payload it points to ({@code [B},
 * {@code java.lang.String}). Start from the top application class, not from the JDK types, and find
 * who keeps it with a heap dump or the {@linkplain AllocationSites allocation sites}. Growth that
 * is spread thinly over many classes, or that a later pair of histograms does not repeat, is load,
 * not a leak.
 *
 * <p>Immutable and thread-safe.
 */
public final class LeakSuspects {

  private final Instant from;
  private final Instant to;
  private final List<ClassGrowth> classes;
  private final long byteGrowth;
  private final long instanceGrowth;

  LeakSuspects(
      Instant from, Instant to, List<ClassGrowth> classes, long byteGrowth, long instanceGrowth) {
    this.from = from;
    this.to = to;
    this.classes = List.copyOf(classes);
    this.byteGrowth = byteGrowth;
    this.instanceGrowth = instanceGrowth;
  }

  /**
   * Returns when the older histogram was taken.
   *
   * @return the start of the comparison
   */
  public Instant from() {
    return from;
  }

  /**
   * Returns when the newer histogram was taken.
   *
   * @return the end of the comparison
   */
  public Instant to() {
    return to;
  }

  /**
   * Returns the time between the two histograms.
   *
   * @return the interval
   */
  public Duration interval() {
    return Duration.between(from, to);
  }

  /**
   * Returns the classes that grew, most bytes first.
   *
   * @return an unmodifiable list, possibly empty
   */
  public List<ClassGrowth> classes() {
    return classes;
  }

  /**
   * Returns the change in shallow bytes of all classes.
   *
   * @return the heap's byte growth between the histograms
   */
  public long byteGrowth() {
    return byteGrowth;
  }

  /**
   * Returns the change in instances of all classes.
   *
   * @return the instance growth between the histograms
   */
  public long instanceGrowth() {
    return instanceGrowth;
  }

  /**
   * Returns the suspects as a JSON-ready map with snake_case keys.
   *
   * @return an ordered, unmodifiable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", from.toString());
    m.put("to", to.toString());
    m.put("byte_growth", byteGrowth);
    m.put("instance_growth", instanceGrowth);
    List<Object> list = new ArrayList<>();
    for (ClassGrowth c : classes) {
      list.add(c.toMap());
    }
    m.put("classes", Collections.unmodifiableList(list));
    return Collections.unmodifiableMap(m);
  }

  @Override
  public String toString() {
    return "LeakSuspects["
        + from
        + " to "
        + to
        + ", "
        + (classes.isEmpty() ? "no growth" : "top " + classes.get(0))
        + "]";
  }
}
