package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the number of distinct values one tag of one meter may take, so that per-key meters (per
 * tenant, per API key, per route) cannot grow without bound.
 *
 * <p>The first {@code maxValues} distinct values are admitted as they are. Every later new value is
 * replaced by {@link #OVERFLOW} and the replacement is counted in {@code
 * reliability.metrics.cardinality.overflow{meter,tag}}; the first overflow is also logged once at
 * WARN. Events are therefore never dropped: they are recorded under the overflow value, and the
 * overflow counter says how often that happened.
 *
 * <pre>{@code
 * CardinalityGuard tenants =
 *     CardinalityGuard.builder("app.requests", "tenant").maxValues(2).build(registry);
 * tenants.admit("acme");    // "acme"
 * tenants.admit("globex");  // "globex"
 * tenants.admit("initech"); // "_overflow", and the overflow counter is now 1
 * }</pre>
 *
 * <p>Micrometer's {@code MeterFilter.maximumAllowableTags} does a similar job but denies the excess
 * meters, so their events are lost; and a filter only sees a value after the registry has cached
 * it. This guard is consulted before a meter is looked up, so the registry never sees more than
 * {@code maxValues + 1} values.
 *
 * <p>Thread-safe. {@link #admit(String)} of an admitted value is a lock-free map read that does not
 * allocate. The cap is never exceeded; while threads race for the last free slots, a new value may
 * be recorded as {@link #OVERFLOW} although a slot frees up a moment later.
 */
public final class CardinalityGuard {

  /** The tag value that stands for every value beyond the cap. */
  public static final String OVERFLOW = "_overflow";

  /** The name of the counter of replaced values. */
  public static final String OVERFLOW_METER = "reliability.metrics.cardinality.overflow";

  /** The default cap. */
  public static final int DEFAULT_MAX_VALUES = 100;

  private static final Logger log = LoggerFactory.getLogger(CardinalityGuard.class);

  private final String meter;
  private final String tag;
  private final int maxValues;
  private final ConcurrentHashMap<String, String> admitted;
  private final AtomicInteger size = new AtomicInteger();
  private final Counter overflow;
  private volatile boolean warned;

  private CardinalityGuard(Builder b, MeterRegistry registry) {
    this.meter = b.meter;
    this.tag = b.tag;
    this.maxValues = b.maxValues;
    this.admitted = new ConcurrentHashMap<>(Math.min(maxValues, 1024) * 2);
    this.overflow =
        Counter.builder(OVERFLOW_METER)
            .description("Tag values replaced by _overflow because the meter reached its cap")
            .tag("meter", meter)
            .tag("tag", tag)
            .register(registry);
  }

  /**
   * Starts a guard for one tag of one meter.
   *
   * @param meter the name of the guarded meter, used in the overflow counter's {@code meter} tag
   * @param tag the guarded tag key
   * @return a builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  public static Builder builder(String meter, String tag) {
    return new Builder(Checks.notBlank("meter", meter), Checks.notBlank("tag", tag));
  }

  /**
   * Returns the value to use as the tag value: {@code value} itself while it is one of the first
   * {@code maxValues} distinct values seen, {@link #OVERFLOW} otherwise. A null value is treated as
   * {@code "none"}. Never throws.
   *
   * @param value the candidate tag value
   * @return {@code value} or {@link #OVERFLOW}
   */
  public String admit(String value) {
    String v = value == null ? "none" : value;
    String known = admitted.get(v);
    if (known != null) {
      return known;
    }
    // Reserve a slot before inserting, so the map never holds more than maxValues values and a
    // value another thread has seen admitted is never taken back.
    int n;
    do {
      n = size.get();
      if (n >= maxValues) {
        overflowed(v);
        return OVERFLOW;
      }
    } while (!size.compareAndSet(n, n + 1));
    String previous = admitted.putIfAbsent(v, v);
    if (previous != null) {
      size.decrementAndGet(); // another thread admitted the same value first
      return previous;
    }
    return v;
  }

  private void overflowed(String value) {
    overflow.increment();
    if (!warned) {
      warned = true;
      log.warn(
          "Meter {} reached its cap of {} values for tag {}; new values such as \"{}\" are"
              + " recorded as {} (counted in {})",
          meter,
          maxValues,
          tag,
          value.length() > 64 ? value.substring(0, 64) + "..." : value,
          OVERFLOW,
          OVERFLOW_METER);
    }
  }

  /**
   * Returns how many distinct values have been admitted.
   *
   * @return the number of admitted values, at most {@link #maxValues()}
   */
  public int size() {
    return Math.min(size.get(), maxValues);
  }

  /**
   * Returns the cap.
   *
   * @return the largest number of distinct values admitted
   */
  public int maxValues() {
    return maxValues;
  }

  /**
   * Returns how many values have been replaced by {@link #OVERFLOW} so far.
   *
   * @return the overflow count
   */
  public long overflowCount() {
    return (long) overflow.count();
  }

  @Override
  public String toString() {
    return "CardinalityGuard[" + meter + "{" + tag + "}, " + size() + "/" + maxValues + "]";
  }

  /** Builds a {@link CardinalityGuard}. Not thread-safe. */
  public static final class Builder {
    private final String meter;
    private final String tag;
    private int maxValues = DEFAULT_MAX_VALUES;

    private Builder(String meter, String tag) {
      this.meter = meter;
      this.tag = tag;
    }

    /**
     * Sets the cap. Default {@value CardinalityGuard#DEFAULT_MAX_VALUES}.
     *
     * @param maxValues the largest number of distinct values, 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxValues(int maxValues) {
      this.maxValues = Checks.inRange("maxValues", maxValues, 1, 100_000);
      return this;
    }

    /**
     * Builds the guard and registers its overflow counter.
     *
     * @param registry the registry of the overflow counter
     * @return the guard
     * @throws NullPointerException if {@code registry} is null
     */
    public CardinalityGuard build(MeterRegistry registry) {
      Checks.notNull("registry", registry);
      return new CardinalityGuard(this, registry);
    }
  }
}
