package dev.reliability.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * The admitted and refused decisions of one fleet-wide limit, by the mode each was made in: shared
 * (the engine decided) or degraded (the local share decided). Read by {@link
 * FleetLimit#admitted(FleetStatus)} and {@link FleetLimit#refused(FleetStatus)}.
 *
 * <p>Thread-safe; counting never allocates.
 */
final class ModeCounts {

  private final LongAdder admittedShared = new LongAdder();
  private final LongAdder admittedLocal = new LongAdder();
  private final LongAdder refusedShared = new LongAdder();
  private final LongAdder refusedLocal = new LongAdder();

  /**
   * Counts one decision.
   *
   * @param mode the mode it was made in
   * @param admitted whether the call was admitted
   */
  void count(FleetStatus mode, boolean admitted) {
    if (mode == FleetStatus.SHARED) {
      (admitted ? admittedShared : refusedShared).increment();
    } else {
      (admitted ? admittedLocal : refusedLocal).increment();
    }
  }

  long admitted(FleetStatus mode) {
    return mode == FleetStatus.SHARED ? admittedShared.sum() : admittedLocal.sum();
  }

  long refused(FleetStatus mode) {
    return mode == FleetStatus.SHARED ? refusedShared.sum() : refusedLocal.sum();
  }

  long admitted() {
    return admittedShared.sum() + admittedLocal.sum();
  }

  long refused() {
    return refusedShared.sum() + refusedLocal.sum();
  }
}
