package dev.reliability.cluster;

/**
 * Whether a fleet-wide limit is kept by the shared engine or, while the engine fails, by this
 * instance alone.
 */
public enum FleetStatus {
  /** The engine answers: limits are shared by the fleet. */
  SHARED,
  /** The engine failed or was late: each limit falls back to this instance's local share. */
  DEGRADED
}
