package dev.reliability.core.leak;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one series of samples (a heap's live set, a thread count, a cache size) is
 * leaking: growing in a sustained way, not merely warming up, stepping up or fluctuating.
 *
 * <p><b>How it decides.</b> Samples are reduced to per-interval minimums (the floor of each
 * interval, so garbage between collections and short bursts do not count) in a bounded ring of
 * {@code window / sample-interval} buckets; samples during {@code warm-up} are ignored. Each
 * evaluation judges trailing spans of {@code min-span}, twice that, and so on up to the window,
 * each reduced to about 16 points. A span shows a leak when its Theil-Sen slope is positive,
 * Kendall's tau of its points reaches {@code min-trend-strength}, the fitted growth over the span
 * reaches the minimum increase, every third of the span rises by at least a quarter of its share of
 * that growth (which rejects steps and plateaus), and the latest value is above any earlier level
 * the series reached and gave back within the window (which rejects the saw-tooth of garbage
 * accumulating between old-generation collections). Heap spans also need {@code min-collections}
 * collections and continuous growth (most intervals rising, where promoted batches of garbage rise
 * in a few steps), and a rise no old-generation collection has verified must threaten the heap
 * within {@code early-warning-horizon}. The longest passing span is the evidence. The state then
 * moves {@link LeakState#NONE} to {@link LeakState#SUSPECTED} to {@link LeakState#CONFIRMED} and
 * back as {@link LeakDetectorConfig} describes. A heap suspicion is judged by the heap after the
 * next collection that reclaims old-generation memory, against a reference measured the same way:
 * growth at the suspected rate must mostly survive for it to be confirmed, or it is withdrawn; it
 * is also withdrawn once its floor grows at less than half the suspected rate (a rise that stopped,
 * followed only by promoted garbage). A rise that begins under a standing suspicion and grows at
 * least twice as fast starts a new suspicion, and a leak projected to exhaust its limit sooner than
 * {@code confirm-after} is flagged as {@linkplain GaugeTrend#exhaustionImminent() imminent}.
 *
 * <p>The statistics are written here because no JVM library offers a streaming, bounded leak-trend
 * test; the samples come from the JDK's management beans.
 *
 * <pre>{@code
 * ManualTimeSource time = ManualTimeSource.create();
 * TrendDetector trend = TrendDetector.builder("cache.entries")
 *     .config(LeakDetectorConfig.builder().warmUp(Duration.ZERO).build())
 *     .minIncrease(100)
 *     .timeSource(time)
 *     .build();
 * for (int second = 0; second < 60; second += 5) {
 *   trend.record(10_000 + second * 20L);
 *   time.advance(Duration.ofSeconds(5));
 * }
 * GaugeTrend verdict = trend.evaluate(); // SUSPECTED, growing 1200 per minute
 * }</pre>
 *
 * <p>Thread-safe: samples may be recorded from any thread (such as the JDK's notification thread)
 * while another thread evaluates; a short lock guards the ring, and neither call blocks on I/O.
 * Recording does not allocate.
 */
public final class TrendDetector {

  private static final Logger LOG = LoggerFactory.getLogger(TrendDetector.class);

  private final TrendEngine engine;
  private final String name;
  private final TimeSource time;
  private final LongSupplier limit;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile GaugeTrend last;
  private volatile boolean limitFailed;

  private TrendDetector(Builder b) {
    this.time = b.time;
    this.limit = b.limit;
    this.name = b.name;
    long initialLimit = readLimit(b.limit);
    this.engine = new TrendEngine(b.name, b.kind, b.unit, b.minIncrease, initialLimit, b.config);
    this.last = engine.evaluate(time.nanoTime(), time.now(), initialLimit);
  }

  /**
   * Starts a builder.
   *
   * @param name the gauge's name, shown in reports and logs, such as {@code heap}
   * @return a new builder
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    return new Builder(Checks.notBlank("name", name));
  }

  /**
   * Returns the gauge's name.
   *
   * @return the name
   */
  public String name() {
    return engine.name();
  }

  /**
   * Returns what the gauge measures.
   *
   * @return the kind
   */
  public LeakKind kind() {
    return engine.kind();
  }

  /**
   * Records a polled value at the time source's current time.
   *
   * @param value the gauge's value
   */
  public void record(long value) {
    long now = time.nanoTime();
    lock.lock();
    try {
      engine.record(now, value);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records the watched pool's usage around a garbage collection, at the time source's current
   * time. The value after the collection is the sample; the collection counts as reclaiming when
   * {@code major} is true or usage fell (during the collection, or since the previous one by
   * concurrent work) by at least half the minimum increase.
   *
   * @param usedBefore the pool's usage before the collection
   * @param usedAfter the pool's usage after the collection
   * @param major whether the collection covered the whole heap or the old generation
   */
  public void recordCollection(long usedBefore, long usedAfter, boolean major) {
    long now = time.nanoTime();
    lock.lock();
    try {
      engine.recordCollection(now, usedBefore, usedAfter, major);
    } finally {
      lock.unlock();
    }
  }

  /** Records a post-collection live set whose reclamation the heap monitor determined. */
  void recordLive(long value, boolean reclaimed) {
    long now = time.nanoTime();
    lock.lock();
    try {
      engine.recordLive(now, value, reclaimed);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Judges the samples at the time source's current time and moves the state.
   *
   * @return the trend
   */
  public GaugeTrend evaluate() {
    long max = readLimit(limit);
    lock.lock();
    try {
      GaugeTrend t = engine.evaluate(time.nanoTime(), time.now(), max);
      last = t;
      return t;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the trend of the latest {@link #evaluate()}, without evaluating.
   *
   * @return the last trend
   */
  public GaugeTrend last() {
    return last;
  }

  private long readLimit(LongSupplier supplier) {
    if (supplier == null) {
      return -1;
    }
    try {
      return supplier.getAsLong();
    } catch (RuntimeException e) {
      if (!limitFailed) {
        limitFailed = true;
        LOG.warn("Limit of gauge {} could not be read; projecting no exhaustion", name, e);
      }
      return -1;
    }
  }

  @Override
  public String toString() {
    return "TrendDetector[" + engine.name() + ", " + engine.state().jsonName() + "]";
  }

  /** Builds a {@link TrendDetector}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private LeakKind kind = LeakKind.CUSTOM;
    private GaugeUnit unit = GaugeUnit.COUNT;
    private LongSupplier limit;
    private long minIncrease;
    private LeakDetectorConfig config = LeakDetectorConfig.ofDefaults();
    private ConfigSource configSource;
    private TimeSource time = TimeSource.system();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets what the gauge measures. Default {@link LeakKind#CUSTOM}.
     *
     * @param kind the kind
     * @return this builder
     */
    public Builder kind(LeakKind kind) {
      this.kind = Checks.notNull("kind", kind);
      return this;
    }

    /**
     * Sets the unit of the values. Default {@link GaugeUnit#COUNT}.
     *
     * @param unit the unit
     * @return this builder
     */
    public Builder unit(GaugeUnit unit) {
      this.unit = Checks.notNull("unit", unit);
      return this;
    }

    /**
     * Sets a fixed limit at which the resource is exhausted, for projections and for the minimum
     * increase. Default none.
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
     * Sets a limit read at each evaluation; a value below 1 means none.
     *
     * @param limit supplies the limit; must be fast and thread-safe
     * @return this builder
     */
    public Builder limit(LongSupplier limit) {
      this.limit = Checks.notNull("limit", limit);
      return this;
    }

    /**
     * Sets the smallest growth over a span that counts, in the gauge's unit. Default: the
     * configuration's {@code min-increase} fraction of the limit, or 1 without a limit.
     *
     * @param minIncrease the minimum increase, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code minIncrease < 1}
     */
    public Builder minIncrease(long minIncrease) {
      this.minIncrease = Checks.positive("minIncrease", minIncrease);
      return this;
    }

    /**
     * Sets the configuration. Default {@link LeakDetectorConfig#ofDefaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(LeakDetectorConfig config) {
      this.config = Checks.notNull("config", config);
      return this;
    }

    /**
     * Sets where the configuration's settings are read from at {@link #build()}: the source
     * overrides the {@linkplain #config(LeakDetectorConfig) configuration} (see {@link
     * LeakDetectorConfig#withOverrides(ConfigSource)}). Default none: the configuration only.
     *
     * @param source the source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets the time source. Default {@link TimeSource#system()}; tests pass a {@code
     * ManualTimeSource}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Checks.notNull("timeSource", time);
      return this;
    }

    /**
     * Builds the detector, in state {@link LeakState#NONE}.
     *
     * @return a new detector
     * @throws dev.reliability.core.config.ConfigurationException if the configuration source holds
     *     an invalid setting
     */
    public TrendDetector build() {
      if (configSource != null) {
        config = config.withOverrides(configSource);
        configSource = null;
      }
      return new TrendDetector(this);
    }
  }
}
