package dev.reliability.cluster.internal;

import dev.reliability.cluster.FleetStatus;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one switch between {@link FleetStatus#SHARED} and {@link FleetStatus#DEGRADED} of a fleet
 * engine: one immutable phase behind one atomic reference.
 *
 * <p>CAS invariant: the status changes only by a compare-and-set from a phase read with the other
 * status, so every change has exactly one winner (the caller that gets {@code true} and alone logs,
 * counts, notifies and schedules the probe), and the generation grows by exactly one per change: a
 * phase's generation is odd when degraded and even when shared. A caller that loses the race sees
 * the winner's phase and returns {@code false}; the phase is never rewritten without a change.
 *
 * <p>Thread-safe and lock-free. Internal: may change at any time.
 */
public final class FleetSwitch {

  /**
   * One state of the switch.
   *
   * @param status shared or degraded
   * @param generation the number of changes so far
   * @param since when this phase began, wall clock
   * @param lastFailure the failure that began the last degraded phase, or null if none yet
   */
  public record Phase(FleetStatus status, long generation, Instant since, String lastFailure) {}

  private final AtomicReference<Phase> phase;

  /**
   * Creates a switch in the shared phase.
   *
   * @param now the wall-clock time the engine starts
   */
  public FleetSwitch(Instant now) {
    this.phase = new AtomicReference<>(new Phase(FleetStatus.SHARED, 0, now, null));
  }

  /**
   * Returns the current phase.
   *
   * @return the phase
   */
  public Phase phase() {
    return phase.get();
  }

  /**
   * Returns the current status.
   *
   * @return shared or degraded
   */
  public FleetStatus status() {
    return phase.get().status();
  }

  /**
   * Switches to degraded if shared.
   *
   * @param failure the failure, as logs and health show it
   * @param now the wall-clock time
   * @return whether this call made the change
   */
  public boolean degrade(String failure, Instant now) {
    return change(FleetStatus.SHARED, FleetStatus.DEGRADED, failure, now);
  }

  /**
   * Switches back to shared if degraded.
   *
   * @param now the wall-clock time
   * @return whether this call made the change
   */
  public boolean recover(Instant now) {
    return change(FleetStatus.DEGRADED, FleetStatus.SHARED, null, now);
  }

  private boolean change(FleetStatus from, FleetStatus to, String failure, Instant now) {
    while (true) {
      Phase current = phase.get();
      if (current.status() != from) {
        return false;
      }
      String last = failure != null ? failure : current.lastFailure();
      // The CAS succeeds only against the phase just read, whose status is `from`: one winner.
      if (phase.compareAndSet(current, new Phase(to, current.generation() + 1, now, last))) {
        return true;
      }
    }
  }
}
