package dev.reliability.test;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that only moves when told to, published for tests of code that uses this
 * library.
 *
 * <p>Both readings move together: {@link #advance(Duration)} adds the same amount to the monotonic
 * and to the wall clock. It starts at {@code nanoTime() == 0} and {@code now() ==
 * 2000-01-01T00:00:00Z} unless told otherwise.
 *
 * <pre>{@code
 * ManualTimeSource time = ManualTimeSource.create();
 * long start = time.nanoTime();
 * time.advance(Duration.ofSeconds(60));
 * assert time.nanoTime() - start == 60_000_000_000L;
 * }</pre>
 *
 * <p>Thread-safe: readings and advances are atomic.
 */
public final class ManualTimeSource implements TimeSource {

  /** The default wall-clock start, chosen to be obviously artificial in logs. */
  public static final Instant DEFAULT_START = Instant.parse("2000-01-01T00:00:00Z");

  private final long epochNanosAtZero;
  private final AtomicLong nanos;

  private ManualTimeSource(Instant start) {
    this.epochNanosAtZero = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    this.nanos = new AtomicLong();
  }

  /**
   * Creates a time source at {@link #DEFAULT_START}.
   *
   * @return a new time source
   */
  public static ManualTimeSource create() {
    return new ManualTimeSource(DEFAULT_START);
  }

  /**
   * Creates a time source whose wall clock starts at {@code start}.
   *
   * @param start the initial wall-clock time
   * @return a new time source
   * @throws NullPointerException if {@code start} is null
   */
  public static ManualTimeSource startingAt(Instant start) {
    Checks.notNull("start", start);
    return new ManualTimeSource(start);
  }

  /**
   * Moves both clocks forward.
   *
   * @param amount how far to move; zero is allowed
   * @return this time source
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public ManualTimeSource advance(Duration amount) {
    Checks.notNegative("amount", amount);
    nanos.addAndGet(amount.toNanos());
    return this;
  }

  /**
   * Moves both clocks forward by a number of milliseconds.
   *
   * @param millis how far to move, at least zero
   * @return this time source
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public ManualTimeSource advanceMillis(long millis) {
    return advance(Duration.ofMillis(millis));
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public Instant now() {
    long total = epochNanosAtZero + nanos.get();
    return Instant.ofEpochSecond(
        Math.floorDiv(total, 1_000_000_000L), Math.floorMod(total, 1_000_000_000L));
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + now() + "]";
  }
}
