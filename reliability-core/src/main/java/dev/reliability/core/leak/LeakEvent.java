package dev.reliability.core.leak;

import java.time.Instant;
import java.util.Locale;

/**
 * Something a {@link LeakDetector} tells its {@linkplain LeakListener listeners}: a gauge's leak
 * state changed, or the heap crossed its post-GC usage threshold.
 *
 * <p>Immutable and thread-safe.
 */
public final class LeakEvent {

  /** What happened. */
  public enum Type {
    /**
     * A gauge's {@link LeakState} changed, or a new suspicion replaced a standing one (a rise that
     * began after it and grows much faster: {@link #previousState()} is then {@link
     * LeakState#SUSPECTED} too).
     */
    STATE_CHANGED,
    /**
     * A leaking gauge is projected to reach its limit sooner than a suspicion can be confirmed; see
     * {@link GaugeTrend#exhaustionImminent()}. Delivered to {@link LeakListener#onStateChange}.
     */
    EXHAUSTION_IMMINENT,
    /** Post-GC heap usage reached the threshold. */
    THRESHOLD_EXCEEDED,
    /** Post-GC heap usage fell back below the threshold. */
    THRESHOLD_CLEARED;

    /**
     * Returns the lower-case name used in JSON and logs.
     *
     * @return the JSON name
     */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Type type;
  private final Instant time;
  private final GaugeTrend trend;
  private final LeakState previousState;
  private final long used;
  private final long threshold;
  private final String message;

  LeakEvent(
      Type type,
      Instant time,
      GaugeTrend trend,
      LeakState previousState,
      long used,
      long threshold,
      String message) {
    this.type = type;
    this.time = time;
    this.trend = trend;
    this.previousState = previousState;
    this.used = used;
    this.threshold = threshold;
    this.message = message;
  }

  /**
   * Returns what happened.
   *
   * @return the event type
   */
  public Type type() {
    return type;
  }

  /**
   * Returns when it happened, from the detector's time source.
   *
   * @return the time
   */
  public Instant time() {
    return time;
  }

  /**
   * Returns the gauge's trend at the event: the new state with its evidence, or for threshold
   * events the heap's latest trend.
   *
   * @return the trend
   */
  public GaugeTrend trend() {
    return trend;
  }

  /**
   * Returns the gauge's name.
   *
   * @return the name, such as {@code heap}
   */
  public String gauge() {
    return trend.name();
  }

  /**
   * Returns the state before the change; for threshold events, the heap's current state.
   *
   * @return the previous state
   */
  public LeakState previousState() {
    return previousState;
  }

  /**
   * Returns the state after the change; for threshold events, the heap's current state.
   *
   * @return the state
   */
  public LeakState state() {
    return trend.state();
  }

  /**
   * Returns the post-GC usage that crossed the threshold.
   *
   * @return bytes, or -1 for state changes
   */
  public long used() {
    return used;
  }

  /**
   * Returns the threshold that was crossed.
   *
   * @return bytes, or -1 for state changes
   */
  public long threshold() {
    return threshold;
  }

  /**
   * Returns a one-line description for people, the same as the log line's message.
   *
   * @return the message
   */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return "LeakEvent[" + type.jsonName() + ", " + message + "]";
  }
}
