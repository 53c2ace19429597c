package dev.reliability.core.context;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;

/**
 * An absolute point in time by which a unit of work must be done: the caller's deadline, carried in
 * the {@link RequestContext} so that every policy, executor and outgoing call of the request sees
 * it.
 *
 * <p>A deadline is a reading of a {@link TimeSource}'s monotonic clock ({@link
 * TimeSource#nanoTime()}), never of the wall clock, so it is unaffected by clock steps. It is only
 * meaningful on the time source that made it; across services it travels as the remaining
 * milliseconds ({@link DeadlineHeader}), and the receiver starts its own deadline from those.
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(Duration.ofMillis(300), time);
 * try (ContextScope scope = RequestContext.of("req-1").withDeadline(deadline).bind()) {
 *   policy.execute(() -> quotes.fetch());   // retries, waits and time limits stay within 300 ms
 * }
 * }</pre>
 *
 * <p>Durations longer than about 73 years are treated as 73 years, so that arithmetic on the
 * deadline never overflows. Immutable and thread-safe.
 */
public final class Deadline {

  /** The longest distance from now a deadline may be, in nanoseconds: a quarter of the range. */
  static final long MAX_NANOS = Long.MAX_VALUE / 4;

  private final TimeSource time;
  private final long atNanos;

  private Deadline(TimeSource time, long atNanos) {
    this.time = time;
    this.atNanos = atNanos;
  }

  /**
   * Returns the deadline {@code timeout} from now on the system time source.
   *
   * @param timeout the time left, zero or more
   * @return the deadline
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static Deadline after(Duration timeout) {
    return after(timeout, TimeSource.system());
  }

  /**
   * Returns the deadline {@code timeout} from now on {@code time}.
   *
   * @param timeout the time left, zero or more; longer than 73 years counts as 73 years
   * @param time the clock the deadline is read on
   * @return the deadline
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static Deadline after(Duration timeout, TimeSource time) {
    Checks.notNegative("timeout", timeout);
    Checks.notNull("time", time);
    long nanos = timeout.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : timeout.toNanos();
    return new Deadline(time, time.nanoTime() + nanos);
  }

  /**
   * Returns the deadline {@code millis} milliseconds from now on {@code time}, without allocating a
   * {@link Duration}; used by the header readers.
   *
   * @param millis the time left in milliseconds, zero or more
   * @param time the clock
   * @return the deadline
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public static Deadline afterMillis(long millis, TimeSource time) {
    Checks.notNegative("millis", millis);
    Checks.notNull("time", time);
    long nanos = millis > MAX_NANOS / 1_000_000 ? MAX_NANOS : millis * 1_000_000;
    return new Deadline(time, time.nanoTime() + nanos);
  }

  /**
   * Returns the time left until the deadline: negative once it has passed, by how much it passed.
   *
   * @return the remaining time
   */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /**
   * Returns the time left in nanoseconds, negative once the deadline has passed; reads the clock
   * once and does not allocate.
   *
   * @return the remaining nanoseconds
   */
  public long remainingNanos() {
    return atNanos - time.nanoTime();
  }

  /**
   * Returns the time left in whole milliseconds, rounded down, never below zero: the value sent to
   * other services.
   *
   * @return the remaining milliseconds, zero if the deadline has passed
   */
  public long remainingMillis() {
    return Math.max(0, remainingNanos() / 1_000_000);
  }

  /**
   * Returns whether the deadline has passed (no time left).
   *
   * @return true when the remaining time is zero or less
   */
  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /**
   * Returns the earlier of this deadline and {@code other}; if they are on different time sources,
   * the one with less time left now.
   *
   * @param other another deadline, or null (this one is returned)
   * @return the earlier deadline
   */
  public Deadline earlier(Deadline other) {
    if (other == null || other == this) {
      return this;
    }
    if (other.time == time) {
      return other.atNanos - atNanos < 0 ? other : this;
    }
    return other.remainingNanos() < remainingNanos() ? other : this;
  }

  /**
   * Binds this deadline to the calling thread until the returned scope is closed: the current
   * {@link RequestContext} with this deadline (or the earlier one it already has), or, outside any
   * context, a new context with a minted request ID and this deadline.
   *
   * @return the scope; close it on the same thread
   */
  public ContextScope bind() {
    RequestContext current = ContextStorage.current();
    RequestContext c = current != null ? current : RequestContext.of(RequestIds.mint());
    return c.withDeadline(this).bind();
  }

  /**
   * Returns the time source the deadline is read on.
   *
   * @return the time source
   */
  public TimeSource timeSource() {
    return time;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline d && d.time == time && d.atNanos == atNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(atNanos);
  }

  @Override
  public String toString() {
    long left = remainingNanos();
    return left > 0
        ? "Deadline[in " + DurationText.format(Duration.ofNanos(left)) + "]"
        : "Deadline[passed " + DurationText.format(Duration.ofNanos(-left)) + " ago]";
  }
}
