package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of an {@link AdaptiveLimiter}: a limit on calls in flight that follows measured
 * latency instead of being fixed, so it neither queues calls when the dependency slows down nor
 * wastes capacity when it is fast.
 *
 * <p>Two algorithms are offered ({@link Algorithm}). {@link Algorithm#GRADIENT} (the default)
 * compares the average latency of each window of samples with the baseline, the lowest window
 * average measured since the last probe, and keeps the limit where latency is at most {@link
 * #tolerance()} times the baseline: just past the dependency's knee, which keeps it saturated with
 * a short queue. Every {@link #probeInterval()} it holds the limit low for a couple of windows to
 * measure the baseline again, so a dependency that became slower for everyone moves the baseline
 * rather than pinning the limit at its minimum. {@link Algorithm#AIMD} grows the limit by one while
 * it is in use and multiplies it by {@link #backoffRatio()} when a call is dropped (a time-out or
 * an overload failure) or slower than {@link #latencyThreshold()}.
 *
 * <p>Partitions ({@link Builder#partition(String, double)}) reserve a share of the limit for a
 * traffic class, such as health probes or high-priority callers; calls of other classes go to the
 * default partition, which has no reservation.
 *
 * <pre>{@code
 * AdaptiveLimitConfig config = AdaptiveLimitConfig.builder()
 *     .minLimit(4)
 *     .maxLimit(100)
 *     .partition("health", 0.1)
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class AdaptiveLimitConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.adaptive-limit";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The largest limit; in-flight counts per partition are kept in 16 bits. */
  static final int LIMIT_CEILING = 50_000;

  /** The most partitions besides the default one. */
  public static final int MAX_PARTITIONS = 3;

  private static final Pattern PARTITION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private static final String PARTITIONS_RULE =
      "comma-separated name=share pairs, at most "
          + MAX_PARTITIONS
          + ", each share above 0 and the shares summing to at most 1";

  /** How the limit follows latency. */
  public enum Algorithm {
    /**
     * Keeps each window's average latency within {@link #tolerance()} times the baseline: grows
     * while latency is near the baseline, shrinks in proportion when it rises above the tolerance.
     */
    GRADIENT,
    /**
     * Additive increase, multiplicative decrease: +1 per window while at least half the limit is in
     * use, times {@link #backoffRatio()} after a drop or a sample above {@link
     * #latencyThreshold()}.
     */
    AIMD
  }

  /** Whether the policy has an adaptive limit; on when one is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy has an adaptive concurrency limit; on when one is configured in"
                  + " code or a template")
          .build();

  /** The algorithm. */
  public static final Setting<Algorithm> ALGORITHM =
      Setting.enumSetting("algorithm", Algorithm.class)
          .defaultValue(Algorithm.GRADIENT)
          .description("How the limit follows latency: gradient (against a baseline) or aimd")
          .build();

  /** The limit before any measurement. */
  public static final Setting<Integer> INITIAL_LIMIT =
      Setting.intSetting("initial-limit")
          .defaultValue(20)
          .between(1, LIMIT_CEILING)
          .description("Calls allowed in flight before latency has been measured")
          .build();

  /** The lowest limit. */
  public static final Setting<Integer> MIN_LIMIT =
      Setting.intSetting("min-limit")
          .defaultValue(4)
          .between(1, LIMIT_CEILING)
          .description("The lowest the limit goes, however slow the dependency becomes")
          .build();

  /** The highest limit. */
  public static final Setting<Integer> MAX_LIMIT =
      Setting.intSetting("max-limit")
          .defaultValue(200)
          .between(1, LIMIT_CEILING)
          .description("The highest the limit goes, however fast the dependency is")
          .build();

  /** How far latency may rise above the baseline before the gradient limit shrinks. */
  public static final Setting<Double> TOLERANCE =
      Setting.doubleSetting("tolerance")
          .defaultValue(1.25)
          .between(1.05, 10.0)
          .description(
              "Gradient: window latency allowed as a multiple of the no-load baseline before the"
                  + " limit shrinks")
          .build();

  /** The factor of a decrease. */
  public static final Setting<Double> BACKOFF_RATIO =
      Setting.doubleSetting("backoff-ratio")
          .defaultValue(0.9)
          .between(0.5, 0.99)
          .description(
              "Factor the limit is multiplied by after a dropped call (both algorithms) or a slow"
                  + " one (aimd)")
          .build();

  /** The latency above which AIMD counts a sample as a drop. */
  public static final Setting<Duration> LATENCY_THRESHOLD =
      Setting.durationSetting("latency-threshold")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ofMillis(1), Duration.ofHours(1))
          .description("Aimd: a call slower than this counts as dropped")
          .build();

  /** How often the baseline is measured again. */
  public static final Setting<Duration> PROBE_INTERVAL =
      Setting.durationSetting("probe-interval")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ofMillis(100), Duration.ofDays(1))
          .description(
              "How often (jittered by up to 10%) the no-load baseline latency is measured again")
          .build();

  /** The retry-after hint of a rejection. */
  public static final Setting<Duration> RETRY_AFTER =
      Setting.durationSetting("retry-after")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Retry-after hint of a rejection; 0 gives no hint")
          .build();

  /** Shares of the limit reserved per traffic class. */
  public static final Setting<Map<String, Double>> PARTITIONS =
      Setting.<Map<String, Double>>of(
              "partitions", "partitions", AdaptiveLimitConfig::parsePartitions)
          .defaultValue(Map.of())
          .rule(AdaptiveLimitConfig::validPartitions, PARTITIONS_RULE)
          .description(
              "Shares of the limit reserved per traffic class, such as health=0.1,priority=0.3")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ENABLED,
          ALGORITHM,
          INITIAL_LIMIT,
          MIN_LIMIT,
          MAX_LIMIT,
          TOLERANCE,
          BACKOFF_RATIO,
          LATENCY_THRESHOLD,
          PROBE_INTERVAL,
          RETRY_AFTER,
          PARTITIONS);

  private static final AdaptiveLimitConfig DEFAULTS = new Builder().build();

  private final Algorithm algorithm;
  private final int initialLimit;
  private final int minLimit;
  private final int maxLimit;
  private final double tolerance;
  private final double backoffRatio;
  private final Duration latencyThreshold;
  private final Duration probeInterval;
  private final Duration retryAfter;
  private final Map<String, Double> partitions;

  private AdaptiveLimitConfig(Builder b) {
    this.algorithm = b.algorithm;
    this.initialLimit = b.initialLimit;
    this.minLimit = b.minLimit;
    this.maxLimit = b.maxLimit;
    this.tolerance = b.tolerance;
    this.backoffRatio = b.backoffRatio;
    this.latencyThreshold = b.latencyThreshold;
    this.probeInterval = b.probeInterval;
    this.retryAfter = b.retryAfter;
    this.partitions = Collections.unmodifiableMap(new LinkedHashMap<>(b.partitions));
  }

  /**
   * Returns the defaults: the gradient algorithm starting at 20 calls, between 4 and 200, a
   * tolerance of 1.25, a backoff ratio of 0.9, an AIMD latency threshold of 1 s, a probe every 30
   * s, a retry-after hint of 1 s, and no partitions.
   *
   * <p>Why: 20 is a modest start that most dependencies absorb while the first windows are
   * measured; a minimum of 4 keeps enough calls flowing to measure latency at all; 200 bounds the
   * damage of a measurement gone wrong. A tolerance of 1.25 settles the limit at about 1.25 times
   * the knee, which keeps the dependency saturated (no lost throughput) with a queue of a quarter
   * of the knee, so admitted latency stays near 1.25 times the unloaded latency (well within
   * twice), and still leaves a quarter of the baseline for ordinary latency noise before it reads
   * as overload. A backoff of 0.9 reacts to each drop without collapsing the limit on a single
   * time-out. A probe every 30 s costs a couple of windows at a quarter of the limit, well under 1%
   * of the throughput, and notices a shifted baseline within half a minute.
   *
   * @return the default configuration
   */
  public static AdaptiveLimitConfig ofDefaults() {
    return DEFAULTS;
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
   * Returns this configuration with every setting the source sets replaced, keys under {@value
   * #CONFIG_PREFIX}. Values set in code lose to the source, so operators can retune without a
   * release.
   *
   * @param source where overrides come from
   * @return the configuration
   * @throws ConfigurationException listing every invalid setting, or the combination that does not
   *     fit (such as a minimum above the maximum)
   */
  public AdaptiveLimitConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    ConfigBinder binder = ConfigBinder.of(source, CONFIG_PREFIX);
    AdaptiveLimitConfig bound;
    try {
      bound = bind(binder);
    } catch (IllegalArgumentException e) {
      binder.throwIfInvalid();
      throw new ConfigurationException(
          "Invalid configuration of adaptive limit: " + e.getMessage());
    }
    binder.throwIfInvalid();
    return bound;
  }

  AdaptiveLimitConfig bind(ConfigBinder c) {
    Builder b =
        toBuilder()
            .algorithm(c.get(ALGORITHM, algorithm))
            .tolerance(c.get(TOLERANCE, tolerance))
            .backoffRatio(c.get(BACKOFF_RATIO, backoffRatio))
            .latencyThreshold(c.get(LATENCY_THRESHOLD, latencyThreshold))
            .probeInterval(c.get(PROBE_INTERVAL, probeInterval))
            .retryAfter(c.get(RETRY_AFTER, retryAfter));
    b.initialLimit = c.get(INITIAL_LIMIT, initialLimit);
    b.minLimit = c.get(MIN_LIMIT, minLimit);
    b.maxLimit = c.get(MAX_LIMIT, maxLimit);
    b.partitions.clear();
    b.partitions.putAll(c.get(PARTITIONS, partitions));
    return b.build();
  }

  /**
   * Returns the algorithm.
   *
   * @return the algorithm, {@link Algorithm#GRADIENT} by default
   */
  public Algorithm algorithm() {
    return algorithm;
  }

  /**
   * Returns the limit before any measurement.
   *
   * @return the initial limit, 20 by default
   */
  public int initialLimit() {
    return initialLimit;
  }

  /**
   * Returns the lowest limit.
   *
   * @return the minimum, 4 by default
   */
  public int minLimit() {
    return minLimit;
  }

  /**
   * Returns the highest limit.
   *
   * @return the maximum, 200 by default
   */
  public int maxLimit() {
    return maxLimit;
  }

  /**
   * Returns how far window latency may rise above the baseline before the gradient limit shrinks.
   *
   * @return the tolerance, a multiple of the baseline, 1.25 by default
   */
  public double tolerance() {
    return tolerance;
  }

  /**
   * Returns the factor of a decrease after a drop (both algorithms) or a slow call (AIMD).
   *
   * @return the ratio, 0.9 by default
   */
  public double backoffRatio() {
    return backoffRatio;
  }

  /**
   * Returns the latency above which the AIMD algorithm counts a call as dropped.
   *
   * @return the threshold, 1 s by default
   */
  public Duration latencyThreshold() {
    return latencyThreshold;
  }

  /**
   * Returns how often the baseline is measured again.
   *
   * @return the interval, 30 s by default, jittered by up to 10%
   */
  public Duration probeInterval() {
    return probeInterval;
  }

  /**
   * Returns the retry-after hint of a rejection.
   *
   * @return the hint, zero for none, 1 s by default
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Returns the reserved shares per partition name, in the order they were added.
   *
   * @return an unmodifiable map of name to share (above 0, summing to at most 1)
   */
  public Map<String, Double> partitions() {
    return partitions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdaptiveLimitConfig c
        && c.algorithm == algorithm
        && c.initialLimit == initialLimit
        && c.minLimit == minLimit
        && c.maxLimit == maxLimit
        && c.tolerance == tolerance
        && c.backoffRatio == backoffRatio
        && c.latencyThreshold.equals(latencyThreshold)
        && c.probeInterval.equals(probeInterval)
        && c.retryAfter.equals(retryAfter)
        && c.partitions.equals(partitions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        algorithm,
        initialLimit,
        minLimit,
        maxLimit,
        tolerance,
        backoffRatio,
        latencyThreshold,
        probeInterval,
        retryAfter,
        partitions);
  }

  @Override
  public String toString() {
    return "AdaptiveLimitConfig[algorithm="
        + algorithm.name().toLowerCase(Locale.ROOT)
        + ", initialLimit="
        + initialLimit
        + ", minLimit="
        + minLimit
        + ", maxLimit="
        + maxLimit
        + ", tolerance="
        + tolerance
        + ", backoffRatio="
        + backoffRatio
        + ", latencyThreshold="
        + DurationText.format(latencyThreshold)
        + ", probeInterval="
        + DurationText.format(probeInterval)
        + ", retryAfter="
        + DurationText.format(retryAfter)
        + ", partitions="
        + partitions
        + "]";
  }

  /** Parses {@code name=share,name=share}; linear in the text, which is at most 1,024 chars. */
  static Map<String, Double> parsePartitions(String text) {
    if (text.length() > 1024) {
      throw new IllegalArgumentException(PARTITIONS_RULE);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    if (text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",", -1)) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(PARTITIONS_RULE);
      }
      String name = pair.substring(0, eq).strip();
      double share;
      try {
        share = Double.parseDouble(pair.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PARTITIONS_RULE, e);
      }
      if (out.put(name, share) != null) {
        throw new IllegalArgumentException(PARTITIONS_RULE);
      }
    }
    return out;
  }

  static boolean validPartitions(Map<String, Double> partitions) {
    if (partitions.size() > MAX_PARTITIONS) {
      return false;
    }
    double sum = 0;
    for (Map.Entry<String, Double> e : partitions.entrySet()) {
      if (!validPartitionName(e.getKey()) || !validShare(e.getValue())) {
        return false;
      }
      sum += e.getValue();
    }
    return sum <= 1.0 + 1e-9;
  }

  private static boolean validPartitionName(String name) {
    return name != null
        && PARTITION_NAME.matcher(name).matches()
        && !name.equals(AdaptiveLimiter.DEFAULT_PARTITION);
  }

  private static boolean validShare(Double share) {
    return share != null && share > 0.0 && share <= 1.0;
  }

  /** Builds an {@link AdaptiveLimitConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private Algorithm algorithm = Algorithm.GRADIENT;
    private int initialLimit = 20;
    private int minLimit = 4;
    private int maxLimit = 200;
    private double tolerance = 1.25;
    private double backoffRatio = 0.9;
    private Duration latencyThreshold = Duration.ofSeconds(1);
    private Duration probeInterval = Duration.ofSeconds(30);
    private Duration retryAfter = Duration.ofSeconds(1);
    private final Map<String, Double> partitions = new LinkedHashMap<>();

    private Builder() {}

    private Builder(AdaptiveLimitConfig c) {
      this.algorithm = c.algorithm;
      this.initialLimit = c.initialLimit;
      this.minLimit = c.minLimit;
      this.maxLimit = c.maxLimit;
      this.tolerance = c.tolerance;
      this.backoffRatio = c.backoffRatio;
      this.latencyThreshold = c.latencyThreshold;
      this.probeInterval = c.probeInterval;
      this.retryAfter = c.retryAfter;
      this.partitions.putAll(c.partitions);
    }

    /**
     * Sets the algorithm. Default {@link Algorithm#GRADIENT}.
     *
     * @param algorithm the algorithm
     * @return this builder
     */
    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = ALGORITHM.check(algorithm);
      return this;
    }

    /**
     * Sets the limit before any measurement. Default 20; must lie between the minimum and the
     * maximum, checked at {@link #build()}.
     *
     * @param initialLimit 1 to 50,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder initialLimit(int initialLimit) {
      this.initialLimit = INITIAL_LIMIT.check(initialLimit);
      return this;
    }

    /**
     * Sets the lowest limit. Default 4.
     *
     * @param minLimit 1 to 50,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minLimit(int minLimit) {
      this.minLimit = MIN_LIMIT.check(minLimit);
      return this;
    }

    /**
     * Sets the highest limit. Default 200.
     *
     * @param maxLimit 1 to 50,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxLimit(int maxLimit) {
      this.maxLimit = MAX_LIMIT.check(maxLimit);
      return this;
    }

    /**
     * Sets how far window latency may rise above the no-load baseline before the gradient limit
     * shrinks. Default 1.25: the limit settles near 1.25 times the dependency's knee. Higher values
     * trade latency for robustness against latency noise.
     *
     * @param tolerance 1.05 to 10
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder tolerance(double tolerance) {
      this.tolerance = TOLERANCE.check(tolerance);
      return this;
    }

    /**
     * Sets the factor of a decrease after a drop (both algorithms) or a slow call (AIMD). Default
     * 0.9.
     *
     * @param backoffRatio 0.5 to 0.99
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder backoffRatio(double backoffRatio) {
      this.backoffRatio = BACKOFF_RATIO.check(backoffRatio);
      return this;
    }

    /**
     * Sets the latency above which the AIMD algorithm counts a call as dropped. Default 1 s.
     *
     * @param latencyThreshold 1 ms to 1 hour
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder latencyThreshold(Duration latencyThreshold) {
      this.latencyThreshold = LATENCY_THRESHOLD.check(latencyThreshold);
      return this;
    }

    /**
     * Sets how often the baseline is measured again (jittered by up to 10%). Default 30 s.
     *
     * @param probeInterval 100 ms to 1 day
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder probeInterval(Duration probeInterval) {
      this.probeInterval = PROBE_INTERVAL.check(probeInterval);
      return this;
    }

    /**
     * Sets the retry-after hint of a rejection. Default 1 s.
     *
     * @param retryAfter zero (no hint) to 1 day
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = RETRY_AFTER.check(retryAfter);
      return this;
    }

    /**
     * Reserves a share of the limit for a traffic class, or replaces its share. At most {@value
     * #MAX_PARTITIONS} partitions; the shares sum to at most 1. Calls of other classes use the
     * default partition, which reserves nothing.
     *
     * @param name letters, digits, {@code _ . -}, at most 64 characters, not {@code default}
     * @param share the reserved fraction of the limit, above 0 and at most 1
     * @return this builder
     * @throws IllegalArgumentException if the name or share is invalid, or the partitions would be
     *     too many or sum above 1
     */
    public Builder partition(String name, double share) {
      Checks.notNull("name", name);
      Checks.check(
          validPartitionName(name),
          "partition name",
          "letters, digits, '_', '.' or '-', at most 64 characters, not \""
              + AdaptiveLimiter.DEFAULT_PARTITION
              + "\"",
          "\"" + Checks.shortened(name) + "\"");
      Checks.check(validShare(share), "partition share", "above 0 and at most 1", share);
      Map<String, Double> next = new LinkedHashMap<>(partitions);
      next.put(name, share);
      PARTITIONS.check(next);
      partitions.put(name, share);
      return this;
    }

    /**
     * Removes every partition.
     *
     * @return this builder
     */
    public Builder noPartitions() {
      partitions.clear();
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     * @throws IllegalArgumentException if the minimum exceeds the maximum or the initial limit lies
     *     outside them
     */
    public AdaptiveLimitConfig build() {
      Checks.check(
          minLimit <= maxLimit, "min-limit", "at most max-limit (" + maxLimit + ")", minLimit);
      Checks.check(
          initialLimit >= minLimit && initialLimit <= maxLimit,
          "initial-limit",
          "between min-limit (" + minLimit + ") and max-limit (" + maxLimit + ")",
          initialLimit);
      return new AdaptiveLimitConfig(this);
    }
  }
}
