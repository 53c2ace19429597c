package dev.reliability.cluster;

/**
 * What every fleet-wide limit of a {@link FleetEngine} counts: the calls (or retries) it admitted
 * and refused, apart for the shared engine and the local share. Read by {@code FleetMetrics}.
 *
 * <p>Thread-safe; reading never allocates.
 */
public interface FleetLimit {

  /**
   * Returns the limit's name.
   *
   * @return the name given to its configuration
   */
  String name();

  /**
   * Returns the kind of limit, for metric tags.
   *
   * @return {@code "rate"}, {@code "concurrency"} or {@code "retry-budget"}
   */
  String kind();

  /**
   * Returns the calls admitted in one mode, per-key limiters included.
   *
   * @param mode {@link FleetStatus#SHARED} for the engine's decisions, {@link FleetStatus#DEGRADED}
   *     for the local share's
   * @return the count
   */
  long admitted(FleetStatus mode);

  /**
   * Returns the calls refused in one mode, per-key limiters included.
   *
   * @param mode {@link FleetStatus#SHARED} for the engine's decisions, {@link FleetStatus#DEGRADED}
   *     for the local share's
   * @return the count
   */
  long refused(FleetStatus mode);
}
