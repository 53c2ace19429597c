package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.error.ErrorClassification;
import dev.reliability.core.error.ErrorClassifier;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * The settings of client-side adaptive throttling ({@link AdaptiveThrottle}), after the Google SRE
 * book's chapter "Handling Overload": the client counts, over a sliding {@link #window()}, the
 * requests it attempted and those the dependency accepted, and refuses a new request locally with
 * probability {@code max(0, (requests - k * accepts) / (requests + 1))}, at most {@link
 * #maxRejectionProbability()}.
 *
 * <p>Defaults are the book's: {@link #k()} 2.0 (the client lets through about twice as many
 * requests as the dependency accepts, so it keeps probing for recovery) and a window of 2 minutes.
 * The window slides in {@link #buckets()} steps (12 by default: 10 s each). Below {@link
 * #minimumRequests()} requests in the window (10) nothing is refused, so a handful of early
 * failures cannot throttle a quiet client. A local refusal carries {@link #retryAfter()} (1 s) as
 * its retry-after hint.
 *
 * <p><b>Why a ceiling.</b> The book's formula has none: after a total outage it refuses all but a
 * trickle, and since refused requests count as requests, accepts only grow a few-fold per window
 * once the dependency heals; at 100 calls a second after a 2-minute outage (on the injected clock)
 * it takes about 13 minutes until nothing is refused. The {@link #maxRejectionProbability()} of 0.9
 * (as Envoy's admission control caps its own at 0.8) always sends a tenth of the calls, so the same
 * recovery takes about 3.6 minutes. Set it to 1.0 for the book's formula unchanged.
 *
 * <p><b>What "not accepted" means.</b> By default a failure counts as refused by the dependency
 * when the {@link ErrorClassifier} gives it HTTP status 429, 503 or 504: rate-limited, unavailable
 * (a refused connection included), out of capacity, or not answering in time. Every other outcome,
 * successes and client errors such as a validation failure, counts as accepted: the dependency did
 * the work. Replace the rule with {@link Builder#rejectedWhen(Predicate)}. A client that returns
 * refusals as values (an HTTP response with status 503) says which with {@link
 * Builder#rejectedWhenResult(Predicate)}; by default every returned value is an accept.
 *
 * <pre>{@code
 * ThrottleConfig config = ThrottleConfig.builder().k(1.5).window(Duration.ofMinutes(1)).build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class ThrottleConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.throttle";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** Whether the policy has a throttle; on when one is configured in code or a template. */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .description(
              "Whether the policy has a client-side adaptive throttle; on when one is configured in"
                  + " code or a template")
          .build();

  /** The multiplier of accepts in the formula. */
  public static final Setting<Double> K =
      Setting.doubleSetting("k")
          .defaultValue(2.0)
          .between(1.0, 100.0)
          .description(
              "Multiplier of accepted requests in the rejection probability; lower throttles"
                  + " sooner (the SRE book's 2)")
          .build();

  /** The length of the sliding window. */
  public static final Setting<Duration> WINDOW =
      Setting.durationSetting("window")
          .defaultValue(Duration.ofMinutes(2))
          .between(Duration.ofSeconds(1), Duration.ofHours(1))
          .description("Sliding window of counted requests and accepts (the SRE book's 2 minutes)")
          .build();

  /** The number of buckets the window slides by. */
  public static final Setting<Integer> BUCKETS =
      Setting.intSetting("buckets")
          .defaultValue(12)
          .between(1, 100)
          .description("Buckets of the window; it slides by window / buckets")
          .build();

  /** The fewest requests in the window before any is refused. */
  public static final Setting<Integer> MINIMUM_REQUESTS =
      Setting.intSetting("minimum-requests")
          .defaultValue(10)
          .between(0, 1_000_000_000)
          .description("Requests in the window below which nothing is refused")
          .build();

  /** The ceiling of the rejection probability. */
  public static final Setting<Double> MAX_REJECTION_PROBABILITY =
      Setting.doubleSetting("max-rejection-probability")
          .defaultValue(0.9)
          .between(0.0, 1.0)
          .description(
              "Ceiling of the rejection probability, so some calls always reach the dependency and"
                  + " show its recovery; 1.0 for the book's formula unchanged")
          .build();

  /** The retry-after hint of a local refusal. */
  public static final Setting<Duration> RETRY_AFTER =
      Setting.durationSetting("retry-after")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("Retry-after hint of a local refusal; 0 gives no hint")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ENABLED, K, WINDOW, BUCKETS, MINIMUM_REQUESTS, MAX_REJECTION_PROBABILITY, RETRY_AFTER);

  private static final ThrottleConfig DEFAULTS = new Builder().build();

  private final double k;
  private final Duration window;
  private final int buckets;
  private final int minimumRequests;
  private final double maxRejectionProbability;
  private final Duration retryAfter;
  private final Predicate<? super Throwable> rejectedWhen;
  private final Predicate<Object> rejectedResult;

  /** The random source of throttles made from this config, or null; a seam for tests only. */
  private final DoubleSupplier random;

  private ThrottleConfig(Builder b) {
    this.k = b.k;
    this.window = b.window;
    this.buckets = b.buckets;
    this.minimumRequests = b.minimumRequests;
    this.maxRejectionProbability = b.maxRejectionProbability;
    this.retryAfter = b.retryAfter;
    this.rejectedWhen = b.rejectedWhen;
    this.rejectedResult = b.rejectedResult;
    this.random = b.random;
  }

  /**
   * Returns the defaults: k 2.0, a 2-minute window in 12 buckets, 10 minimum requests, a ceiling of
   * 0.9 on the rejection probability, a retry-after hint of 1 s, failures with status 429, 503 or
   * 504 as refusals.
   *
   * @return the default configuration
   */
  public static ThrottleConfig ofDefaults() {
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
   * Returns this configuration with every setting the source sets under {@value #CONFIG_PREFIX}
   * replaced; the {@linkplain Builder#rejectedWhen rule on failures} is kept. Inside a policy,
   * {@link PolicyConfig#withOverrides(ConfigSource, String)} also reads the per-policy keys.
   *
   * @param source where overrides come from
   * @return the configuration
   * @throws ConfigurationException listing every invalid setting
   */
  public ThrottleConfig withOverrides(ConfigSource source) {
    Checks.notNull("source", source);
    ConfigBinder binder = ConfigBinder.of(source, CONFIG_PREFIX);
    ThrottleConfig bound = bind(binder);
    binder.throwIfInvalid();
    return bound;
  }

  /**
   * Returns the multiplier of accepts in the rejection probability.
   *
   * @return k, 1.0 to 100.0
   */
  public double k() {
    return k;
  }

  /**
   * Returns the length of the sliding window.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  /**
   * Returns the number of buckets the window slides by.
   *
   * @return the buckets
   */
  public int buckets() {
    return buckets;
  }

  /**
   * Returns the requests in the window below which nothing is refused.
   *
   * @return the minimum
   */
  public int minimumRequests() {
    return minimumRequests;
  }

  /**
   * Returns the ceiling of the rejection probability.
   *
   * @return the ceiling, 0.0 to 1.0
   */
  public double maxRejectionProbability() {
    return maxRejectionProbability;
  }

  /**
   * Returns the retry-after hint of a local refusal.
   *
   * @return the hint, zero for none
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Returns whether a failure of the guarded call counts as refused by the dependency (not
   * accepted).
   *
   * @param failure the failure
   * @return true if the dependency did not accept the request
   */
  public boolean isRejection(Throwable failure) {
    if (rejectedWhen != null) {
      return rejectedWhen.test(failure);
    }
    ErrorClassification c = ErrorClassifier.defaults().classify(failure);
    int status = c.httpStatus();
    return status == 429 || status == 503 || status == 504;
  }

  /**
   * Returns whether a value the guarded call returned counts as refused by the dependency.
   *
   * @param result the value, possibly null
   * @return true if the value is a refusal by the {@link Builder#rejectedWhenResult(Predicate)}
   *     rule; false without a rule
   */
  public boolean isRejectedResult(Object result) {
    return rejectedResult != null && rejectedResult.test(result);
  }

  /**
   * Returns whether returned values are checked with a {@link
   * Builder#rejectedWhenResult(Predicate)} rule.
   *
   * @return true if a rule is set
   */
  public boolean hasRejectedResultRule() {
    return rejectedResult != null;
  }

  DoubleSupplier random() {
    return random;
  }

  ThrottleConfig bind(ConfigBinder binder) {
    return toBuilder()
        .k(binder.get(K, k))
        .window(binder.get(WINDOW, window))
        .buckets(binder.get(BUCKETS, buckets))
        .minimumRequests(binder.get(MINIMUM_REQUESTS, minimumRequests))
        .maxRejectionProbability(binder.get(MAX_REJECTION_PROBABILITY, maxRejectionProbability))
        .retryAfter(binder.get(RETRY_AFTER, retryAfter))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ThrottleConfig c
        && Double.compare(c.k, k) == 0
        && c.window.equals(window)
        && c.buckets == buckets
        && c.minimumRequests == minimumRequests
        && Double.compare(c.maxRejectionProbability, maxRejectionProbability) == 0
        && c.retryAfter.equals(retryAfter)
        && Objects.equals(c.rejectedWhen, rejectedWhen)
        && Objects.equals(c.rejectedResult, rejectedResult);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        k,
        window,
        buckets,
        minimumRequests,
        maxRejectionProbability,
        retryAfter,
        rejectedWhen,
        rejectedResult);
  }

  @Override
  public String toString() {
    return "ThrottleConfig[k="
        + k
        + ", window="
        + DurationText.format(window)
        + " in "
        + buckets
        + " buckets, minimumRequests="
        + minimumRequests
        + ", maxRejectionProbability="
        + maxRejectionProbability
        + ", retryAfter="
        + DurationText.format(retryAfter)
        + "]";
  }

  /** Builds a {@link ThrottleConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private double k = 2.0;
    private Duration window = Duration.ofMinutes(2);
    private int buckets = 12;
    private int minimumRequests = 10;
    private double maxRejectionProbability = 0.9;
    private Duration retryAfter = Duration.ofSeconds(1);
    private Predicate<? super Throwable> rejectedWhen;
    private Predicate<Object> rejectedResult;
    private DoubleSupplier random;

    private Builder() {}

    private Builder(ThrottleConfig c) {
      this.k = c.k;
      this.window = c.window;
      this.buckets = c.buckets;
      this.minimumRequests = c.minimumRequests;
      this.maxRejectionProbability = c.maxRejectionProbability;
      this.retryAfter = c.retryAfter;
      this.rejectedWhen = c.rejectedWhen;
      this.rejectedResult = c.rejectedResult;
      this.random = c.random;
    }

    /**
     * Sets the multiplier of accepts: the client lets through about {@code k} times as many
     * requests as the dependency accepts. Lower values throttle sooner and harder (1.1 is
     * aggressive), higher ones let more doomed requests through. Default 2.0.
     *
     * @param k 1.0 to 100.0 ({@link #K})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder k(double k) {
      this.k = K.check(k);
      return this;
    }

    /**
     * Sets the length of the sliding window of counted requests and accepts. Default 2 minutes.
     *
     * @param window 1 s to 1 hour ({@link #WINDOW})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder window(Duration window) {
      this.window = WINDOW.check(window);
      return this;
    }

    /**
     * Sets the number of buckets: the window slides by {@code window / buckets}, and each call
     * reads every bucket. Default 12.
     *
     * @param buckets 1 to 100 ({@link #BUCKETS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder buckets(int buckets) {
      this.buckets = BUCKETS.check(buckets);
      return this;
    }

    /**
     * Sets the requests in the window below which nothing is refused. Default 10.
     *
     * @param minimumRequests 0 or more ({@link #MINIMUM_REQUESTS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minimumRequests(int minimumRequests) {
      this.minimumRequests = MINIMUM_REQUESTS.check(minimumRequests);
      return this;
    }

    /**
     * Sets the ceiling of the rejection probability: at least {@code 1 - max} of the calls always
     * reach the dependency, so its recovery shows within about two windows. Default 0.9; 1.0 for
     * the book's formula unchanged; 0.0 refuses nothing (the throttle only counts).
     *
     * @param maxRejectionProbability 0.0 to 1.0 ({@link #MAX_REJECTION_PROBABILITY})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxRejectionProbability(double maxRejectionProbability) {
      this.maxRejectionProbability = MAX_REJECTION_PROBABILITY.check(maxRejectionProbability);
      return this;
    }

    /**
     * Sets the retry-after hint of a local refusal. Default 1 s.
     *
     * @param retryAfter zero (no hint) or longer, at most one day
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = RETRY_AFTER.check(retryAfter);
      return this;
    }

    /**
     * Sets which failures count as refused by the dependency; every other failure counts as
     * accepted. Replaces the default rule (status 429, 503 or 504 by {@link
     * ErrorClassifier#defaults()}).
     *
     * @param predicate true when the dependency did not accept the request; must not throw
     * @return this builder
     */
    public Builder rejectedWhen(Predicate<? super Throwable> predicate) {
      this.rejectedWhen = Checks.notNull("predicate", predicate);
      return this;
    }

    /**
     * Sets which returned values count as refused by the dependency, such as an HTTP response with
     * status 429 or 503. Default none: every value is an accept. Inside a policy, values are then
     * checked on every attempt.
     *
     * @param predicate true when the value is a refusal; receives null values too; must not throw
     * @return this builder
     */
    public Builder rejectedWhenResult(Predicate<Object> predicate) {
      this.rejectedResult = Checks.notNull("predicate", predicate);
      return this;
    }

    /** Sets the random source of the throttles made from this config: for tests of a policy. */
    Builder random(DoubleSupplier random) {
      this.random = random;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public ThrottleConfig build() {
      return new ThrottleConfig(this);
    }
  }
}
