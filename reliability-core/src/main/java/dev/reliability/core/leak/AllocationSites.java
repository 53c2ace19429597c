package dev.reliability.core.leak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The top allocation sites of objects that stayed alive, from a JFR recording of {@code
 * jdk.OldObjectSample} events.
 *
 * <p>JFR samples allocations and keeps the sampled objects that survive; when the recording is read
 * it reports those still alive with their allocation stack (and, within the configured cutoff,
 * their path to a GC root). Sites that hold many samples allocate objects that stay: in a leak, the
 * site that adds the leaked entries. JDK frames (collections growing their arrays, string building)
 * are skipped so the site is the first application frame.
 *
 * <p>Immutable and thread-safe.
 */
public final class AllocationSites {

  private final Instant started;
  private final Instant read;
  private final int samples;
  private final List<AllocationSite> sites;

  /**
   * Creates the result of reading a recording.
   *
   * @param started when the recording started
   * @param read when it was read
   * @param samples how many old-object samples it held
   * @param sites the sites, most samples first
   */
  public AllocationSites(Instant started, Instant read, int samples, List<AllocationSite> sites) {
    this.started = started;
    this.read = read;
    this.samples = samples;
    this.sites = List.copyOf(sites);
  }

  /**
   * Returns when the recording started.
   *
   * @return the start
   */
  public Instant started() {
    return started;
  }

  /**
   * Returns when the recording was read.
   *
   * @return the read time
   */
  public Instant read() {
    return read;
  }

  /**
   * Returns how many old-object samples the recording held.
   *
   * @return the sample count
   */
  public int samples() {
    return samples;
  }

  /**
   * Returns the sites, most samples first.
   *
   * @return an unmodifiable list
   */
  public List<AllocationSite> sites() {
    return sites;
  }

  /**
   * Returns the sites as a JSON-ready map with snake_case keys.
   *
   * @return an ordered, unmodifiable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("started", started.toString());
    m.put("read", read.toString());
    m.put("samples", samples);
    List<Object> list = new ArrayList<>();
    for (AllocationSite s : sites) {
      list.add(s.toMap());
    }
    m.put("sites", Collections.unmodifiableList(list));
    return Collections.unmodifiableMap(m);
  }

  @Override
  public String toString() {
    return "AllocationSites["
        + samples
        + " samples"
        + (sites.isEmpty() ? "" : ", top " + sites.get(0).frame())
        + "]";
  }
}
