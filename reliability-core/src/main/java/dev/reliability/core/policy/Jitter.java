package dev.reliability.core.policy;

/**
 * How a retry delay is randomised so that clients that failed together do not retry together.
 *
 * <p>With {@code d} the delay the {@link Backoff} computes for a retry:
 *
 * <ul>
 *   <li>{@link #NONE}: exactly {@code d}.
 *   <li>{@link #FULL}: uniformly random in {@code [0, d]}. Spreads retries the most; the default.
 *   <li>{@link #EQUAL}: {@code d / 2} plus a uniformly random amount in {@code [0, d / 2]}, so a
 *       retry never comes sooner than half the backoff.
 *   <li>{@link #DECORRELATED}: uniformly random between the backoff's initial delay and three times
 *       the previous delay, capped at the backoff's maximum delay. The backoff's kind then only
 *       sets the first delay and the cap.
 * </ul>
 *
 * <p>The kinds are the ones compared in "Exponential Backoff And Jitter" (AWS Architecture Blog).
 * Every result stays within {@code [0, maxDelay]} of the backoff.
 */
public enum Jitter {
  /** No randomisation. */
  NONE,
  /** Uniform in {@code [0, d]}. */
  FULL,
  /** {@code d / 2} plus uniform in {@code [0, d / 2]}. */
  EQUAL,
  /** Uniform in {@code [initial, 3 * previous]}, capped. */
  DECORRELATED
}
