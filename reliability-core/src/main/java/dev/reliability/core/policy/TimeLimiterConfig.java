package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a policy's time limit: each attempt gets at most {@link #timeout()}.
 *
 * <p>For synchronous calls the attempt runs on the policy's executor (virtual threads on Java 21
 * and later) while the caller waits; when the time is up the caller is released with {@link
 * dev.reliability.core.error.ServiceTimeoutException} and, if {@link #cancelRunning()} is on, the
 * attempt's thread is interrupted. A call that ignores the interrupt keeps running in the
 * background and is counted ({@link TimeLimiter#ignoredInterrupts()}). For asynchronous calls the
 * returned stage is completed with the timeout and, if {@link #cancelRunning()} is on, the
 * attempt's future is cancelled.
 *
 * <p>Resilience4j's {@code TimeLimiter} only takes futures and schedules on the system clock; this
 * one limits synchronous code too and runs on the policy's {@link PolicyScheduler}, so tests move
 * time instead of sleeping.
 *
 * <p>The default, 30 s, is the per-request timeout of the HTTP clients this library replaced.
 *
 * <p>A call that ignores the interrupt holds its thread until it ends, so the attempts a time limit
 * has in flight (waiting for a thread, running, or running on after their time) are bounded by
 * {@link #maxConcurrentAttempts()}, default {@value #DEFAULT_MAX_CONCURRENT_ATTEMPTS}: past it the
 * policy refuses the call with {@link dev.reliability.core.error.CapacityExceededException}
 * (retryable, counted as a rejection) instead of starting yet another thread. The bound holds on
 * virtual threads too, since a stuck virtual thread also holds its stack and what the call holds.
 *
 * <pre>{@code
 * TimeLimiterConfig config = TimeLimiterConfig.of(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class TimeLimiterConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.timelimiter";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The longest time limit; the limit is kept in nanoseconds, which overflow after 292 years. */
  private static final Duration TIMEOUT_LIMIT = Duration.ofDays(1);

  /** Whether the policy has a time limit; on when one is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy has a time limit; on when one is configured in code or a"
                  + " template")
          .build();

  /** The time each attempt gets. */
  public static final Setting<Duration> TIMEOUT =
      Setting.durationSetting("timeout")
          .defaultValue(Duration.ofSeconds(30))
          .between(Duration.ofMillis(1), TIMEOUT_LIMIT)
          .description("The time each attempt gets")
          .build();

  /** Whether an attempt that runs out of time is interrupted or cancelled. */
  public static final Setting<Boolean> CANCEL_RUNNING =
      Setting.booleanSetting("cancel-running")
          .defaultValue(true)
          .description("Whether an attempt that runs out of time is interrupted or cancelled")
          .build();

  /** The default bound on attempts in flight: above the 200 request threads of Jetty and Tomcat. */
  public static final int DEFAULT_MAX_CONCURRENT_ATTEMPTS = 256;

  /** The most attempts in flight at once, including those running on after their time limit. */
  public static final Setting<Integer> MAX_CONCURRENT_ATTEMPTS =
      Setting.intSetting("max-concurrent-attempts")
          .defaultValue(DEFAULT_MAX_CONCURRENT_ATTEMPTS)
          .between(1, 1_000_000)
          .description(
              "The most attempts in flight at once, including those still running after their"
                  + " time limit (a call that ignores the interrupt holds its thread); past it the"
                  + " call is refused")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(ENABLED, TIMEOUT, CANCEL_RUNNING, MAX_CONCURRENT_ATTEMPTS);

  private static final TimeLimiterConfig DEFAULTS = new Builder().build();

  private final Duration timeout;
  private final boolean cancelRunning;
  private final int maxConcurrentAttempts;

  private TimeLimiterConfig(Builder b) {
    this.timeout = b.timeout;
    this.cancelRunning = b.cancelRunning;
    this.maxConcurrentAttempts = b.maxConcurrentAttempts;
  }

  /**
   * Returns the defaults: 30 s, interrupting the attempt, at most {@value
   * #DEFAULT_MAX_CONCURRENT_ATTEMPTS} attempts in flight.
   *
   * @return the default configuration
   */
  public static TimeLimiterConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a time limit that interrupts the attempt.
   *
   * @param timeout the time each attempt gets, at least 1 ms
   * @return the configuration
   * @throws IllegalArgumentException if shorter than 1 ms
   */
  public static TimeLimiterConfig of(Duration timeout) {
    return builder().timeout(timeout).build();
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
   * Returns the time each attempt gets.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Returns whether an attempt that runs out of time is interrupted or cancelled.
   *
   * @return true by default
   */
  public boolean cancelRunning() {
    return cancelRunning;
  }

  /**
   * Returns the most attempts in flight at once: waiting for a thread, running, or running on after
   * their time limit. A call past it is refused with {@link
   * dev.reliability.core.error.CapacityExceededException}.
   *
   * @return {@value #DEFAULT_MAX_CONCURRENT_ATTEMPTS} by default
   */
  public int maxConcurrentAttempts() {
    return maxConcurrentAttempts;
  }

  TimeLimiterConfig bind(ConfigBinder binder) {
    return toBuilder()
        .timeout(binder.get(TIMEOUT, timeout))
        .cancelRunning(binder.get(CANCEL_RUNNING, cancelRunning))
        .maxConcurrentAttempts(binder.get(MAX_CONCURRENT_ATTEMPTS, maxConcurrentAttempts))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeLimiterConfig c
        && c.timeout.equals(timeout)
        && c.cancelRunning == cancelRunning
        && c.maxConcurrentAttempts == maxConcurrentAttempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeout, cancelRunning, maxConcurrentAttempts);
  }

  @Override
  public String toString() {
    return "TimeLimiterConfig[timeout="
        + DurationText.format(timeout)
        + ", cancelRunning="
        + cancelRunning
        + ", maxConcurrentAttempts="
        + maxConcurrentAttempts
        + "]";
  }

  /** Builds a {@link TimeLimiterConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private Duration timeout = Duration.ofSeconds(30);
    private boolean cancelRunning = true;
    private int maxConcurrentAttempts = DEFAULT_MAX_CONCURRENT_ATTEMPTS;

    private Builder() {}

    private Builder(TimeLimiterConfig c) {
      this.timeout = c.timeout;
      this.cancelRunning = c.cancelRunning;
      this.maxConcurrentAttempts = c.maxConcurrentAttempts;
    }

    /**
     * Sets the time each attempt gets. Default 30 s.
     *
     * @param timeout at least 1 ms, at most one day
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 ms or longer than one day
     */
    public Builder timeout(Duration timeout) {
      this.timeout = TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets whether an attempt that runs out of time is interrupted (synchronous) or cancelled
     * (asynchronous). Default true.
     *
     * @param cancel false to let it run on
     * @return this builder
     */
    public Builder cancelRunning(boolean cancel) {
      this.cancelRunning = cancel;
      return this;
    }

    /**
     * Sets the most attempts in flight at once, including those still running after their time
     * limit. Default {@value #DEFAULT_MAX_CONCURRENT_ATTEMPTS}. A call past it is refused at once
     * with {@link dev.reliability.core.error.CapacityExceededException}; put a {@link
     * BulkheadConfig bulkhead} in front to wait for a permit instead.
     *
     * @param max from 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConcurrentAttempts(int max) {
      this.maxConcurrentAttempts = MAX_CONCURRENT_ATTEMPTS.check(max);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public TimeLimiterConfig build() {
      return new TimeLimiterConfig(this);
    }
  }
}
