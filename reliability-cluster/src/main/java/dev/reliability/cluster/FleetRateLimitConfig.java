package dev.reliability.cluster;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of a {@link FleetRateLimiter}: at most {@link #limit()} calls per {@link #period()}
 * across the whole fleet, on one Bucket4j token bucket kept by the engine (capacity {@code limit},
 * greedy refill of {@code limit} per {@code period}: a quiet fleet may burst up to {@code limit}).
 *
 * <pre>{@code
 * FleetRateLimitConfig partner = FleetRateLimitConfig.builder("partner-api")
 *     .limit(1_000)
 *     .period(Duration.ofSeconds(1))
 *     .batching(FleetBatching.BATCHING)
 *     .build();
 * }</pre>
 *
 * <p>While the engine fails, the limiter admits at most {@link #localShare()} calls per period on
 * this instance (default {@code ceil(limit / expectedInstances)}). Configuration keys: prefix
 * {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and thread-safe.
 */
public final class FleetRateLimitConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.fleet.ratelimiter";

  /** Settings may be set per limit name as well as for every limit. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** Calls allowed per period by the whole fleet. */
  public static final Setting<Long> LIMIT =
      Setting.longSetting("limit")
          .defaultValue(1_000L)
          .between(1L, 1_000_000_000L)
          .description("Calls allowed per period by the whole fleet (and its largest burst)")
          .build();

  /** The period of the limit. */
  public static final Setting<Duration> PERIOD =
      Setting.durationSetting("period")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ofMillis(1), Duration.ofDays(1))
          .description("The period of the limit")
          .build();

  /** How long a call may wait for a permit. */
  public static final Setting<Duration> MAX_WAIT =
      Setting.durationSetting("max-wait")
          .defaultValue(Duration.ZERO)
          .between(Duration.ZERO, Duration.ofHours(1))
          .description("How long a call may wait for a permit; 0 refuses at once")
          .build();

  /** How acquires share round trips. */
  public static final Setting<FleetBatching> BATCHING =
      Setting.enumSetting("batching", FleetBatching.class)
          .defaultValue(FleetBatching.NONE)
          .description(
              "none: a round trip per acquire; batching: concurrent acquires share one (exact);"
                  + " prefetch: tokens taken in batches and spent locally (never over the limit,"
                  + " may under-admit)")
          .build();

  /** Tokens an instance may spend before it settles with the engine, with prefetch. */
  public static final Setting<Long> PREFETCH_TOKENS =
      Setting.longSetting("prefetch-tokens")
          .defaultValue(10L)
          .between(1L, 1_000_000L)
          .description(
              "With prefetch: tokens an instance takes from the engine in one round trip and spends"
                  + " locally")
          .build();

  /** The longest time between settlements, with prefetch. */
  public static final Setting<Duration> PREFETCH_DELAY =
      Setting.durationSetting("prefetch-delay")
          .defaultValue(Duration.ofMillis(100))
          .between(Duration.ofMillis(1), Duration.ofMinutes(1))
          .description(
              "With prefetch: how long taken tokens may be spent; unspent ones are dropped")
          .build();

  /** This instance's limit while the engine fails; 0 derives it. */
  public static final Setting<Long> LOCAL_SHARE =
      Setting.longSetting("local-share")
          .defaultValue(0L)
          .between(0L, 1_000_000_000L)
          .description(
              "Calls per period this instance admits while the engine fails; 0 means limit divided"
                  + " by the engine's expected instances, rounded up")
          .build();

  /** The most per-key buckets held at once by this instance. */
  public static final Setting<Integer> MAX_KEYS =
      Setting.intSetting("max-keys")
          .defaultValue(10_000)
          .between(1, 1_000_000)
          .description("Most per-key limiters held at once; beyond it the least used are dropped")
          .build();

  /** The longest key. */
  public static final Setting<Integer> MAX_KEY_LENGTH =
      Setting.intSetting("max-key-length")
          .defaultValue(128)
          .between(1, 4_096)
          .description("The longest key accepted by forKey, in characters")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          LIMIT,
          PERIOD,
          MAX_WAIT,
          BATCHING,
          PREFETCH_TOKENS,
          PREFETCH_DELAY,
          LOCAL_SHARE,
          MAX_KEYS,
          MAX_KEY_LENGTH);

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final String name;
  private final long limit;
  private final Duration period;
  private final Duration maxWait;
  private final FleetBatching batching;
  private final long prefetchTokens;
  private final Duration prefetchDelay;
  private final long localShare;
  private final int maxKeys;
  private final int maxKeyLength;

  private FleetRateLimitConfig(Builder b) {
    this.name = b.name;
    this.limit = b.limit;
    this.period = b.period;
    this.maxWait = b.maxWait;
    this.batching = b.batching;
    this.prefetchTokens = b.prefetchTokens;
    this.prefetchDelay = b.prefetchDelay;
    this.localShare = b.localShare;
    this.maxKeys = b.maxKeys;
    this.maxKeyLength = b.maxKeyLength;
  }

  /**
   * Returns a builder with the defaults: 1,000 calls per second, no waiting, no batching.
   *
   * @param name the limit's name, the bucket's key on the engine and the instance name of its
   *     settings: 1 to 64 letters, digits, {@code -} or {@code _}
   * @return a builder
   * @throws IllegalArgumentException if the name is invalid
   */
  public static Builder builder(String name) {
    return new Builder(checkName(name));
  }

  static String checkName(String name) {
    Checks.notNull("name", name);
    Checks.check(
        name.length() <= 64 && NAME.matcher(name).matches(),
        "name",
        "1 to 64 letters, digits, '-' or '_'",
        "\"" + Checks.shortened(name) + "\"");
    return name;
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
   * Returns the limit's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the calls allowed per period by the fleet.
   *
   * @return the limit
   */
  public long limit() {
    return limit;
  }

  /**
   * Returns the period of the limit.
   *
   * @return the period
   */
  public Duration period() {
    return period;
  }

  /**
   * Returns how long a call may wait for a permit.
   *
   * @return the wait, zero to refuse at once
   */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * Returns how acquires share round trips.
   *
   * @return the batching
   */
  public FleetBatching batching() {
    return batching;
  }

  /**
   * Returns the tokens taken per round trip with {@link FleetBatching#PREFETCH}.
   *
   * @return the tokens
   */
  public long prefetchTokens() {
    return prefetchTokens;
  }

  /**
   * Returns how long prefetched tokens may be spent with {@link FleetBatching#PREFETCH}.
   *
   * @return the delay
   */
  public Duration prefetchDelay() {
    return prefetchDelay;
  }

  /**
   * Returns the configured local share.
   *
   * @return calls per period, or 0 to derive it from the engine's expected instances
   */
  public long localShare() {
    return localShare;
  }

  /**
   * Returns the most per-key limiters held at once.
   *
   * @return the count
   */
  public int maxKeys() {
    return maxKeys;
  }

  /**
   * Returns the longest key accepted.
   *
   * @return characters
   */
  public int maxKeyLength() {
    return maxKeyLength;
  }

  /**
   * Returns this configuration with the settings found in a source: {@code
   * reliability.fleet.ratelimiter.<setting>} for every limit, {@code
   * reliability.fleet.ratelimiter.<name>.<setting>} for this one. A {@link FleetEngine} built with
   * a config source applies it to every limit it creates.
   *
   * @param source the source
   * @return the configuration, or this one if the source sets nothing
   * @throws dev.reliability.core.config.ConfigurationException if a value is invalid
   */
  public FleetRateLimitConfig withOverrides(ConfigSource source) {
    ConfigBinder b =
        ConfigBinder.of(Checks.notNull("source", source), CONFIG_PREFIX).instance(name);
    Builder out = toBuilder();
    out.limit = b.get(LIMIT, limit);
    out.period = b.get(PERIOD, period);
    out.maxWait = b.get(MAX_WAIT, maxWait);
    out.batching = b.get(BATCHING, batching);
    out.prefetchTokens = b.get(PREFETCH_TOKENS, prefetchTokens);
    out.prefetchDelay = b.get(PREFETCH_DELAY, prefetchDelay);
    out.localShare = b.get(LOCAL_SHARE, localShare);
    out.maxKeys = b.get(MAX_KEYS, maxKeys);
    out.maxKeyLength = b.get(MAX_KEY_LENGTH, maxKeyLength);
    b.throwIfInvalid();
    FleetRateLimitConfig c = out.build();
    return c.equals(this) ? this : c;
  }

  /** The local share an engine with so many expected instances gives this limit. */
  long localShare(int expectedInstances) {
    return localShare > 0
        ? localShare
        : Math.max(1, (limit + expectedInstances - 1) / expectedInstances);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FleetRateLimitConfig c
        && c.name.equals(name)
        && c.limit == limit
        && c.period.equals(period)
        && c.maxWait.equals(maxWait)
        && c.batching == batching
        && c.prefetchTokens == prefetchTokens
        && c.prefetchDelay.equals(prefetchDelay)
        && c.localShare == localShare
        && c.maxKeys == maxKeys
        && c.maxKeyLength == maxKeyLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, limit, period, maxWait, batching, prefetchTokens, localShare);
  }

  @Override
  public String toString() {
    return "FleetRateLimitConfig["
        + name
        + ": limit="
        + limit
        + " per "
        + DurationText.format(period)
        + ", maxWait="
        + DurationText.format(maxWait)
        + ", batching="
        + batching
        + (localShare > 0 ? ", localShare=" + localShare : "")
        + "]";
  }

  /** Builds a {@link FleetRateLimitConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private long limit = LIMIT.defaultValue().orElseThrow();
    private Duration period = PERIOD.defaultValue().orElseThrow();
    private Duration maxWait = MAX_WAIT.defaultValue().orElseThrow();
    private FleetBatching batching = BATCHING.defaultValue().orElseThrow();
    private long prefetchTokens = PREFETCH_TOKENS.defaultValue().orElseThrow();
    private Duration prefetchDelay = PREFETCH_DELAY.defaultValue().orElseThrow();
    private long localShare = LOCAL_SHARE.defaultValue().orElseThrow();
    private int maxKeys = MAX_KEYS.defaultValue().orElseThrow();
    private int maxKeyLength = MAX_KEY_LENGTH.defaultValue().orElseThrow();

    private Builder(String name) {
      this.name = name;
    }

    private Builder(FleetRateLimitConfig c) {
      this.name = c.name;
      this.limit = c.limit;
      this.period = c.period;
      this.maxWait = c.maxWait;
      this.batching = c.batching;
      this.prefetchTokens = c.prefetchTokens;
      this.prefetchDelay = c.prefetchDelay;
      this.localShare = c.localShare;
      this.maxKeys = c.maxKeys;
      this.maxKeyLength = c.maxKeyLength;
    }

    /**
     * Sets the calls allowed per period by the fleet, also its largest burst. Default 1,000.
     *
     * @param limit 1 to 1,000,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder limit(long limit) {
      this.limit = LIMIT.check(limit);
      return this;
    }

    /**
     * Sets the period of the limit. Default 1 s.
     *
     * @param period 1 ms to 1 day
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder period(Duration period) {
      this.period = PERIOD.check(period);
      return this;
    }

    /**
     * Sets how long a call may wait for a permit; the permit is reserved on the engine and the
     * policy waits on its own scheduler. Default zero: refuse at once.
     *
     * @param maxWait zero to 1 h
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = MAX_WAIT.check(maxWait);
      return this;
    }

    /**
     * Sets how acquires share round trips. Default {@link FleetBatching#NONE}.
     *
     * @param batching the choice
     * @return this builder
     */
    public Builder batching(FleetBatching batching) {
      this.batching = Checks.notNull("batching", batching);
      return this;
    }

    /**
     * Sets how {@link FleetBatching#PREFETCH} prefetches: up to {@code tokens} taken from the
     * engine per round trip and spent locally within {@code delay}. Used only with {@code
     * batching(FleetBatching.PREFETCH)}; it does not choose the batching. The fleet never admits
     * more than the limit; it may admit up to {@code instances x (tokens - 1)} fewer per delay.
     *
     * @param tokens 1 to 1,000,000; default 10
     * @param delay 1 ms to 1 min; default 100 ms
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder prefetch(long tokens, Duration delay) {
      this.prefetchTokens = PREFETCH_TOKENS.check(tokens);
      this.prefetchDelay = PREFETCH_DELAY.check(delay);
      return this;
    }

    /**
     * Sets the calls per period this instance admits while the engine fails. Default 0: the limit
     * divided by the engine's expected instances, rounded up.
     *
     * @param localShare 0 to 1,000,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder localShare(long localShare) {
      this.localShare = LOCAL_SHARE.check(localShare);
      return this;
    }

    /**
     * Sets the most per-key limiters held at once. Default 10,000.
     *
     * @param maxKeys 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxKeys(int maxKeys) {
      this.maxKeys = MAX_KEYS.check(maxKeys);
      return this;
    }

    /**
     * Sets the longest key {@link FleetRateLimiter#forKey(String)} accepts. Default 128.
     *
     * @param maxKeyLength 1 to 4,096
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxKeyLength(int maxKeyLength) {
      this.maxKeyLength = MAX_KEY_LENGTH.check(maxKeyLength);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public FleetRateLimitConfig build() {
      return new FleetRateLimitConfig(this);
    }
  }
}
