package dev.reliability.core.leak;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The settings of a {@link LeakDetector} and of every {@link TrendDetector} it runs.
 *
 * <p><b>How the settings interact.</b> Samples are grouped into buckets of {@code sample-interval}
 * (which is also how often gauges other than the heap are read) and kept for {@code window}.
 * Samples taken during {@code warm-up} are ignored. A gauge becomes {@linkplain LeakState#SUSPECTED
 * suspected} when, over some trailing span of at least {@code min-span} (and, for the heap, at
 * least {@code min-collections} garbage collections), its per-interval minimums rise consistently
 * (Kendall's tau at least {@code min-trend-strength}), keep rising through the end of the span, and
 * the Theil-Sen growth over the span is at least {@code min-increase} of the gauge's limit (or the
 * gauge's own minimum increase). A heap rise during which no old-generation collection reclaimed
 * anything may still be garbage waiting to be collected, so it counts only if it would exhaust the
 * heap within {@code early-warning-horizon}. It becomes {@linkplain LeakState#CONFIRMED confirmed}
 * once the suspicion has lasted {@code confirm-after} with growth continuing. A suspicion is
 * withdrawn when the value gives back {@code return-fraction} of its rise, or when it has not grown
 * by {@code min-increase} for {@code withdraw-after}.
 *
 * <p>Every setting can be overridden from a {@link ConfigSource} under the prefix {@code
 * reliability.leak}, for example {@code RELIABILITY_LEAK_MIN_SPAN=45s}; see {@link
 * #withOverrides(ConfigSource)}.
 *
 * <pre>{@code
 * LeakDetectorConfig config = LeakDetectorConfig.builder()
 *     .minSpan(Duration.ofSeconds(45))
 *     .heapThreshold(0.85)
 *     .build()
 *     .withOverrides(ConfigSource.standard());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class LeakDetectorConfig {

  /** The configuration prefix: {@value}. */
  public static final String CONFIG_PREFIX = "reliability.leak";

  /** Whether the detector samples at all; when false, {@code start()} does nothing. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .defaultValue(true)
          .description("Whether the leak detector samples and analyses at all")
          .build();

  /** Bucket width of the sample window and polling period of non-heap gauges. */
  public static final Setting<Duration> SAMPLE_INTERVAL =
      Setting.durationSetting("sample-interval")
          .defaultValue(Duration.ofSeconds(5))
          .between(Duration.ofMillis(10), Duration.ofHours(1))
          .description("How often gauges are read and the width of one bucket of minimums")
          .build();

  /** How long samples are kept; the longest span a trend is judged over. */
  public static final Setting<Duration> WINDOW =
      Setting.durationSetting("window")
          .defaultValue(Duration.ofHours(1))
          .between(Duration.ofMillis(100), Duration.ofDays(30))
          .description("How long samples are kept: the longest span a trend is judged over")
          .build();

  /** Time after the first sample during which samples are ignored. */
  public static final Setting<Duration> WARM_UP =
      Setting.durationSetting("warm-up")
          .defaultValue(Duration.ofMinutes(2))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Start-up time whose samples are ignored (caches warming, classes loading)")
          .build();

  /** The shortest span over which growth must be sustained before a suspicion. */
  public static final Setting<Duration> MIN_SPAN =
      Setting.durationSetting("min-span")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ofMillis(50), Duration.ofDays(1))
          .description("Shortest span over which growth must be sustained before a suspicion")
          .build();

  /** The fewest garbage collections a heap suspicion may rest on. */
  public static final Setting<Integer> MIN_COLLECTIONS =
      Setting.intSetting("min-collections")
          .defaultValue(5)
          .between(1, 100_000)
          .description("Fewest garbage collections in the span a heap suspicion may rest on")
          .build();

  /** The smallest growth over a span that counts, as a fraction of the gauge's limit. */
  public static final Setting<Double> MIN_INCREASE =
      Setting.percentageSetting("min-increase")
          .defaultValue(0.02)
          .between(0.001, 1.0)
          .description("Smallest growth over a span that counts, as a share of the gauge's limit")
          .build();

  /** The smallest Kendall's tau of the span's minimums that counts as consistent growth. */
  public static final Setting<Double> MIN_TREND_STRENGTH =
      Setting.doubleSetting("min-trend-strength")
          .defaultValue(0.6)
          .between(0.1, 1.0)
          .description("Smallest Kendall's tau of the span's minimums that counts as growth")
          .build();

  /**
   * For the heap: before an old-generation collection has shown that a rise survives, the rise is
   * suspected only if it would exhaust the heap within this time.
   */
  public static final Setting<Duration> EARLY_WARNING_HORIZON =
      Setting.durationSetting("early-warning-horizon")
          .defaultValue(Duration.ofMinutes(15))
          .between(Duration.ofSeconds(1), Duration.ofDays(365))
          .description(
              "Heap rises no old-generation collection has verified count only if they would"
                  + " exhaust the heap within this time")
          .build();

  /** How long a suspicion must last, still growing, before it is confirmed. */
  public static final Setting<Duration> CONFIRM_AFTER =
      Setting.durationSetting("confirm-after")
          .defaultValue(Duration.ofMinutes(5))
          .between(Duration.ZERO, Duration.ofDays(7))
          .description("How long a suspicion must last, still growing, before it is confirmed")
          .build();

  /** How long without growth withdraws a suspicion. */
  public static final Setting<Duration> WITHDRAW_AFTER =
      Setting.durationSetting("withdraw-after")
          .defaultValue(Duration.ofMinutes(5))
          .between(Duration.ofMillis(50), Duration.ofDays(30))
          .description("How long without growth withdraws a suspicion")
          .build();

  /**
   * The share of its rise a suspected polled gauge must give back for the suspicion to be
   * withdrawn. Not used for the heap, whose peaks before a collection hold garbage.
   */
  public static final Setting<Double> RETURN_FRACTION =
      Setting.percentageSetting("return-fraction")
          .defaultValue(0.5)
          .between(0.05, 1.0)
          .description("Share of its rise a suspected gauge must give back to be cleared")
          .build();

  /** Post-GC heap usage, as a share of the maximum, that raises the threshold alarm. */
  public static final Setting<Double> HEAP_THRESHOLD =
      Setting.percentageSetting("heap-threshold")
          .defaultValue(0.8)
          .description(
              "Post-GC heap usage, as a share of the maximum, that raises an alarm; 0 = off")
          .build();

  /** Projected time to exhaustion below which a leak is reported unhealthy. */
  public static final Setting<Duration> EXHAUSTION_HORIZON =
      Setting.durationSetting("exhaustion-horizon")
          .defaultValue(Duration.ofMinutes(15))
          .between(Duration.ZERO, Duration.ofDays(30))
          .description("Projected time to exhaustion below which a leak is reported unhealthy")
          .build();

  /** Whether the heap is watched through garbage-collection notifications. */
  public static final Setting<Boolean> HEAP =
      Setting.booleanSetting("heap")
          .defaultValue(true)
          .description("Whether the heap's live set after GC is watched")
          .build();

  /** Whether the standard JVM and process gauges are watched. */
  public static final Setting<Boolean> JVM_GAUGES =
      Setting.booleanSetting("jvm-gauges")
          .defaultValue(true)
          .description(
              "Whether metaspace, classes, buffers, RSS, file descriptors and threads are watched")
          .build();

  /** The shortest time between two class histograms (each forces a full GC). */
  public static final Setting<Duration> HISTOGRAM_MIN_INTERVAL =
      Setting.durationSetting("histogram-min-interval")
          .defaultValue(Duration.ofMinutes(1))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Shortest time between two class histograms (each forces a full GC)")
          .build();

  /** How many classes or allocation sites a suspects list shows. */
  public static final Setting<Integer> SUSPECTS_LIMIT =
      Setting.intSetting("suspects-limit")
          .defaultValue(20)
          .between(1, 1_000)
          .description("How many classes or allocation sites a suspects list shows")
          .build();

  /** Whether a JFR old-object recording starts when the heap is suspected. */
  public static final Setting<Boolean> RECORD_ON_SUSPICION =
      Setting.booleanSetting("record-on-suspicion")
          .defaultValue(false)
          .description("Whether a JFR old-object recording starts when the heap is suspected")
          .build();

  /** The size bound of the JFR recording. */
  public static final Setting<Long> RECORDING_MAX_SIZE =
      Setting.sizeSetting("recording-max-size")
          .defaultValue(16L * 1024 * 1024)
          .between(1024L * 1024, 1024L * 1024 * 1024)
          .description("Size bound of the JFR old-object recording")
          .build();

  /** How long a JFR recording runs before it stops on its own. */
  public static final Setting<Duration> RECORDING_DURATION =
      Setting.durationSetting("recording-duration")
          .defaultValue(Duration.ofMinutes(30))
          .between(Duration.ofSeconds(1), Duration.ofDays(1))
          .description("How long a JFR old-object recording runs before it stops on its own")
          .build();

  /** How long JFR may search for paths to GC roots when the recording is read. */
  public static final Setting<Duration> RECORDING_CUTOFF =
      Setting.durationSetting("recording-cutoff")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofMinutes(5))
          .description("How long JFR may search for paths to GC roots when reading samples")
          .build();

  /** Every setting of the leak detector, for the configuration reference. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ENABLED,
          SAMPLE_INTERVAL,
          WINDOW,
          WARM_UP,
          MIN_SPAN,
          MIN_COLLECTIONS,
          MIN_INCREASE,
          MIN_TREND_STRENGTH,
          EARLY_WARNING_HORIZON,
          CONFIRM_AFTER,
          WITHDRAW_AFTER,
          RETURN_FRACTION,
          HEAP_THRESHOLD,
          EXHAUSTION_HORIZON,
          HEAP,
          JVM_GAUGES,
          HISTOGRAM_MIN_INTERVAL,
          SUSPECTS_LIMIT,
          RECORD_ON_SUSPICION,
          RECORDING_MAX_SIZE,
          RECORDING_DURATION,
          RECORDING_CUTOFF);

  /** Buckets kept at most: {@code window / sample-interval}. */
  static final int MAX_BUCKETS = 10_000;

  /** Points a span needs at the least, so {@code min-span >= 5 x sample-interval}. */
  static final int MIN_SPAN_INTERVALS = 5;

  private static final LeakDetectorConfig DEFAULTS = new Builder().build();

  private final boolean enabled;
  private final Duration sampleInterval;
  private final Duration window;
  private final Duration warmUp;
  private final Duration minSpan;
  private final int minCollections;
  private final double minIncrease;
  private final double minTrendStrength;
  private final Duration earlyWarningHorizon;
  private final Duration confirmAfter;
  private final Duration withdrawAfter;
  private final double returnFraction;
  private final double heapThreshold;
  private final Duration exhaustionHorizon;
  private final boolean heap;
  private final boolean jvmGauges;
  private final Duration histogramMinInterval;
  private final int suspectsLimit;
  private final boolean recordOnSuspicion;
  private final long recordingMaxSize;
  private final Duration recordingDuration;
  private final Duration recordingCutoff;

  private LeakDetectorConfig(Builder b) {
    this.enabled = b.enabled;
    this.sampleInterval = b.sampleInterval;
    this.window = b.window;
    this.warmUp = b.warmUp;
    this.minSpan = b.minSpan;
    this.minCollections = b.minCollections;
    this.minIncrease = b.minIncrease;
    this.minTrendStrength = b.minTrendStrength;
    this.earlyWarningHorizon = b.earlyWarningHorizon;
    this.confirmAfter = b.confirmAfter;
    this.withdrawAfter = b.withdrawAfter;
    this.returnFraction = b.returnFraction;
    this.heapThreshold = b.heapThreshold;
    this.exhaustionHorizon = b.exhaustionHorizon;
    this.heap = b.heap;
    this.jvmGauges = b.jvmGauges;
    this.histogramMinInterval = b.histogramMinInterval;
    this.suspectsLimit = b.suspectsLimit;
    this.recordOnSuspicion = b.recordOnSuspicion;
    this.recordingMaxSize = b.recordingMaxSize;
    this.recordingDuration = b.recordingDuration;
    this.recordingCutoff = b.recordingCutoff;
  }

  /**
   * Returns the defaults: 5s interval, 1h window, 2m warm-up, 30s minimum span, 5 collections, 2%
   * minimum increase, trend strength 0.6, confirmation after 5m, withdrawal after 5m or half the
   * rise given back, heap threshold 80%, exhaustion horizon 15m.
   *
   * @return the default configuration
   */
  public static LeakDetectorConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this configuration, to derive a variant; this configuration is
   * unchanged.
   *
   * @return a new builder holding this configuration's values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns this configuration with every setting the source sets replaced, keys under {@value
   * #CONFIG_PREFIX}. Values set in code (this configuration) lose to the source, so operators can
   * retune without a release.
   *
   * @param source where overrides come from
   * @return the configuration
   * @throws ConfigurationException listing every invalid setting, including combinations that do
   *     not fit together
   */
  public LeakDetectorConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    ConfigBinder c = ConfigBinder.of(source, CONFIG_PREFIX);
    Builder b =
        toBuilder()
            .enabled(c.get(ENABLED, enabled))
            .sampleInterval(c.get(SAMPLE_INTERVAL, sampleInterval))
            .window(c.get(WINDOW, window))
            .warmUp(c.get(WARM_UP, warmUp))
            .minSpan(c.get(MIN_SPAN, minSpan))
            .minCollections(c.get(MIN_COLLECTIONS, minCollections))
            .minIncrease(c.get(MIN_INCREASE, minIncrease))
            .minTrendStrength(c.get(MIN_TREND_STRENGTH, minTrendStrength))
            .earlyWarningHorizon(c.get(EARLY_WARNING_HORIZON, earlyWarningHorizon))
            .confirmAfter(c.get(CONFIRM_AFTER, confirmAfter))
            .withdrawAfter(c.get(WITHDRAW_AFTER, withdrawAfter))
            .returnFraction(c.get(RETURN_FRACTION, returnFraction))
            .heapThreshold(c.get(HEAP_THRESHOLD, heapThreshold))
            .exhaustionHorizon(c.get(EXHAUSTION_HORIZON, exhaustionHorizon))
            .heap(c.get(HEAP, heap))
            .jvmGauges(c.get(JVM_GAUGES, jvmGauges))
            .histogramMinInterval(c.get(HISTOGRAM_MIN_INTERVAL, histogramMinInterval))
            .suspectsLimit(c.get(SUSPECTS_LIMIT, suspectsLimit))
            .recordOnSuspicion(c.get(RECORD_ON_SUSPICION, recordOnSuspicion))
            .recordingMaxSize(c.get(RECORDING_MAX_SIZE, recordingMaxSize))
            .recordingDuration(c.get(RECORDING_DURATION, recordingDuration))
            .recordingCutoff(c.get(RECORDING_CUTOFF, recordingCutoff));
    c.throwIfInvalid();
    Mismatch mismatch = b.combinationProblem();
    if (mismatch != null) {
      throw new ConfigurationException(
          List.of(
              new ConfigProblem(
                  CONFIG_PREFIX + "." + mismatch.setting(),
                  DurationText.format(mismatch.value()),
                  "the combined settings",
                  mismatch.rule())));
    }
    return b.build();
  }

  /**
   * Returns whether the detector samples at all. Default true.
   *
   * @return whether enabled
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the bucket width and polling period. Default 5s.
   *
   * @return the sample interval
   */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /**
   * Returns how long samples are kept. Default 1h.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  /**
   * Returns the start-up time whose samples are ignored. Default 2m.
   *
   * @return the warm-up
   */
  public Duration warmUp() {
    return warmUp;
  }

  /**
   * Returns the shortest span of sustained growth that raises a suspicion. Default 30s.
   *
   * @return the minimum span
   */
  public Duration minSpan() {
    return minSpan;
  }

  /**
   * Returns the fewest garbage collections a heap suspicion rests on. Default 5.
   *
   * @return the minimum number of collections
   */
  public int minCollections() {
    return minCollections;
  }

  /**
   * Returns the smallest growth that counts, as a fraction of a gauge's limit. Default 0.02.
   *
   * @return the minimum increase fraction
   */
  public double minIncrease() {
    return minIncrease;
  }

  /**
   * Returns the smallest Kendall's tau that counts as consistent growth. Default 0.6.
   *
   * @return the minimum trend strength
   */
  public double minTrendStrength() {
    return minTrendStrength;
  }

  /**
   * Returns how soon an unverified heap rise must project exhaustion to be suspected. Default 15m.
   *
   * @return the early-warning horizon
   */
  public Duration earlyWarningHorizon() {
    return earlyWarningHorizon;
  }

  /**
   * Returns how long a suspicion lasts before it is confirmed. Default 5m.
   *
   * @return the confirmation time
   */
  public Duration confirmAfter() {
    return confirmAfter;
  }

  /**
   * Returns how long without growth withdraws a suspicion. Default 5m. A suspicion whose evidence
   * spans more than twice this waits half that span instead, so that growth seen over an hour is
   * not taken as over after a few flat minutes.
   *
   * @return the withdrawal time
   */
  public Duration withdrawAfter() {
    return withdrawAfter;
  }

  /**
   * Returns the share of its rise a suspected gauge must give back to be cleared. Default 0.5.
   *
   * @return the return fraction
   */
  public double returnFraction() {
    return returnFraction;
  }

  /**
   * Returns the post-GC heap usage fraction that raises the threshold alarm; 0 when off. Default
   * 0.8.
   *
   * @return the heap threshold
   */
  public double heapThreshold() {
    return heapThreshold;
  }

  /**
   * Returns the projected time to exhaustion below which a leak is unhealthy. Default 15m.
   *
   * @return the exhaustion horizon
   */
  public Duration exhaustionHorizon() {
    return exhaustionHorizon;
  }

  /**
   * Returns whether the heap is watched. Default true.
   *
   * @return whether the heap is watched
   */
  public boolean heap() {
    return heap;
  }

  /**
   * Returns whether the standard JVM and process gauges are watched. Default true.
   *
   * @return whether JVM gauges are watched
   */
  public boolean jvmGauges() {
    return jvmGauges;
  }

  /**
   * Returns the shortest time between two class histograms. Default 1m.
   *
   * @return the histogram interval
   */
  public Duration histogramMinInterval() {
    return histogramMinInterval;
  }

  /**
   * Returns how many entries a suspects list shows. Default 20.
   *
   * @return the suspects limit
   */
  public int suspectsLimit() {
    return suspectsLimit;
  }

  /**
   * Returns whether a JFR old-object recording starts on a heap suspicion. Default false.
   *
   * @return whether to record on suspicion
   */
  public boolean recordOnSuspicion() {
    return recordOnSuspicion;
  }

  /**
   * Returns the size bound of the JFR recording, in bytes. Default 16 MB.
   *
   * @return the maximum recording size
   */
  public long recordingMaxSize() {
    return recordingMaxSize;
  }

  /**
   * Returns how long a JFR recording runs before it stops on its own. Default 30m.
   *
   * @return the recording duration
   */
  public Duration recordingDuration() {
    return recordingDuration;
  }

  /**
   * Returns how long JFR may search for paths to GC roots. Default 1s.
   *
   * @return the cutoff
   */
  public Duration recordingCutoff() {
    return recordingCutoff;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "LeakDetectorConfig[sample-interval=%s, window=%s, warm-up=%s, min-span=%s,"
            + " min-collections=%d, min-increase=%s, min-trend-strength=%s, confirm-after=%s,"
            + " withdraw-after=%s, return-fraction=%s, heap-threshold=%s]",
        DurationText.format(sampleInterval),
        DurationText.format(window),
        DurationText.format(warmUp),
        DurationText.format(minSpan),
        minCollections,
        minIncrease,
        minTrendStrength,
        DurationText.format(confirmAfter),
        DurationText.format(withdrawAfter),
        returnFraction,
        heapThreshold);
  }

  /** A setting whose value does not fit the others. */
  private record Mismatch(String setting, String rule, Duration value) {
    String message() {
      return setting + " must be " + rule + ", was " + DurationText.format(value);
    }
  }

  /** Builds a {@link LeakDetectorConfig}. Not thread-safe. */
  public static final class Builder {
    private boolean enabled = ENABLED.defaultValue().orElseThrow();
    private Duration sampleInterval = SAMPLE_INTERVAL.defaultValue().orElseThrow();
    private Duration window = WINDOW.defaultValue().orElseThrow();
    private Duration warmUp = WARM_UP.defaultValue().orElseThrow();
    private Duration minSpan = MIN_SPAN.defaultValue().orElseThrow();
    private int minCollections = MIN_COLLECTIONS.defaultValue().orElseThrow();
    private double minIncrease = MIN_INCREASE.defaultValue().orElseThrow();
    private double minTrendStrength = MIN_TREND_STRENGTH.defaultValue().orElseThrow();
    private Duration earlyWarningHorizon = EARLY_WARNING_HORIZON.defaultValue().orElseThrow();
    private Duration confirmAfter = CONFIRM_AFTER.defaultValue().orElseThrow();
    private Duration withdrawAfter = WITHDRAW_AFTER.defaultValue().orElseThrow();
    private double returnFraction = RETURN_FRACTION.defaultValue().orElseThrow();
    private double heapThreshold = HEAP_THRESHOLD.defaultValue().orElseThrow();
    private Duration exhaustionHorizon = EXHAUSTION_HORIZON.defaultValue().orElseThrow();
    private boolean heap = HEAP.defaultValue().orElseThrow();
    private boolean jvmGauges = JVM_GAUGES.defaultValue().orElseThrow();
    private Duration histogramMinInterval = HISTOGRAM_MIN_INTERVAL.defaultValue().orElseThrow();
    private int suspectsLimit = SUSPECTS_LIMIT.defaultValue().orElseThrow();
    private boolean recordOnSuspicion = RECORD_ON_SUSPICION.defaultValue().orElseThrow();
    private long recordingMaxSize = RECORDING_MAX_SIZE.defaultValue().orElseThrow();
    private Duration recordingDuration = RECORDING_DURATION.defaultValue().orElseThrow();
    private Duration recordingCutoff = RECORDING_CUTOFF.defaultValue().orElseThrow();

    private Builder() {}

    private Builder(LeakDetectorConfig c) {
      this.enabled = c.enabled;
      this.sampleInterval = c.sampleInterval;
      this.window = c.window;
      this.warmUp = c.warmUp;
      this.minSpan = c.minSpan;
      this.minCollections = c.minCollections;
      this.minIncrease = c.minIncrease;
      this.minTrendStrength = c.minTrendStrength;
      this.earlyWarningHorizon = c.earlyWarningHorizon;
      this.confirmAfter = c.confirmAfter;
      this.withdrawAfter = c.withdrawAfter;
      this.returnFraction = c.returnFraction;
      this.heapThreshold = c.heapThreshold;
      this.exhaustionHorizon = c.exhaustionHorizon;
      this.heap = c.heap;
      this.jvmGauges = c.jvmGauges;
      this.histogramMinInterval = c.histogramMinInterval;
      this.suspectsLimit = c.suspectsLimit;
      this.recordOnSuspicion = c.recordOnSuspicion;
      this.recordingMaxSize = c.recordingMaxSize;
      this.recordingDuration = c.recordingDuration;
      this.recordingCutoff = c.recordingCutoff;
    }

    /**
     * Sets whether the detector samples at all.
     *
     * @param enabled false to make {@code start()} a no-op
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets the bucket width and polling period.
     *
     * @param interval between 10ms and 1h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder sampleInterval(Duration interval) {
      this.sampleInterval = SAMPLE_INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets how long samples are kept.
     *
     * @param window between 100ms and 30d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder window(Duration window) {
      this.window = WINDOW.check(window);
      return this;
    }

    /**
     * Sets the start-up time whose samples are ignored.
     *
     * @param warmUp between 0 and 1d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder warmUp(Duration warmUp) {
      this.warmUp = WARM_UP.check(warmUp);
      return this;
    }

    /**
     * Sets the shortest span of sustained growth that raises a suspicion.
     *
     * @param minSpan between 50ms and 1d, and at least 5 sample intervals
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minSpan(Duration minSpan) {
      this.minSpan = MIN_SPAN.check(minSpan);
      return this;
    }

    /**
     * Sets the fewest garbage collections a heap suspicion rests on.
     *
     * @param minCollections between 1 and 100000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minCollections(int minCollections) {
      this.minCollections = MIN_COLLECTIONS.check(minCollections);
      return this;
    }

    /**
     * Sets the smallest growth that counts, as a fraction of a gauge's limit.
     *
     * @param fraction between 0.001 and 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minIncrease(double fraction) {
      this.minIncrease = MIN_INCREASE.check(fraction);
      return this;
    }

    /**
     * Sets the smallest Kendall's tau that counts as consistent growth.
     *
     * @param tau between 0.1 and 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minTrendStrength(double tau) {
      this.minTrendStrength = MIN_TREND_STRENGTH.check(tau);
      return this;
    }

    /**
     * Sets how soon a heap rise that no old-generation collection has verified must project
     * exhaustion to be suspected. Default 15 minutes; a slower rise waits for a collection that
     * reclaims old-generation memory.
     *
     * @param horizon between 1s and 365d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder earlyWarningHorizon(Duration horizon) {
      this.earlyWarningHorizon = EARLY_WARNING_HORIZON.check(horizon);
      return this;
    }

    /**
     * Sets how long a suspicion lasts, still growing, before it is confirmed.
     *
     * @param confirmAfter between 0 and 7d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder confirmAfter(Duration confirmAfter) {
      this.confirmAfter = CONFIRM_AFTER.check(confirmAfter);
      return this;
    }

    /**
     * Sets how long without growth withdraws a suspicion.
     *
     * @param withdrawAfter between 50ms and 30d, at least the minimum span and at most the window
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder withdrawAfter(Duration withdrawAfter) {
      this.withdrawAfter = WITHDRAW_AFTER.check(withdrawAfter);
      return this;
    }

    /**
     * Sets the share of its rise a suspected gauge must give back to be cleared.
     *
     * @param fraction between 0.05 and 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder returnFraction(double fraction) {
      this.returnFraction = RETURN_FRACTION.check(fraction);
      return this;
    }

    /**
     * Sets the post-GC heap usage fraction that raises the threshold alarm.
     *
     * @param fraction between 0.0 (off) and 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder heapThreshold(double fraction) {
      this.heapThreshold = HEAP_THRESHOLD.check(fraction);
      return this;
    }

    /**
     * Sets the projected time to exhaustion below which a leak is unhealthy.
     *
     * @param horizon between 0 and 30d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder exhaustionHorizon(Duration horizon) {
      this.exhaustionHorizon = EXHAUSTION_HORIZON.check(horizon);
      return this;
    }

    /**
     * Sets whether the heap is watched.
     *
     * @param heap whether to watch the heap's live set
     * @return this builder
     */
    public Builder heap(boolean heap) {
      this.heap = heap;
      return this;
    }

    /**
     * Sets whether the standard JVM and process gauges are watched.
     *
     * @param jvmGauges whether to watch metaspace, classes, buffers, RSS, descriptors, threads
     * @return this builder
     */
    public Builder jvmGauges(boolean jvmGauges) {
      this.jvmGauges = jvmGauges;
      return this;
    }

    /**
     * Sets the shortest time between two class histograms.
     *
     * @param interval between 0 and 1d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder histogramMinInterval(Duration interval) {
      this.histogramMinInterval = HISTOGRAM_MIN_INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets how many entries a suspects list shows.
     *
     * @param limit between 1 and 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder suspectsLimit(int limit) {
      this.suspectsLimit = SUSPECTS_LIMIT.check(limit);
      return this;
    }

    /**
     * Sets whether a JFR old-object recording starts when the heap is suspected.
     *
     * @param record whether to record on suspicion
     * @return this builder
     */
    public Builder recordOnSuspicion(boolean record) {
      this.recordOnSuspicion = record;
      return this;
    }

    /**
     * Sets the size bound of the JFR recording.
     *
     * @param bytes between 1 MB and 1 GB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder recordingMaxSize(long bytes) {
      this.recordingMaxSize = RECORDING_MAX_SIZE.check(bytes);
      return this;
    }

    /**
     * Sets how long a JFR recording runs before it stops on its own.
     *
     * @param duration between 1s and 1d
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder recordingDuration(Duration duration) {
      this.recordingDuration = RECORDING_DURATION.check(duration);
      return this;
    }

    /**
     * Sets how long JFR may search for paths to GC roots.
     *
     * @param cutoff between 0 (no paths) and 5m
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder recordingCutoff(Duration cutoff) {
      this.recordingCutoff = RECORDING_CUTOFF.check(cutoff);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     * @throws IllegalArgumentException if settings do not fit together: {@code min-span} under 5
     *     sample intervals, a window under twice the minimum span or over 10000 intervals, or
     *     {@code withdraw-after} outside the minimum span and the window
     */
    public LeakDetectorConfig build() {
      Mismatch problem = combinationProblem();
      if (problem != null) {
        throw new IllegalArgumentException(problem.message());
      }
      return new LeakDetectorConfig(this);
    }

    private Mismatch combinationProblem() {
      if (minSpan.compareTo(sampleInterval.multipliedBy(MIN_SPAN_INTERVALS)) < 0) {
        return new Mismatch(
            "min-span",
            "at least 5 x sample-interval ("
                + DurationText.format(sampleInterval.multipliedBy(MIN_SPAN_INTERVALS))
                + ")",
            minSpan);
      }
      if (window.compareTo(minSpan.multipliedBy(2)) < 0) {
        return new Mismatch(
            "window",
            "at least 2 x min-span (" + DurationText.format(minSpan.multipliedBy(2)) + ")",
            window);
      }
      if (window.dividedBy(sampleInterval) > MAX_BUCKETS) {
        return new Mismatch(
            "window",
            "at most "
                + MAX_BUCKETS
                + " x sample-interval ("
                + DurationText.format(sampleInterval.multipliedBy(MAX_BUCKETS))
                + ")",
            window);
      }
      if (withdrawAfter.compareTo(minSpan) < 0 || withdrawAfter.compareTo(window) > 0) {
        return new Mismatch(
            "withdraw-after",
            "between min-span ("
                + DurationText.format(minSpan)
                + ") and window ("
                + DurationText.format(window)
                + ")",
            withdrawAfter);
      }
      return null;
    }
  }
}
