package dev.reliability.cluster;

/**
 * Hears a {@link FleetEngine}'s switches between the shared engine and the local shares, and the
 * limits it creates. Every method has a no-op default; {@link #NONE} hears nothing.
 *
 * <p>Methods are called on the thread that saw the change (a caller's thread, the engine's I/O
 * thread or the scheduler's timer thread): they must be fast, must not block and should not throw.
 * A listener that throws anything, an {@link Error} included, is logged and the other listeners and
 * the engine go on.
 */
public interface FleetListener {

  /** A listener that does nothing. */
  FleetListener NONE = new FleetListener() {};

  /**
   * The engine failed or was late: every limit now uses its local share.
   *
   * @param engine the engine
   * @param failure the failure, redacted and at most 256 characters
   */
  default void onDegraded(FleetEngine engine, String failure) {}

  /**
   * The engine answered a probe: every limit is shared again.
   *
   * @param engine the engine
   */
  default void onRecovered(FleetEngine engine) {}

  /**
   * The engine created a limit (not called for the per-key limiters of a keyed one).
   *
   * @param engine the engine
   * @param limit the new limit
   */
  default void onLimitAdded(FleetEngine engine, FleetLimit limit) {}
}
