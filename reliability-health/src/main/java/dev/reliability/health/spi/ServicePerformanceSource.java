package dev.reliability.health.spi;

/**
 * Supplies the request statistics of the service for the detailed health view. The metrics module
 * implements it from its HTTP server metrics; any other source (a hand-kept counter) works too.
 *
 * <p>Called on the thread that renders the detailed view; must be fast, thread-safe and must not
 * throw (a throwing source leaves the {@code performance} section out).
 */
@FunctionalInterface
public interface ServicePerformanceSource {

  /**
   * Returns the current statistics.
   *
   * @return the statistics
   */
  ServicePerformance snapshot();
}
