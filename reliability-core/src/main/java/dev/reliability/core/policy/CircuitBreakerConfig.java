package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.Setting;
import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The settings of a policy's circuit breaker. Resilience4j's {@code CircuitBreaker} runs the state
 * machine and the half-open and time-based windows; the closed state's count-based window is this
 * library's, with Resilience4j's rule and without its lock. This library adds the
 * consecutive-failure rule, the half-open time limit, the injectable clock and the rejections of
 * the exception hierarchy.
 *
 * <p><b>When the breaker opens.</b> In the closed state the breaker opens when either rule fires:
 *
 * <ol>
 *   <li>{@link #failureThreshold()} failures in a row (5 by default; 0 turns the rule off), the
 *       rule of the hand-built breakers this library replaces ("open after 5 failures");
 *   <li>the failure rate or the slow-call rate of the sliding window reaches its threshold, once
 *       the window holds at least {@link #minimumCalls()} calls (Resilience4j's rule: 50% of the
 *       last 100 calls by default).
 * </ol>
 *
 * <p><b>Open, half-open, closed.</b> An open breaker refuses calls with {@link
 * dev.reliability.core.error.CircuitOpenException}, whose retry-after hint is the time left of
 * {@link #waitInOpen()} (60 s). The first call after that wait moves the breaker to half-open,
 * where {@link #halfOpenCalls()} trial calls (3) pass. If they all succeed the breaker closes. With
 * a failure threshold, any failed trial call reopens the breaker at once; without one, the trial
 * calls' failure rate decides, as in Resilience4j. If {@link #maxWaitInHalfOpen()} is set and the
 * trial calls do not settle the state in time, the next call reopens the breaker.
 *
 * <p><b>What counts as a failure.</b> By default an exception counts unless the {@link
 * ErrorClassifier} calls it a client error (a status from 400 to 499 that is not retryable, such as
 * a validation or authorization error): those say nothing about the dependency's health and are
 * ignored, neither success nor failure. Change it with {@link
 * Builder#recordFailureWhen(Predicate)}; count results as failures with {@link
 * Builder#failureWhenResult(Predicate)}. Rejections by the same policy's rate limiter or bulkhead
 * are never counted.
 *
 * <p><b>Time.</b> The breaker reads the policy's {@link PolicyScheduler#timeSource()}, both for the
 * open-state wait and for time-based windows (for which it uses Resilience4j's window that takes a
 * clock: the lock-free one reads the system clock directly). State moves on calls: an open breaker
 * whose wait is over stays open until the next call, as in Resilience4j without its automatic
 * transition thread.
 *
 * <p><b>Configuration keys</b> (prefix {@value #CONFIG_PREFIX}, for every breaker or for the one of
 * a policy by inserting its name, such as {@code
 * reliability.circuitbreaker.payments.failure-threshold} or environment variable {@code
 * RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD}): see {@link #SETTINGS}.
 *
 * <pre>{@code
 * CircuitBreakerConfig config = CircuitBreakerConfig.builder()
 *     .failureThreshold(5)
 *     .waitInOpen(Duration.ofSeconds(60))
 *     .halfOpenCalls(3)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CircuitBreakerConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.circuitbreaker";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /**
   * The longest wait in open or half-open and the longest slow-call threshold; the breaker keeps
   * them in nanoseconds, which overflow after 292 years.
   */
  private static final Duration DURATION_LIMIT = Duration.ofDays(1);

  /** How the sliding window measures recent calls. */
  public enum WindowType {
    /** The last {@code sliding-window-size} calls. */
    COUNT_BASED,
    /** The calls of the last {@code sliding-window-size} seconds. */
    TIME_BASED
  }

  /** Named sets of defaults. */
  public enum Preset {
    /**
     * Open after 5 failures in a row, stay open 60 s, then let 3 trial calls through; any failed
     * trial call reopens. The failure-rate rule keeps Resilience4j's defaults (50% of the last 100
     * calls). The library's defaults.
     */
    CONSECUTIVE_FAILURES,
    /**
     * Resilience4j's defaults: open when 50% of the last 100 calls failed (once 100 calls are
     * counted), stay open 60 s, then decide on the failure rate of 10 trial calls. No
     * consecutive-failure rule.
     */
    FAILURE_RATE
  }

  /** Whether the policy has a circuit breaker; on when one is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy has a circuit breaker; on when one is configured in code or a"
                  + " template")
          .build();

  /** Replaces the code's numbers with a preset's before the other keys apply. */
  public static final Setting<Preset> PRESET =
      Setting.enumSetting("preset", Preset.class)
          .description(
              "A preset that replaces the numbers set in code before the other keys apply:"
                  + " consecutive-failures or failure-rate")
          .build();

  /** Failures in a row that open the breaker; 0 turns the rule off. */
  public static final Setting<Integer> FAILURE_THRESHOLD =
      Setting.intSetting("failure-threshold")
          .defaultValue(5)
          .between(0, 100_000)
          .description("Failures in a row that open the breaker; 0 turns the rule off")
          .build();

  /** Failure rate of the sliding window that opens the breaker. */
  public static final Setting<Double> FAILURE_RATE_THRESHOLD =
      Setting.percentageSetting("failure-rate-threshold")
          .defaultValue(0.5)
          .rule(v -> v > 0.0 && v <= 1.0, "a percentage above 0% and at most 100%")
          .description("Failure rate of the sliding window that opens the breaker")
          .build();

  /** Whether the window counts calls or seconds. */
  public static final Setting<WindowType> SLIDING_WINDOW_TYPE =
      Setting.enumSetting("sliding-window-type", WindowType.class)
          .defaultValue(WindowType.COUNT_BASED)
          .description("Whether the sliding window counts calls (count-based) or seconds")
          .build();

  /** Size of the sliding window, in calls or seconds. */
  public static final Setting<Integer> SLIDING_WINDOW_SIZE =
      Setting.intSetting("sliding-window-size")
          .defaultValue(100)
          .between(1, 100_000)
          .description("Size of the sliding window, in calls or (time-based) seconds")
          .build();

  /** Calls the window must hold before the rate rules apply. */
  public static final Setting<Integer> MINIMUM_CALLS =
      Setting.intSetting("minimum-calls")
          .defaultValue(100)
          .between(1, 100_000)
          .description("Calls the window must hold before the rate rules apply")
          .build();

  /** Calls slower than this count as slow. */
  public static final Setting<Duration> SLOW_CALL_THRESHOLD =
      Setting.durationSetting("slow-call-threshold")
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofMillis(1), DURATION_LIMIT)
          .description("Calls slower than this count as slow")
          .build();

  /** Slow-call rate of the sliding window that opens the breaker. */
  public static final Setting<Double> SLOW_CALL_RATE_THRESHOLD =
      Setting.percentageSetting("slow-call-rate-threshold")
          .defaultValue(1.0)
          .rule(v -> v > 0.0 && v <= 1.0, "a percentage above 0% and at most 100%")
          .description("Slow-call rate of the sliding window that opens the breaker")
          .build();

  /** How long the breaker stays open; a bare number is seconds. */
  public static final Setting<Duration> WAIT_IN_OPEN =
      Setting.durationSetting("wait-in-open", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofMillis(1), DURATION_LIMIT)
          .description(
              "How long the breaker stays open before trial calls; a bare number is seconds")
          .build();

  /** Trial calls let through in the half-open state. */
  public static final Setting<Integer> HALF_OPEN_CALLS =
      Setting.intSetting("half-open-calls")
          .defaultValue(3)
          .between(1, 10_000)
          .description("Trial calls let through in the half-open state")
          .build();

  /** Longest time in the half-open state; 0 means no limit. */
  public static final Setting<Duration> MAX_WAIT_IN_HALF_OPEN =
      Setting.durationSetting("max-wait-in-half-open")
          .defaultValue(Duration.ZERO)
          .between(Duration.ZERO, DURATION_LIMIT)
          .description(
              "Longest time in the half-open state before the next call reopens the breaker;"
                  + " 0 means no limit")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ENABLED,
          PRESET,
          FAILURE_THRESHOLD,
          FAILURE_RATE_THRESHOLD,
          SLIDING_WINDOW_TYPE,
          SLIDING_WINDOW_SIZE,
          MINIMUM_CALLS,
          SLOW_CALL_THRESHOLD,
          SLOW_CALL_RATE_THRESHOLD,
          WAIT_IN_OPEN,
          HALF_OPEN_CALLS,
          MAX_WAIT_IN_HALF_OPEN);

  private static final CircuitBreakerConfig DEFAULTS = new Builder().build();

  private final int failureThreshold;
  private final double failureRateThreshold;
  private final WindowType slidingWindowType;
  private final int slidingWindowSize;
  private final int minimumCalls;
  private final Duration slowCallThreshold;
  private final double slowCallRateThreshold;
  private final Duration waitInOpen;
  private final int halfOpenCalls;
  private final Duration maxWaitInHalfOpen;
  private final Predicate<? super Throwable> recordFailure;
  private final Predicate<Object> failureResult;
  private final ErrorClassifier classifier;

  private CircuitBreakerConfig(Builder b) {
    this.failureThreshold = b.failureThreshold;
    this.failureRateThreshold = b.failureRateThreshold;
    this.slidingWindowType = b.slidingWindowType;
    this.slidingWindowSize = b.slidingWindowSize;
    this.minimumCalls = b.minimumCalls;
    this.slowCallThreshold = b.slowCallThreshold;
    this.slowCallRateThreshold = b.slowCallRateThreshold;
    this.waitInOpen = b.waitInOpen;
    this.halfOpenCalls = b.halfOpenCalls;
    this.maxWaitInHalfOpen = b.maxWaitInHalfOpen;
    this.recordFailure = b.recordFailure;
    this.failureResult = b.failureResult;
    this.classifier = b.classifier;
  }

  /**
   * Returns the defaults, the {@link Preset#CONSECUTIVE_FAILURES} preset: open after 5 failures in
   * a row or at 50% failures of the last 100 calls, stay open 60 s, then 3 trial calls.
   *
   * @return the default configuration
   */
  public static CircuitBreakerConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a preset.
   *
   * @param preset the preset
   * @return its configuration
   */
  public static CircuitBreakerConfig preset(Preset preset) {
    return new Builder().preset(preset).build();
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
   * Returns failures in a row that open the breaker; 0 when the rule is off.
   *
   * @return the failure threshold
   */
  public int failureThreshold() {
    return failureThreshold;
  }

  /**
   * Returns the window's failure rate that opens the breaker, as a fraction.
   *
   * @return the threshold, above 0.0 and at most 1.0
   */
  public double failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * Returns whether the window counts calls or seconds.
   *
   * @return the window type
   */
  public WindowType slidingWindowType() {
    return slidingWindowType;
  }

  /**
   * Returns the window's size, in calls or seconds.
   *
   * @return the size
   */
  public int slidingWindowSize() {
    return slidingWindowSize;
  }

  /**
   * Returns the calls the window must hold before the rate rules apply. A count-based window uses
   * at most its size.
   *
   * @return the minimum number of calls
   */
  public int minimumCalls() {
    return minimumCalls;
  }

  /**
   * Returns the duration above which a call counts as slow.
   *
   * @return the slow-call threshold
   */
  public Duration slowCallThreshold() {
    return slowCallThreshold;
  }

  /**
   * Returns the window's slow-call rate that opens the breaker, as a fraction.
   *
   * @return the threshold
   */
  public double slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /**
   * Returns how long the breaker stays open before letting trial calls through.
   *
   * @return the wait
   */
  public Duration waitInOpen() {
    return waitInOpen;
  }

  /**
   * Returns the number of trial calls in the half-open state.
   *
   * @return the number of calls
   */
  public int halfOpenCalls() {
    return halfOpenCalls;
  }

  /**
   * Returns the longest time in the half-open state; zero means no limit.
   *
   * @return the maximum wait
   */
  public Duration maxWaitInHalfOpen() {
    return maxWaitInHalfOpen;
  }

  /**
   * Returns the classifier the default failure rule uses.
   *
   * @return the classifier
   */
  public ErrorClassifier classifier() {
    return classifier;
  }

  /**
   * Returns whether the breaker counts an exception as a failure; if not, the call is ignored.
   *
   * @param failure the exception the call ended with
   * @return true to count a failure
   */
  public boolean isFailure(Throwable failure) {
    if (recordFailure != null) {
      return recordFailure.test(failure);
    }
    ErrorClassification c = classifier.classify(failure);
    return c.retryable() || c.httpStatus() >= 500;
  }

  /**
   * Returns whether the breaker counts a result as a failure.
   *
   * @param result the result, possibly null
   * @return true to count a failure
   */
  public boolean isFailureResult(Object result) {
    return failureResult != null && failureResult.test(result);
  }

  /**
   * Returns whether results are checked with a {@link Builder#failureWhenResult(Predicate)} rule.
   *
   * @return true if a result rule is set
   */
  public boolean hasFailureResultRule() {
    return failureResult != null;
  }

  /**
   * Applies the configuration keys of one policy on top of this configuration.
   *
   * @param binder the binder for the policy's instance under {@link #CONFIG_PREFIX}
   * @return the configuration with the configured values
   */
  CircuitBreakerConfig bind(ConfigBinder binder) {
    Builder b = toBuilder();
    Optional<Preset> preset = binder.find(PRESET);
    preset.ifPresent(b::preset);
    CircuitBreakerConfig start = b.build();
    return b.failureThreshold(binder.get(FAILURE_THRESHOLD, start.failureThreshold))
        .failureRateThreshold(binder.get(FAILURE_RATE_THRESHOLD, start.failureRateThreshold))
        .slidingWindowType(binder.get(SLIDING_WINDOW_TYPE, start.slidingWindowType))
        .slidingWindowSize(binder.get(SLIDING_WINDOW_SIZE, start.slidingWindowSize))
        .minimumCalls(binder.get(MINIMUM_CALLS, start.minimumCalls))
        .slowCallThreshold(binder.get(SLOW_CALL_THRESHOLD, start.slowCallThreshold))
        .slowCallRateThreshold(binder.get(SLOW_CALL_RATE_THRESHOLD, start.slowCallRateThreshold))
        .waitInOpen(binder.get(WAIT_IN_OPEN, start.waitInOpen))
        .halfOpenCalls(binder.get(HALF_OPEN_CALLS, start.halfOpenCalls))
        .maxWaitInHalfOpen(binder.get(MAX_WAIT_IN_HALF_OPEN, start.maxWaitInHalfOpen))
        .build();
  }

  @Override
  public String toString() {
    return "CircuitBreakerConfig[failureThreshold="
        + failureThreshold
        + ", failureRateThreshold="
        + percent(failureRateThreshold)
        + ", slidingWindow="
        + slidingWindowSize
        + (slidingWindowType == WindowType.COUNT_BASED ? " calls" : "s")
        + ", minimumCalls="
        + minimumCalls
        + ", slowCallThreshold="
        + DurationText.format(slowCallThreshold)
        + ", slowCallRateThreshold="
        + percent(slowCallRateThreshold)
        + ", waitInOpen="
        + DurationText.format(waitInOpen)
        + ", halfOpenCalls="
        + halfOpenCalls
        + ", maxWaitInHalfOpen="
        + DurationText.format(maxWaitInHalfOpen)
        + "]";
  }

  private static String percent(double fraction) {
    double p = fraction * 100.0;
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }

  /** Builds a {@link CircuitBreakerConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int failureThreshold = 5;
    private double failureRateThreshold = 0.5;
    private WindowType slidingWindowType = WindowType.COUNT_BASED;
    private int slidingWindowSize = 100;
    private int minimumCalls = 100;
    private Duration slowCallThreshold = Duration.ofSeconds(60);
    private double slowCallRateThreshold = 1.0;
    private Duration waitInOpen = Duration.ofSeconds(60);
    private int halfOpenCalls = 3;
    private Duration maxWaitInHalfOpen = Duration.ZERO;
    private Predicate<? super Throwable> recordFailure;
    private Predicate<Object> failureResult;
    private ErrorClassifier classifier = ErrorClassifier.defaults();

    private Builder() {}

    private Builder(CircuitBreakerConfig c) {
      this.failureThreshold = c.failureThreshold;
      this.failureRateThreshold = c.failureRateThreshold;
      this.slidingWindowType = c.slidingWindowType;
      this.slidingWindowSize = c.slidingWindowSize;
      this.minimumCalls = c.minimumCalls;
      this.slowCallThreshold = c.slowCallThreshold;
      this.slowCallRateThreshold = c.slowCallRateThreshold;
      this.waitInOpen = c.waitInOpen;
      this.halfOpenCalls = c.halfOpenCalls;
      this.maxWaitInHalfOpen = c.maxWaitInHalfOpen;
      this.recordFailure = c.recordFailure;
      this.failureResult = c.failureResult;
      this.classifier = c.classifier;
    }

    /**
     * Replaces every number with a preset's; the failure rules set with {@link
     * #recordFailureWhen(Predicate)} and {@link #failureWhenResult(Predicate)} are kept.
     *
     * @param preset the preset
     * @return this builder
     */
    public Builder preset(Preset preset) {
      Checks.notNull("preset", preset);
      failureRateThreshold = 0.5;
      slidingWindowType = WindowType.COUNT_BASED;
      slidingWindowSize = 100;
      minimumCalls = 100;
      slowCallThreshold = Duration.ofSeconds(60);
      slowCallRateThreshold = 1.0;
      waitInOpen = Duration.ofSeconds(60);
      maxWaitInHalfOpen = Duration.ZERO;
      if (preset == Preset.CONSECUTIVE_FAILURES) {
        failureThreshold = 5;
        halfOpenCalls = 3;
      } else {
        failureThreshold = 0;
        halfOpenCalls = 10;
      }
      return this;
    }

    /**
     * Sets the failures in a row that open the breaker. Default 5; 0 turns the rule off (and the
     * trial calls' failure rate then decides in the half-open state).
     *
     * @param failureThreshold 0 to 100,000 ({@link #FAILURE_THRESHOLD})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder failureThreshold(int failureThreshold) {
      this.failureThreshold = FAILURE_THRESHOLD.check(failureThreshold);
      return this;
    }

    /**
     * Sets the window's failure rate that opens the breaker. Default 0.5 (50%).
     *
     * @param fraction above 0.0 and at most 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder failureRateThreshold(double fraction) {
      this.failureRateThreshold = FAILURE_RATE_THRESHOLD.check(fraction);
      return this;
    }

    /**
     * Sets whether the window counts calls or seconds. Default count-based.
     *
     * @param type the window type
     * @return this builder
     */
    public Builder slidingWindowType(WindowType type) {
      this.slidingWindowType = SLIDING_WINDOW_TYPE.check(type);
      return this;
    }

    /**
     * Sets the window's size, in calls or seconds. Default 100.
     *
     * @param size 1 to 100,000 ({@link #SLIDING_WINDOW_SIZE})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder slidingWindowSize(int size) {
      this.slidingWindowSize = SLIDING_WINDOW_SIZE.check(size);
      return this;
    }

    /**
     * Sets the calls the window must hold before the rate rules apply. Default 100.
     *
     * @param minimumCalls 1 to 100,000 ({@link #MINIMUM_CALLS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minimumCalls(int minimumCalls) {
      this.minimumCalls = MINIMUM_CALLS.check(minimumCalls);
      return this;
    }

    /**
     * Sets the duration above which a call counts as slow. Default 60 s.
     *
     * @param threshold 1 ms to one day ({@link #SLOW_CALL_THRESHOLD})
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 ms or longer than one day
     */
    public Builder slowCallThreshold(Duration threshold) {
      this.slowCallThreshold = SLOW_CALL_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Sets the window's slow-call rate that opens the breaker. Default 1.0 (100%).
     *
     * @param fraction above 0.0 and at most 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder slowCallRateThreshold(double fraction) {
      this.slowCallRateThreshold = SLOW_CALL_RATE_THRESHOLD.check(fraction);
      return this;
    }

    /**
     * Sets how long the breaker stays open. Default 60 s.
     *
     * @param wait at least 1 ms, at most one day
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 ms or longer than one day
     */
    public Builder waitInOpen(Duration wait) {
      this.waitInOpen = WAIT_IN_OPEN.check(wait);
      return this;
    }

    /**
     * Sets the number of trial calls in the half-open state. Default 3.
     *
     * @param calls 1 to 10,000 ({@link #HALF_OPEN_CALLS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder halfOpenCalls(int calls) {
      this.halfOpenCalls = HALF_OPEN_CALLS.check(calls);
      return this;
    }

    /**
     * Sets the longest time in the half-open state: once over, the next call reopens the breaker.
     * Default zero, no limit.
     *
     * @param maxWait zero or longer, at most one day
     * @return this builder
     * @throws IllegalArgumentException if negative or longer than one day
     */
    public Builder maxWaitInHalfOpen(Duration maxWait) {
      this.maxWaitInHalfOpen = MAX_WAIT_IN_HALF_OPEN.check(maxWait);
      return this;
    }

    /**
     * Sets which exceptions count as failures; every other exception is ignored. Replaces the
     * default rule (everything except client errors, by the {@linkplain #classifier classifier}).
     *
     * @param predicate true for a failure; must not throw
     * @return this builder
     */
    public Builder recordFailureWhen(Predicate<? super Throwable> predicate) {
      this.recordFailure = Checks.notNull("predicate", predicate);
      return this;
    }

    /**
     * Sets which results count as failures, such as an HTTP response with status 503. Default none.
     *
     * @param predicate true for a failure; receives null results too; must not throw
     * @return this builder
     */
    public Builder failureWhenResult(Predicate<Object> predicate) {
      this.failureResult = Checks.notNull("predicate", predicate);
      return this;
    }

    /**
     * Sets the classifier the default failure rule uses. Default {@link
     * ErrorClassifier#defaults()}.
     *
     * @param classifier the classifier
     * @return this builder
     */
    public Builder classifier(ErrorClassifier classifier) {
      this.classifier = Checks.notNull("classifier", classifier);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public CircuitBreakerConfig build() {
      return new CircuitBreakerConfig(this);
    }
  }
}
