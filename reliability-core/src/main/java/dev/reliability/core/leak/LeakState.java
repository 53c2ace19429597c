package dev.reliability.core.leak;

import java.util.Locale;

/**
 * How sure a detector is that a gauge leaks, from {@link #NONE} to {@link #CONFIRMED}.
 *
 * <p>Enum order is severity order, so {@link #worst(LeakState)} is a comparison. Immutable and
 * thread-safe.
 */
public enum LeakState {
  /** No sustained growth, or still warming up. */
  NONE,
  /**
   * Growth has been sustained over the minimum span and number of samples, but has not yet lasted
   * through the confirmation period (or, for the heap, through an old-generation collection).
   */
  SUSPECTED,
  /**
   * The suspicion has lasted through the confirmation period and the growth continues; for the heap
   * a collection that reclaimed old-generation memory also showed most of the growth to survive.
   */
  CONFIRMED;

  /**
   * Returns the more severe of this state and another.
   *
   * @param other the other state
   * @return the later of the two in declaration order
   * @throws NullPointerException if {@code other} is null
   */
  public LeakState worst(LeakState other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /**
   * Returns whether this state reports a leak, suspected or confirmed.
   *
   * @return true unless {@link #NONE}
   */
  public boolean isLeak() {
    return this != NONE;
  }

  /**
   * Returns the lower-case name used in JSON and logs, such as {@code suspected}.
   *
   * @return the JSON name
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
