package dev.reliability.core.leak;

/**
 * Receives a {@link LeakDetector}'s events. Every method has a no-op default, so implement only
 * what you need; {@link #NONE} ignores everything.
 *
 * <p><b>Contract.</b> State changes are delivered on the detector's thread (or the thread calling
 * {@link LeakDetector#poll()}), threshold events on the JDK's notification thread. Listeners must
 * return quickly, must not block and should not throw: a listener that throws is logged and the
 * other listeners still run.
 */
public interface LeakListener {

  /** A listener that ignores every event. */
  LeakListener NONE = new LeakListener() {};

  /**
   * Called when a gauge's leak state changes: suspected, confirmed, or withdrawn back to none; when
   * a new suspicion replaces a standing one (from suspected to suspected); and when a leak's
   * exhaustion becomes imminent ({@link LeakEvent.Type#EXHAUSTION_IMMINENT}).
   *
   * @param event the change, with the gauge's trend and evidence
   */
  default void onStateChange(LeakEvent event) {}

  /**
   * Called when post-GC heap usage crosses the configured threshold upwards ({@link
   * LeakEvent.Type#THRESHOLD_EXCEEDED}) or falls back below it ({@link
   * LeakEvent.Type#THRESHOLD_CLEARED}).
   *
   * @param event the crossing, with the usage and threshold
   */
  default void onThreshold(LeakEvent event) {}
}
