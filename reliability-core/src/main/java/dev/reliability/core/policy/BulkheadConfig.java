package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a policy's bulkhead: a limit on calls in flight at the same time, so one slow
 * dependency cannot take every thread of the service. Resilience4j's semaphore {@code Bulkhead}
 * does the counting.
 *
 * <p>A call that finds every permit taken waits up to {@link #maxWait()} for one (zero by default:
 * refuse at once) and is then refused with {@link
 * dev.reliability.core.error.BulkheadFullException}. The wait is for another call to finish, so it
 * is a real wait on a semaphore, not on the policy's clock. Asynchronous calls never wait: they are
 * refused at once when the bulkhead is full.
 *
 * <p>A bulkhead cannot know when a permit will be free, so the rejection's retry-after hint is a
 * configured estimate, {@link #retryAfter()} (1 s by default; set it near the typical duration of
 * the guarded call, or to zero for no hint). It becomes the {@code Retry-After} of the rejection's
 * problem details.
 *
 * <p>The permit is held until the guarded work really ends: when a time limit releases the caller
 * of a call that ignores the interrupt, the abandoned call keeps its permit, so calls that hang
 * cannot pile up beyond the limit.
 *
 * <pre>{@code
 * BulkheadConfig config = BulkheadConfig.builder().maxConcurrentCalls(10).build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class BulkheadConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.bulkhead";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The longest wait for a permit; longer waits would hold callers past any deadline. */
  private static final Duration MAX_WAIT_LIMIT = Duration.ofHours(1);

  /** The longest retry-after hint. */
  private static final Duration RETRY_AFTER_LIMIT = Duration.ofDays(1);

  /** Whether the policy has a bulkhead; on when one is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy has a bulkhead; on when one is configured in code or a template")
          .build();

  /** Calls allowed in flight at the same time. */
  public static final Setting<Integer> MAX_CONCURRENT_CALLS =
      Setting.intSetting("max-concurrent-calls")
          .defaultValue(25)
          .between(1, 1_000_000)
          .description("Calls allowed in flight at the same time")
          .build();

  /** How long a call waits for a permit. */
  public static final Setting<Duration> MAX_WAIT =
      Setting.durationSetting("max-wait")
          .defaultValue(Duration.ZERO)
          .between(Duration.ZERO, MAX_WAIT_LIMIT)
          .description("How long a synchronous call waits for a free permit; 0 refuses at once")
          .build();

  /** The retry-after hint of a rejection. */
  public static final Setting<Duration> RETRY_AFTER =
      Setting.durationSetting("retry-after")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, RETRY_AFTER_LIMIT)
          .description(
              "Retry-after hint of a rejection, an estimate of when a permit is free; 0 gives no"
                  + " hint")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(ENABLED, MAX_CONCURRENT_CALLS, MAX_WAIT, RETRY_AFTER);

  private static final BulkheadConfig DEFAULTS = new Builder().build();

  private final int maxConcurrentCalls;
  private final Duration maxWait;
  private final Duration retryAfter;

  private BulkheadConfig(Builder b) {
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.maxWait = b.maxWait;
    this.retryAfter = b.retryAfter;
  }

  /**
   * Returns the defaults: 25 concurrent calls, no waiting, a retry-after hint of 1 s.
   *
   * @return the default configuration
   */
  public static BulkheadConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a configuration with the given limit and no waiting.
   *
   * @param maxConcurrentCalls calls allowed in flight, at least 1
   * @return the configuration
   * @throws IllegalArgumentException if below 1
   */
  public static BulkheadConfig ofMaxConcurrentCalls(int maxConcurrentCalls) {
    return builder().maxConcurrentCalls(maxConcurrentCalls).build();
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
   * Returns the calls allowed in flight at the same time.
   *
   * @return the limit
   */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /**
   * Returns how long a synchronous call waits for a permit.
   *
   * @return the maximum wait, zero to refuse at once
   */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * Returns the retry-after hint of a rejection.
   *
   * @return the hint, zero for none
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  BulkheadConfig bind(ConfigBinder binder) {
    return toBuilder()
        .maxConcurrentCalls(binder.get(MAX_CONCURRENT_CALLS, maxConcurrentCalls))
        .maxWait(binder.get(MAX_WAIT, maxWait))
        .retryAfter(binder.get(RETRY_AFTER, retryAfter))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BulkheadConfig c
        && c.maxConcurrentCalls == maxConcurrentCalls
        && c.maxWait.equals(maxWait)
        && c.retryAfter.equals(retryAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxConcurrentCalls, maxWait, retryAfter);
  }

  @Override
  public String toString() {
    return "BulkheadConfig[maxConcurrentCalls="
        + maxConcurrentCalls
        + ", maxWait="
        + DurationText.format(maxWait)
        + ", retryAfter="
        + DurationText.format(retryAfter)
        + "]";
  }

  /** Builds a {@link BulkheadConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxConcurrentCalls = 25;
    private Duration maxWait = Duration.ZERO;
    private Duration retryAfter = Duration.ofSeconds(1);

    private Builder() {}

    private Builder(BulkheadConfig c) {
      this.maxConcurrentCalls = c.maxConcurrentCalls;
      this.maxWait = c.maxWait;
      this.retryAfter = c.retryAfter;
    }

    /**
     * Sets the calls allowed in flight at the same time. Default 25.
     *
     * @param maxConcurrentCalls 1 to 1,000,000 ({@link #MAX_CONCURRENT_CALLS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConcurrentCalls(int maxConcurrentCalls) {
      this.maxConcurrentCalls = MAX_CONCURRENT_CALLS.check(maxConcurrentCalls);
      return this;
    }

    /**
     * Sets how long a synchronous call waits for a permit. Default zero: refuse at once.
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
     * Sets the retry-after hint of a rejection: an estimate of when a permit is free, such as the
     * typical duration of the guarded call. Default 1 s.
     *
     * @param retryAfter zero (no hint) or longer, at most one day
     * @return this builder
     * @throws IllegalArgumentException if negative or longer than one day
     */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = RETRY_AFTER.check(retryAfter);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public BulkheadConfig build() {
      return new BulkheadConfig(this);
    }
  }
}
