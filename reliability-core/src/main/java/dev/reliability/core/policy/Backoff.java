package dev.reliability.core.policy;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How long a {@link RetryConfig retry} waits before each retry, before {@link Jitter} is applied.
 *
 * <ul>
 *   <li>{@link #fixed(Duration) fixed}: the same delay before every retry.
 *   <li>{@link #linear(Duration, Duration, Duration) linear}: {@code initial + (n - 1) * increment}
 *       before retry {@code n}.
 *   <li>{@link #exponential(Duration, double, Duration) exponential}: {@code initial *
 *       multiplier^(n - 1)} before retry {@code n}.
 * </ul>
 *
 * <p>Every delay is capped at {@link #maxDelay()}; arithmetic saturates instead of overflowing, so
 * a large retry number gives the cap, never a negative or wrapped delay.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));
 * backoff.delay(1); // 100ms
 * backoff.delay(3); // 400ms
 * backoff.delay(10); // 5s (capped)
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Backoff {

  /** The shape of a backoff. */
  public enum Kind {
    /** The same delay every time. */
    FIXED,
    /** The delay grows by a fixed increment. */
    LINEAR,
    /** The delay grows by a factor. */
    EXPONENTIAL
  }

  private final Kind kind;
  private final long initialNanos;
  private final long incrementNanos;
  private final double multiplier;
  private final long maxNanos;

  private Backoff(Kind kind, long initialNanos, long incrementNanos, double multiplier, long max) {
    this.kind = kind;
    this.initialNanos = initialNanos;
    this.incrementNanos = incrementNanos;
    this.multiplier = multiplier;
    this.maxNanos = max;
  }

  /**
   * Returns a backoff that waits the same time before every retry.
   *
   * @param delay the delay, zero to one day ({@link RetryConfig#INITIAL_DELAY})
   * @return the backoff
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative or longer than one day
   */
  public static Backoff fixed(Duration delay) {
    long nanos = nanos(RetryConfig.INITIAL_DELAY.check(delay));
    return new Backoff(Kind.FIXED, nanos, 0, 1.0, nanos);
  }

  /**
   * Returns a linear backoff whose increment equals its initial delay: {@code initial}, {@code 2 *
   * initial}, {@code 3 * initial}, ... up to {@code maxDelay}.
   *
   * @param initial the delay before the first retry, zero to one day
   * @param maxDelay the cap, at least {@code initial}, at most one day
   * @return the backoff
   * @throws IllegalArgumentException if a duration is negative, longer than one day, or {@code
   *     maxDelay < initial}
   */
  public static Backoff linear(Duration initial, Duration maxDelay) {
    return linear(initial, initial, maxDelay);
  }

  /**
   * Returns a linear backoff: {@code initial + (n - 1) * increment} before retry {@code n}, capped.
   *
   * @param initial the delay before the first retry, zero to one day
   * @param increment what each further retry adds, zero or longer
   * @param maxDelay the cap, at least {@code initial}, at most one day
   * @return the backoff
   * @throws IllegalArgumentException if a duration is negative, longer than one day, or {@code
   *     maxDelay < initial}
   */
  public static Backoff linear(Duration initial, Duration increment, Duration maxDelay) {
    long i = nanos(RetryConfig.INITIAL_DELAY.check(initial));
    long inc = nanos(Checks.notNegative("increment", increment));
    long max = nanos(RetryConfig.MAX_DELAY.check(maxDelay));
    checkCap(i, max, maxDelay, initial);
    return new Backoff(Kind.LINEAR, i, inc, 1.0, max);
  }

  /**
   * Returns an exponential backoff that doubles: {@code initial}, {@code 2 * initial}, {@code 4 *
   * initial}, ... up to {@code maxDelay}.
   *
   * @param initial the delay before the first retry, zero to one day
   * @param maxDelay the cap, at least {@code initial}, at most one day
   * @return the backoff
   * @throws IllegalArgumentException if a duration is negative, longer than one day, or {@code
   *     maxDelay < initial}
   */
  public static Backoff exponential(Duration initial, Duration maxDelay) {
    return exponential(initial, 2.0, maxDelay);
  }

  /**
   * Returns an exponential backoff: {@code initial * multiplier^(n - 1)} before retry {@code n},
   * capped.
   *
   * @param initial the delay before the first retry, zero to one day
   * @param multiplier the growth factor, between 1.0 and 100.0
   * @param maxDelay the cap, at least {@code initial}, at most one day
   * @return the backoff
   * @throws IllegalArgumentException if a duration is out of range, {@code maxDelay < initial} or
   *     the multiplier is out of range
   */
  public static Backoff exponential(Duration initial, double multiplier, Duration maxDelay) {
    long i = nanos(RetryConfig.INITIAL_DELAY.check(initial));
    RetryConfig.MULTIPLIER.check(multiplier);
    long max = nanos(RetryConfig.MAX_DELAY.check(maxDelay));
    checkCap(i, max, maxDelay, initial);
    return new Backoff(Kind.EXPONENTIAL, i, 0, multiplier, max);
  }

  /**
   * Returns a backoff of the given kind, as configuration builds it: the increment of a linear
   * backoff is its initial delay; the multiplier only matters for an exponential one.
   *
   * @param kind the kind
   * @param initial the delay before the first retry
   * @param multiplier the growth factor of an exponential backoff, between 1.0 and 100.0
   * @param maxDelay the cap; for a fixed backoff it is ignored
   * @return the backoff
   * @throws IllegalArgumentException as the factory of that kind
   */
  public static Backoff of(Kind kind, Duration initial, double multiplier, Duration maxDelay) {
    Checks.notNull("kind", kind);
    return switch (kind) {
      case FIXED -> fixed(initial);
      case LINEAR -> linear(initial, maxDelay);
      case EXPONENTIAL -> exponential(initial, multiplier, maxDelay);
    };
  }

  /**
   * Returns the delay before retry number {@code retry}, in nanoseconds.
   *
   * @param retry the retry number, 1 for the first retry (the second attempt); values below 1 are
   *     treated as 1
   * @return the delay, between zero and {@link #maxDelay()}
   */
  public long delayNanos(int retry) {
    int n = Math.max(1, retry);
    switch (kind) {
      case FIXED:
        return initialNanos;
      case LINEAR:
        {
          double d = initialNanos + (double) incrementNanos * (n - 1);
          return d >= maxNanos ? maxNanos : (long) d;
        }
      default:
        {
          double d = initialNanos * Math.pow(multiplier, n - 1);
          return d >= maxNanos || Double.isNaN(d) ? maxNanos : (long) d;
        }
    }
  }

  /**
   * Returns the delay before retry number {@code retry}.
   *
   * @param retry the retry number, 1 for the first retry
   * @return the delay
   */
  public Duration delay(int retry) {
    return Duration.ofNanos(delayNanos(retry));
  }

  /**
   * Returns the kind.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the delay before the first retry.
   *
   * @return the initial delay
   */
  public Duration initialDelay() {
    return Duration.ofNanos(initialNanos);
  }

  /**
   * Returns what each retry adds to a linear backoff; zero for the other kinds.
   *
   * @return the increment
   */
  public Duration increment() {
    return Duration.ofNanos(incrementNanos);
  }

  /**
   * Returns the growth factor of an exponential backoff; 1.0 for the other kinds.
   *
   * @return the multiplier
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * Returns the cap on every delay.
   *
   * @return the maximum delay
   */
  public Duration maxDelay() {
    return Duration.ofNanos(maxNanos);
  }

  long initialNanos() {
    return initialNanos;
  }

  long maxNanos() {
    return maxNanos;
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void checkCap(long initial, long max, Duration maxDelay, Duration initialDelay) {
    Checks.check(
        max >= initial,
        RetryConfig.MAX_DELAY.name(),
        "at least the initial delay (" + DurationText.format(initialDelay) + ")",
        DurationText.format(maxDelay));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Backoff b
        && b.kind == kind
        && b.initialNanos == initialNanos
        && b.incrementNanos == incrementNanos
        && Double.compare(b.multiplier, multiplier) == 0
        && b.maxNanos == maxNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, initialNanos, incrementNanos, multiplier, maxNanos);
  }

  @Override
  public String toString() {
    String k = kind.name().toLowerCase(Locale.ROOT);
    return switch (kind) {
      case FIXED -> "Backoff[fixed " + DurationText.format(initialDelay()) + "]";
      case LINEAR ->
          "Backoff[linear "
              + DurationText.format(initialDelay())
              + " +"
              + DurationText.format(increment())
              + " max "
              + DurationText.format(maxDelay())
              + "]";
      default ->
          "Backoff["
              + k
              + " "
              + DurationText.format(initialDelay())
              + " x"
              + multiplier
              + " max "
              + DurationText.format(maxDelay())
              + "]";
    };
  }
}
