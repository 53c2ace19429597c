package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a policy's hedging: when a call is slow, start another run of it and take the
 * first success, so that one slow replica or one lost packet does not become the caller's latency.
 *
 * <p><b>Delay.</b> A hedge starts when no run has succeeded after the hedge delay: a fixed {@link
 * #delay()} (100 ms by default), or, with {@link Builder#delayPercentile(double)}, the given
 * percentile of the latencies the policy measured over the last one or two {@link
 * #percentileWindow() windows}, bounded by {@link #minDelay()} and {@link #maxDelay()}; until
 * {@link #minSamples()} latencies are known the fixed delay applies. At most {@link #maxHedges()}
 * hedges start per call (1 by default), each one delay after the previous.
 *
 * <p><b>Budget.</b> Hedges draw from a token bucket so that they cannot multiply the load on a
 * dependency that is slow for everyone: the policy's retry budget when its retry has one ({@link
 * RetryConfig.Builder#budget(RetryBudget)}), else this configuration's {@link #budget()}, by
 * default {@code RetryBudget.of(0.1, 10)}: at most one hedge per ten calls over time, with a burst
 * of ten. A hedge the budget refuses is not started and is counted ({@link
 * Hedging#hedgesDeniedByBudget()}).
 *
 * <p>Hedge only idempotent calls: the losing runs are cancelled, but may already have had their
 * effect.
 *
 * <pre>{@code
 * HedgeConfig config = HedgeConfig.builder()
 *     .delayPercentile(0.95)
 *     .minDelay(Duration.ofMillis(20))
 *     .maxDelay(Duration.ofSeconds(1))
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class HedgeConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.hedge";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  private static final Duration DELAY_LIMIT = Duration.ofHours(1);

  /** Whether the policy hedges; on when hedging is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy hedges slow calls; on when hedging is configured in code or a"
                  + " template")
          .build();

  /** The fixed hedge delay, also used until the percentile has enough samples. */
  public static final Setting<Duration> DELAY =
      Setting.durationSetting("delay")
          .defaultValue(Duration.ofMillis(100))
          .between(Duration.ofMillis(1), DELAY_LIMIT)
          .description(
              "Time without a success after which a hedge starts; with a percentile, the delay"
                  + " until enough latencies are known")
          .build();

  /** The latency percentile that sets the delay; 0 for the fixed delay. */
  public static final Setting<Double> DELAY_PERCENTILE =
      Setting.percentageSetting("delay-percentile")
          .defaultValue(0.0)
          .rule(p -> p == 0.0 || (p >= 0.5 && p <= 0.999), "0 or between 0.5 and 0.999")
          .description(
              "Latency percentile of recent calls used as the delay, such as 95%; 0 uses the fixed"
                  + " delay")
          .build();

  /** The lower bound of a percentile delay. */
  public static final Setting<Duration> MIN_DELAY =
      Setting.durationSetting("min-delay")
          .defaultValue(Duration.ofMillis(10))
          .between(Duration.ofMillis(1), DELAY_LIMIT)
          .description("Lower bound of the percentile delay")
          .build();

  /** The upper bound of a percentile delay. */
  public static final Setting<Duration> MAX_DELAY =
      Setting.durationSetting("max-delay")
          .defaultValue(Duration.ofSeconds(2))
          .between(Duration.ofMillis(1), DELAY_LIMIT)
          .description("Upper bound of the percentile delay, at least the lower bound")
          .build();

  /** Latencies needed before the percentile replaces the fixed delay. */
  public static final Setting<Integer> MIN_SAMPLES =
      Setting.intSetting("min-samples")
          .defaultValue(100)
          .between(1, 1_000_000)
          .description("Latencies measured before the percentile replaces the fixed delay")
          .build();

  /** How long measured latencies count. */
  public static final Setting<Duration> PERCENTILE_WINDOW =
      Setting.durationSetting("percentile-window")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ofSeconds(1), Duration.ofDays(1))
          .description(
              "A latency counts for the percentile during one to two windows after it was measured")
          .build();

  /** Hedges per call. */
  public static final Setting<Integer> MAX_HEDGES =
      Setting.intSetting("max-hedges")
          .defaultValue(1)
          .between(1, 5)
          .description("Hedges started at most per call, one delay apart")
          .build();

  /** Hedges per call allowed by the hedge's own budget. */
  public static final Setting<Double> BUDGET_RATIO =
      Setting.percentageSetting("budget-ratio")
          .defaultValue(0.1)
          .description(
              "Hedges allowed per call by the hedge's own budget, such as 10%; the retry budget"
                  + " is used instead when the policy's retry has one")
          .build();

  /** Hedges the own budget may save up. */
  public static final Setting<Integer> BUDGET_RESERVE =
      Setting.intSetting("budget-reserve")
          .defaultValue(10)
          .between(1, 1_000_000)
          .description("Hedges the hedge's own budget may save up")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ENABLED,
          DELAY,
          DELAY_PERCENTILE,
          MIN_DELAY,
          MAX_DELAY,
          MIN_SAMPLES,
          PERCENTILE_WINDOW,
          MAX_HEDGES,
          BUDGET_RATIO,
          BUDGET_RESERVE);

  private static final RetryBudget DEFAULT_BUDGET = RetryBudget.of(0.1, 10);
  private static final HedgeConfig DEFAULTS = new Builder().build();

  private final Duration delay;
  private final double delayPercentile;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final int minSamples;
  private final Duration percentileWindow;
  private final int maxHedges;
  private final RetryBudget budget;

  private HedgeConfig(Builder b) {
    this.delay = b.delay;
    this.delayPercentile = b.delayPercentile;
    this.minDelay = b.minDelay;
    this.maxDelay = b.maxDelay;
    this.minSamples = b.minSamples;
    this.percentileWindow = b.percentileWindow;
    this.maxHedges = b.maxHedges;
    this.budget = b.budget;
  }

  /**
   * Returns the defaults: one hedge after a fixed 100 ms, drawn from a budget of one hedge per ten
   * calls with a reserve of ten.
   *
   * @return the default configuration
   */
  public static HedgeConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a configuration with one hedge after a fixed delay and the default budget.
   *
   * @param delay the delay, 1 ms to 1 hour
   * @return the configuration
   * @throws IllegalArgumentException if out of range
   */
  public static HedgeConfig ofDelay(Duration delay) {
    return builder().delay(delay).build();
  }

  /**
   * Returns a builder starting from the defaults.
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
   * Returns the fixed delay, also the delay while the percentile lacks samples.
   *
   * @return the delay
   */
  public Duration delay() {
    return delay;
  }

  /**
   * Returns the latency percentile that sets the delay.
   *
   * @return the percentile as a fraction, such as 0.95, or empty for the fixed delay
   */
  public Optional<Double> delayPercentile() {
    return delayPercentile == 0.0 ? Optional.empty() : Optional.of(delayPercentile);
  }

  /**
   * Returns the lower bound of the percentile delay.
   *
   * @return the bound
   */
  public Duration minDelay() {
    return minDelay;
  }

  /**
   * Returns the upper bound of the percentile delay.
   *
   * @return the bound
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * Returns the latencies needed before the percentile replaces the fixed delay.
   *
   * @return the number of samples
   */
  public int minSamples() {
    return minSamples;
  }

  /**
   * Returns how long a measured latency counts: from one to two windows.
   *
   * @return the window
   */
  public Duration percentileWindow() {
    return percentileWindow;
  }

  /**
   * Returns the most hedges started per call.
   *
   * @return 1 to 5
   */
  public int maxHedges() {
    return maxHedges;
  }

  /**
   * Returns the hedge's own budget, used when the policy's retry has none.
   *
   * @return the budget
   */
  public RetryBudget budget() {
    return budget;
  }

  /**
   * Returns this configuration with every setting the source sets for all policies (keys {@code
   * reliability.hedge.<setting>}) applied; {@link PolicyConfig#withOverrides(ConfigSource, String)}
   * also reads the keys of one policy.
   *
   * @param source where overrides come from
   * @return the configuration
   * @throws ConfigurationException listing every invalid setting
   */
  public HedgeConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    ConfigBinder binder = ConfigBinder.of(source, CONFIG_PREFIX);
    HedgeConfig bound;
    try {
      bound = bind(binder);
    } catch (IllegalArgumentException e) {
      binder.throwIfInvalid();
      throw new ConfigurationException("Invalid hedge configuration: " + e.getMessage());
    }
    binder.throwIfInvalid();
    return bound;
  }

  HedgeConfig bind(ConfigBinder binder) {
    Builder b = toBuilder();
    b.delay(binder.get(DELAY, delay));
    b.delayPercentile(binder.get(DELAY_PERCENTILE, delayPercentile));
    b.minDelay(binder.get(MIN_DELAY, minDelay));
    b.maxDelay(binder.get(MAX_DELAY, maxDelay));
    b.minSamples(binder.get(MIN_SAMPLES, minSamples));
    b.percentileWindow(binder.get(PERCENTILE_WINDOW, percentileWindow));
    b.maxHedges(binder.get(MAX_HEDGES, maxHedges));
    double ratio = binder.get(BUDGET_RATIO, budget.ratio());
    int reserve = binder.get(BUDGET_RESERVE, budget.reserve());
    if (ratio != budget.ratio() || reserve != budget.reserve()) {
      b.budget(RetryBudget.of(ratio, reserve));
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HedgeConfig c
        && c.delay.equals(delay)
        && Double.compare(c.delayPercentile, delayPercentile) == 0
        && c.minDelay.equals(minDelay)
        && c.maxDelay.equals(maxDelay)
        && c.minSamples == minSamples
        && c.percentileWindow.equals(percentileWindow)
        && c.maxHedges == maxHedges
        && c.budget.equals(budget);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        delay,
        delayPercentile,
        minDelay,
        maxDelay,
        minSamples,
        percentileWindow,
        maxHedges,
        budget);
  }

  @Override
  public String toString() {
    return "HedgeConfig[delay="
        + DurationText.format(delay)
        + (delayPercentile == 0.0
            ? ""
            : ", delayPercentile="
                + delayPercentile
                + ", minDelay="
                + DurationText.format(minDelay)
                + ", maxDelay="
                + DurationText.format(maxDelay)
                + ", minSamples="
                + minSamples
                + ", percentileWindow="
                + DurationText.format(percentileWindow))
        + ", maxHedges="
        + maxHedges
        + ", budget="
        + budget
        + "]";
  }

  /** Builds a {@link HedgeConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private Duration delay = Duration.ofMillis(100);
    private double delayPercentile;
    private Duration minDelay = Duration.ofMillis(10);
    private Duration maxDelay = Duration.ofSeconds(2);
    private int minSamples = 100;
    private Duration percentileWindow = Duration.ofSeconds(30);
    private int maxHedges = 1;
    private RetryBudget budget = DEFAULT_BUDGET;

    private Builder() {}

    private Builder(HedgeConfig c) {
      this.delay = c.delay;
      this.delayPercentile = c.delayPercentile;
      this.minDelay = c.minDelay;
      this.maxDelay = c.maxDelay;
      this.minSamples = c.minSamples;
      this.percentileWindow = c.percentileWindow;
      this.maxHedges = c.maxHedges;
      this.budget = c.budget;
    }

    /**
     * Sets the fixed delay after which a hedge starts; with a percentile, the delay until enough
     * latencies are known. Default 100 ms.
     *
     * @param delay 1 ms to 1 hour ({@link #DELAY})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder delay(Duration delay) {
      this.delay = DELAY.check(delay);
      return this;
    }

    /**
     * Makes the delay follow a percentile of the latencies the policy measures. Default none (0):
     * the fixed delay.
     *
     * @param percentile 0 for the fixed delay, or 0.5 to 0.999, such as 0.95 ({@link
     *     #DELAY_PERCENTILE})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder delayPercentile(double percentile) {
      this.delayPercentile = DELAY_PERCENTILE.check(percentile);
      return this;
    }

    /**
     * Sets the lower bound of the percentile delay. Default 10 ms.
     *
     * @param minDelay 1 ms to 1 hour, at most the upper bound ({@link #MIN_DELAY})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minDelay(Duration minDelay) {
      this.minDelay = MIN_DELAY.check(minDelay);
      return this;
    }

    /**
     * Sets the upper bound of the percentile delay. Default 2 s.
     *
     * @param maxDelay 1 ms to 1 hour, at least the lower bound ({@link #MAX_DELAY})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = MAX_DELAY.check(maxDelay);
      return this;
    }

    /**
     * Sets how many latencies are needed before the percentile replaces the fixed delay. Default
     * 100.
     *
     * @param minSamples 1 to 1,000,000 ({@link #MIN_SAMPLES})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minSamples(int minSamples) {
      this.minSamples = MIN_SAMPLES.check(minSamples);
      return this;
    }

    /**
     * Sets how long a measured latency counts for the percentile: from one to two windows, as the
     * policy keeps the current and the previous window. Default 30 s.
     *
     * @param window 1 s to 1 day ({@link #PERCENTILE_WINDOW})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder percentileWindow(Duration window) {
      this.percentileWindow = PERCENTILE_WINDOW.check(window);
      return this;
    }

    /**
     * Sets the most hedges started per call, each one delay after the previous. Default 1.
     *
     * @param maxHedges 1 to 5 ({@link #MAX_HEDGES})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxHedges(int maxHedges) {
      this.maxHedges = MAX_HEDGES.check(maxHedges);
      return this;
    }

    /**
     * Sets the hedge's own budget, used when the policy's retry has no budget. Default {@code
     * RetryBudget.of(0.1, 10)}. For a shared budget or another rule, set it on the retry ({@link
     * RetryConfig.Builder#budget(RetryBudget)}): hedges draw on the retry's budget.
     *
     * @param budget the budget
     * @return this builder
     * @throws IllegalArgumentException if the budget is shared or not of the ratio rule
     */
    public Builder budget(RetryBudget budget) {
      Checks.notNull("budget", budget);
      if (budget.rule() != RetryBudget.Rule.RATIO || budget.isShared()) {
        // The hedge's own budget hears only of calls; the other rules live in the retry's budget.
        throw new IllegalArgumentException(
            "budget must be a per-policy ratio budget (RetryBudget.of); set other rules on the"
                + " retry, whose budget hedges share, was "
                + budget);
      }
      this.budget = budget;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     * @throws IllegalArgumentException if the upper bound of the delay is below the lower bound
     */
    public HedgeConfig build() {
      Checks.check(
          maxDelay.compareTo(minDelay) >= 0,
          MAX_DELAY.name(),
          "at least " + MIN_DELAY.name() + " (" + DurationText.format(minDelay) + ")",
          DurationText.format(maxDelay));
      return new HedgeConfig(this);
    }
  }
}
