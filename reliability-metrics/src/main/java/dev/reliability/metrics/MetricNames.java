package dev.reliability.metrics;

/**
 * The common prefix of every meter this module registers. Names are lower-case dot-separated
 * Micrometer names; each backend's naming convention turns them into its own form (Prometheus:
 * {@code reliability_circuitbreaker_calls_seconds_count}). Thread-safe (constants only).
 */
public final class MetricNames {

  /** The prefix of every meter name. */
  public static final String PREFIX = "reliability";

  private MetricNames() {}
}
