package dev.reliability.cluster;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link FleetRetryBudget}: the fleet's retries to one downstream stay below
 * {@link #ratio()} times its calls plus {@link #minRetriesPerSecond()} times the {@link #window()}
 * in seconds, counted over the last {@code window} by every instance and summed by the engine every
 * {@link #syncInterval()}.
 *
 * <pre>{@code
 * FleetRetryBudgetConfig payments = FleetRetryBudgetConfig.builder("payments")
 *     .ratio(0.1)
 *     .minRetriesPerSecond(10)
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class FleetRetryBudgetConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.fleet.retrybudget";

  /** Settings may be set per budget name as well as for every budget. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** Retries allowed per call, fleet-wide. */
  public static final Setting<Double> RATIO =
      Setting.doubleSetting("ratio")
          .defaultValue(0.1)
          .between(0.0, 10.0)
          .description("Retries allowed per call across the fleet, over the window")
          .build();

  /** Retries per second allowed whatever the calls, fleet-wide. */
  public static final Setting<Integer> MIN_RETRIES_PER_SECOND =
      Setting.intSetting("min-retries-per-second")
          .defaultValue(10)
          .between(0, 1_000_000)
          .description(
              "Retries per second the fleet may make whatever its calls (divided among the"
                  + " instances while the engine fails)")
          .build();

  /** The window the counts cover. */
  public static final Setting<Duration> WINDOW =
      Setting.durationSetting("window")
          .defaultValue(Duration.ofSeconds(10))
          .between(Duration.ofSeconds(1), Duration.ofHours(1))
          .description("The time the calls and retries are counted over")
          .build();

  /** How often an instance sends its counts and reads the fleet's. */
  public static final Setting<Duration> SYNC_INTERVAL =
      Setting.durationSetting("sync-interval")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ofMillis(10), Duration.ofMinutes(1))
          .description(
              "How often an instance sends its counts and reads the fleet's; also the length of a"
                  + " slice of the window (at most 1,000 slices)")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(RATIO, MIN_RETRIES_PER_SECOND, WINDOW, SYNC_INTERVAL);

  static final int MAX_SLICES = 1_000;

  private final String name;
  private final double ratio;
  private final int minRetriesPerSecond;
  private final Duration window;
  private final Duration syncInterval;

  private FleetRetryBudgetConfig(Builder b) {
    this.name = b.name;
    this.ratio = b.ratio;
    this.minRetriesPerSecond = b.minRetriesPerSecond;
    this.window = b.window;
    this.syncInterval = b.syncInterval;
  }

  /**
   * Returns a builder with the defaults: ratio 0.1, 10 retries per second, a 10 s window synced
   * every second.
   *
   * @param name the budget's name, its counters' key on the engine and the instance name of its
   *     settings: 1 to 64 letters, digits, {@code -} or {@code _}
   * @return a builder
   * @throws IllegalArgumentException if the name is invalid
   */
  public static Builder builder(String name) {
    return new Builder(FleetRateLimitConfig.checkName(name));
  }

  /**
   * Returns a builder holding this configuration's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the budget's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the retries allowed per call.
   *
   * @return the ratio
   */
  public double ratio() {
    return ratio;
  }

  /**
   * Returns the retries per second allowed whatever the calls.
   *
   * @return the floor
   */
  public int minRetriesPerSecond() {
    return minRetriesPerSecond;
  }

  /**
   * Returns the window the counts cover.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  /**
   * Returns how often the counts are synced.
   *
   * @return the interval
   */
  public Duration syncInterval() {
    return syncInterval;
  }

  /**
   * Returns this configuration with the settings found in a source: {@code
   * reliability.fleet.retrybudget.<setting>} for every budget, {@code
   * reliability.fleet.retrybudget.<name>.<setting>} for this one. A {@link FleetEngine} built with
   * a config source applies it to every budget it creates.
   *
   * @param source the source
   * @return the configuration, or this one if the source sets nothing
   * @throws dev.reliability.core.config.ConfigurationException if a value is invalid
   * @throws IllegalArgumentException if the window and sync interval do not fit together
   */
  public FleetRetryBudgetConfig withOverrides(ConfigSource source) {
    ConfigBinder b =
        ConfigBinder.of(Checks.notNull("source", source), CONFIG_PREFIX).instance(name);
    Builder out = toBuilder();
    out.ratio = b.get(RATIO, ratio);
    out.minRetriesPerSecond = b.get(MIN_RETRIES_PER_SECOND, minRetriesPerSecond);
    out.window = b.get(WINDOW, window);
    out.syncInterval = b.get(SYNC_INTERVAL, syncInterval);
    b.throwIfInvalid();
    FleetRetryBudgetConfig c = out.build();
    return c.equals(this) ? this : c;
  }

  /** The slices of the window, each one sync interval long. */
  int slices() {
    long n = (window.toNanos() + syncInterval.toNanos() - 1) / syncInterval.toNanos();
    return (int) Math.max(1, n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FleetRetryBudgetConfig c
        && c.name.equals(name)
        && Double.compare(c.ratio, ratio) == 0
        && c.minRetriesPerSecond == minRetriesPerSecond
        && c.window.equals(window)
        && c.syncInterval.equals(syncInterval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, ratio, minRetriesPerSecond, window, syncInterval);
  }

  @Override
  public String toString() {
    return "FleetRetryBudgetConfig["
        + name
        + ": ratio="
        + ratio
        + ", minRetriesPerSecond="
        + minRetriesPerSecond
        + ", window="
        + DurationText.format(window)
        + ", syncInterval="
        + DurationText.format(syncInterval)
        + "]";
  }

  /** Builds a {@link FleetRetryBudgetConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private double ratio = RATIO.defaultValue().orElseThrow();
    private int minRetriesPerSecond = MIN_RETRIES_PER_SECOND.defaultValue().orElseThrow();
    private Duration window = WINDOW.defaultValue().orElseThrow();
    private Duration syncInterval = SYNC_INTERVAL.defaultValue().orElseThrow();

    private Builder(String name) {
      this.name = name;
    }

    private Builder(FleetRetryBudgetConfig c) {
      this.name = c.name;
      this.ratio = c.ratio;
      this.minRetriesPerSecond = c.minRetriesPerSecond;
      this.window = c.window;
      this.syncInterval = c.syncInterval;
    }

    /**
     * Sets the retries allowed per call across the fleet. Default 0.1.
     *
     * @param ratio 0 to 10
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder ratio(double ratio) {
      this.ratio = RATIO.check(ratio);
      return this;
    }

    /**
     * Sets the retries per second the fleet may make whatever its calls. Default 10.
     *
     * @param perSecond 0 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minRetriesPerSecond(int perSecond) {
      this.minRetriesPerSecond = MIN_RETRIES_PER_SECOND.check(perSecond);
      return this;
    }

    /**
     * Sets the time the counts cover. Default 10 s.
     *
     * @param window 1 s to 1 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder window(Duration window) {
      this.window = WINDOW.check(window);
      return this;
    }

    /**
     * Sets how often the counts are synced with the engine: the longest time an instance decides on
     * the others' counts as they were. Default 1 s.
     *
     * @param interval 10 ms to 1 min, and at least the window divided by 1,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder syncInterval(Duration interval) {
      this.syncInterval = SYNC_INTERVAL.check(interval);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     * @throws IllegalArgumentException if the sync interval is longer than the window or cuts it
     *     into more than 1,000 slices
     */
    public FleetRetryBudgetConfig build() {
      Checks.check(
          syncInterval.compareTo(window) <= 0,
          "syncInterval",
          "at most the window (" + DurationText.format(window) + ")",
          DurationText.format(syncInterval));
      Checks.check(
          window.toNanos() / syncInterval.toNanos() <= MAX_SLICES,
          "syncInterval",
          "at least the window divided by " + MAX_SLICES,
          DurationText.format(syncInterval));
      return new FleetRetryBudgetConfig(this);
    }
  }
}
