package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a policy's rate limiter: at most {@link #limit()} calls per {@link #period()}.
 *
 * <p>The limiter is a token bucket that holds {@code limit} permits, starts full and refills
 * continuously at {@code limit / period} (the generic cell rate algorithm, one atomic number, no
 * allocation per call). So a quiet client may burst up to {@code limit} calls, then gets one permit
 * every {@code period / limit}. A call that finds no permit waits for one if it comes within {@link
 * #maxWait()} (zero by default: refuse at once), otherwise it is refused with {@link
 * dev.reliability.core.error.RateLimitExceededException}, whose retry-after hint is the exact time
 * until the next permit. A refused call does not use a permit.
 *
 * <p>The limiter reads the policy's clock, so tests move time instead of sleeping. Resilience4j's
 * {@code AtomicRateLimiter} is not used: it reads {@code System.nanoTime()} directly, allocates a
 * state object per permit and gives no wait hint on refusal.
 *
 * <p>The defaults, 60 calls per minute, are those of the hand-built limiters this library replaces
 * ({@code RATE_LIMIT_<NAME>_RPM=60}).
 *
 * <pre>{@code
 * RateLimiterConfig config = RateLimiterConfig.perSecond(100);
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class RateLimiterConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.ratelimiter";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The longest period; longer ones overflow the permit arithmetic in nanoseconds. */
  private static final Duration PERIOD_LIMIT = Duration.ofDays(1);

  /** The longest wait for a permit. */
  private static final Duration MAX_WAIT_LIMIT = Duration.ofHours(1);

  /** Whether the policy has a rate limiter; on when one is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy has a rate limiter; on when one is configured in code or a"
                  + " template")
          .build();

  /** Calls allowed per period. */
  public static final Setting<Integer> LIMIT =
      Setting.intSetting("limit")
          .defaultValue(60)
          .between(1, 1_000_000_000)
          .description("Calls allowed per period (and the largest burst)")
          .build();

  /** The period of the limit. */
  public static final Setting<Duration> PERIOD =
      Setting.durationSetting("period")
          .defaultValue(Duration.ofMinutes(1))
          .between(Duration.ofMillis(1), PERIOD_LIMIT)
          .description("The period of the limit")
          .build();

  /** How long a synchronous call waits for a permit. */
  public static final Setting<Duration> MAX_WAIT =
      Setting.durationSetting("max-wait")
          .defaultValue(Duration.ZERO)
          .between(Duration.ZERO, MAX_WAIT_LIMIT)
          .description("How long a call waits for a permit; 0 refuses at once")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS = List.of(ENABLED, LIMIT, PERIOD, MAX_WAIT);

  private static final RateLimiterConfig DEFAULTS = new Builder().build();

  private final int limit;
  private final Duration period;
  private final Duration maxWait;

  private RateLimiterConfig(Builder b) {
    this.limit = b.limit;
    this.period = b.period;
    this.maxWait = b.maxWait;
  }

  /**
   * Returns the defaults: 60 calls per minute, no waiting.
   *
   * @return the default configuration
   */
  public static RateLimiterConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a limit of calls per second, no waiting.
   *
   * @param limit calls per second, at least 1
   * @return the configuration
   * @throws IllegalArgumentException if below 1
   */
  public static RateLimiterConfig perSecond(int limit) {
    return builder().limit(limit).period(Duration.ofSeconds(1)).build();
  }

  /**
   * Returns a limit of calls per minute, no waiting.
   *
   * @param limit calls per minute, at least 1
   * @return the configuration
   * @throws IllegalArgumentException if below 1
   */
  public static RateLimiterConfig perMinute(int limit) {
    return builder().limit(limit).period(Duration.ofMinutes(1)).build();
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
   * Returns the calls allowed per period.
   *
   * @return the limit
   */
  public int limit() {
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
   * Returns how long a call waits for a permit.
   *
   * @return the maximum wait, zero to refuse at once
   */
  public Duration maxWait() {
    return maxWait;
  }

  RateLimiterConfig bind(ConfigBinder binder) {
    return toBuilder()
        .limit(binder.get(LIMIT, limit))
        .period(binder.get(PERIOD, period))
        .maxWait(binder.get(MAX_WAIT, maxWait))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimiterConfig c
        && c.limit == limit
        && c.period.equals(period)
        && c.maxWait.equals(maxWait);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limit, period, maxWait);
  }

  @Override
  public String toString() {
    return "RateLimiterConfig[limit="
        + limit
        + " per "
        + DurationText.format(period)
        + ", maxWait="
        + DurationText.format(maxWait)
        + "]";
  }

  /** Builds a {@link RateLimiterConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int limit = 60;
    private Duration period = Duration.ofMinutes(1);
    private Duration maxWait = Duration.ZERO;

    private Builder() {}

    private Builder(RateLimiterConfig c) {
      this.limit = c.limit;
      this.period = c.period;
      this.maxWait = c.maxWait;
    }

    /**
     * Sets the calls allowed per period, which is also the largest burst. Default 60.
     *
     * @param limit 1 to 1,000,000,000 ({@link #LIMIT})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder limit(int limit) {
      this.limit = LIMIT.check(limit);
      return this;
    }

    /**
     * Sets the period of the limit. Default one minute.
     *
     * @param period at least 1 ms, at most one day
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 ms or longer than one day
     */
    public Builder period(Duration period) {
      this.period = PERIOD.check(period);
      return this;
    }

    /**
     * Sets how long a call waits for a permit. Default zero: refuse at once.
     *
     * @param maxWait zero or longer, at most one hour
     * @return this builder
     * @throws IllegalArgumentException if negative or longer than one hour
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = MAX_WAIT.check(maxWait);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public RateLimiterConfig build() {
      return new RateLimiterConfig(this);
    }
  }
}
