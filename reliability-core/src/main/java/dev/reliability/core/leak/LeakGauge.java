package dev.reliability.core.leak;

import dev.reliability.core.internal.Checks;
import java.util.function.LongSupplier;

/**
 * A value a {@link LeakDetector} polls and watches for sustained growth: a thread count, a
 * connection-registry size, a cache's entries, a native pool's bytes.
 *
 * <pre>{@code
 * LeakGauge sessions = LeakGauge.builder("sessions", registry::size)
 *     .limit(10_000)
 *     .minIncrease(200)
 *     .build();
 * }</pre>
 *
 * <p>The suppliers are called on the detector's thread once per sample interval; they must be fast,
 * thread-safe and must not block. A supplier that throws is logged once and skipped for that
 * sample. Immutable and thread-safe.
 */
public final class LeakGauge {

  private final String name;
  private final LeakKind kind;
  private final GaugeUnit unit;
  private final LongSupplier value;
  private final LongSupplier limit;
  private final long minIncrease;

  private LeakGauge(Builder b) {
    this.name = b.name;
    this.kind = b.kind;
    this.unit = b.unit;
    this.value = b.value;
    this.limit = b.limit;
    this.minIncrease = b.minIncrease;
  }

  /**
   * Starts a builder for a gauge of kind {@link LeakKind#CUSTOM} counting things.
   *
   * @param name a name unique within one detector, such as {@code cache.entries}
   * @param value reads the current value
   * @return a new builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name, LongSupplier value) {
    return new Builder(Checks.notBlank("name", name), Checks.notNull("value", value));
  }

  /**
   * Returns the gauge's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns what the gauge measures.
   *
   * @return the kind
   */
  public LeakKind kind() {
    return kind;
  }

  /**
   * Returns the unit of its values.
   *
   * @return the unit
   */
  public GaugeUnit unit() {
    return unit;
  }

  /**
   * Returns the supplier of the current value.
   *
   * @return the value supplier
   */
  public LongSupplier value() {
    return value;
  }

  /**
   * Returns the supplier of the limit, or null if the gauge has none. A supplied value below 1 also
   * means none.
   *
   * @return the limit supplier, or null
   */
  public LongSupplier limit() {
    return limit;
  }

  /**
   * Returns the smallest growth that counts, or 0 to derive it from the limit.
   *
   * @return the minimum increase in the gauge's unit, or 0
   */
  public long minIncrease() {
    return minIncrease;
  }

  @Override
  public String toString() {
    return "LeakGauge[" + name + ", " + kind.jsonName() + "]";
  }

  /** Builds a {@link LeakGauge}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final LongSupplier value;
    private LeakKind kind = LeakKind.CUSTOM;
    private GaugeUnit unit = GaugeUnit.COUNT;
    private LongSupplier limit;
    private long minIncrease;

    private Builder(String name, LongSupplier value) {
      this.name = name;
      this.value = value;
    }

    /**
     * Sets what the gauge measures, which decides how its growth is explained. Default {@link
     * LeakKind#CUSTOM}.
     *
     * @param kind the kind
     * @return this builder
     */
    public Builder kind(LeakKind kind) {
      this.kind = Checks.notNull("kind", kind);
      return this;
    }

    /**
     * Sets the unit. Default {@link GaugeUnit#COUNT}.
     *
     * @param unit the unit
     * @return this builder
     */
    public Builder unit(GaugeUnit unit) {
      this.unit = Checks.notNull("unit", unit);
      return this;
    }

    /**
     * Sets a fixed limit at which the resource is exhausted. Default none.
     *
     * @param limit the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code limit < 1}
     */
    public Builder limit(long limit) {
      Checks.positive("limit", limit);
      this.limit = () -> limit;
      return this;
    }

    /**
     * Sets a limit read at each evaluation; values below 1 mean none.
     *
     * @param limit the limit supplier
     * @return this builder
     */
    public Builder limit(LongSupplier limit) {
      this.limit = Checks.notNull("limit", limit);
      return this;
    }

    /**
     * Sets the smallest growth over a span that counts, in the gauge's unit. Default: the
     * detector's {@code min-increase} fraction of the limit, or 1 without a limit.
     *
     * @param minIncrease at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code minIncrease < 1}
     */
    public Builder minIncrease(long minIncrease) {
      this.minIncrease = Checks.positive("minIncrease", minIncrease);
      return this;
    }

    /**
     * Builds the gauge.
     *
     * @return an immutable gauge
     */
    public LeakGauge build() {
      return new LeakGauge(this);
    }
  }
}
