package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which components a policy has and their settings: the reusable part of a {@link Policy}, and the
 * templates of a {@link PolicyRegistry} ("every external HTTP client gets this base").
 *
 * <p>Every component is optional. The policy applies them in one fixed order, outermost first:
 * fallback, hedging, retry, circuit breaker, adaptive throttle, rate limiter, bulkhead, time limit,
 * then the call. So each retry goes through the breaker, the throttle, the rate limiter, the
 * bulkhead and gets its own time limit, and each hedge is a whole run of the retry and what it
 * wraps.
 *
 * <p>An adaptive concurrency limit ({@link Builder#adaptiveLimit(AdaptiveLimitConfig)}) takes the
 * bulkhead's place, just inside it when a policy has both: the fixed bulkhead is then a hard
 * ceiling and the adaptive limit moves beneath it.
 *
 * <p>{@link #withOverrides(ConfigSource, String)} applies configuration keys for one policy name on
 * top of the code's values, so thresholds change by environment variable without a code change. The
 * keys of every component are listed in {@link #SETTINGS}.
 *
 * <pre>{@code
 * PolicyConfig httpClients = PolicyConfig.builder()
 *     .circuitBreaker(CircuitBreakerConfig.ofDefaults())
 *     .retry(RetryConfig.builder().maxRetries(2).build())
 *     .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
 *     .build();
 * PolicyConfig payments = httpClients.toBuilder()
 *     .bulkhead(BulkheadConfig.ofMaxConcurrentCalls(10))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PolicyConfig {

  /**
   * Every setting of every component, by key prefix: {@value CircuitBreakerConfig#CONFIG_PREFIX},
   * {@value RetryConfig#CONFIG_PREFIX}, {@value RateLimiterConfig#CONFIG_PREFIX}, {@value
   * BulkheadConfig#CONFIG_PREFIX}, {@value TimeLimiterConfig#CONFIG_PREFIX}, {@value
   * AdaptiveLimitConfig#CONFIG_PREFIX}, {@value HedgeConfig#CONFIG_PREFIX}, {@value
   * ThrottleConfig#CONFIG_PREFIX} and {@value ChaosConfig#CONFIG_PREFIX}. A key is the prefix,
   * optionally the policy's name, then the setting's name.
   */
  public static final Map<String, List<Setting<?>>> SETTINGS = settings();

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final PolicyConfig EMPTY = new Builder().build();
  private static final PolicyConfig DEFAULTS =
      new Builder()
          .circuitBreaker(CircuitBreakerConfig.ofDefaults())
          .retry(RetryConfig.ofDefaults())
          .build();

  private final CircuitBreakerConfig circuitBreaker;
  private final RetryConfig retry;
  private final RateLimiterConfig rateLimiter;
  private final BulkheadConfig bulkhead;
  private final TimeLimiterConfig timeLimiter;
  private final AdaptiveLimitConfig adaptiveLimit;
  private final HedgeConfig hedge;
  private final ThrottleConfig throttle;

  /** The chaos strategies, or null. */
  private final ChaosConfig chaos;

  private PolicyConfig(Builder b) {
    this.adaptiveLimit = b.adaptiveLimit;
    this.circuitBreaker = b.circuitBreaker;
    this.retry = b.retry;
    this.rateLimiter = b.rateLimiter;
    this.bulkhead = b.bulkhead;
    this.timeLimiter = b.timeLimiter;
    this.hedge = b.hedge;
    this.throttle = b.throttle;
    this.chaos = b.chaos;
  }

  /**
   * Returns a configuration without components: calls are only counted.
   *
   * @return the empty configuration
   */
  public static PolicyConfig empty() {
    return EMPTY;
  }

  /**
   * Returns the defaults for an outgoing call: a circuit breaker and retries, each with its own
   * defaults ({@link CircuitBreakerConfig#ofDefaults()}, {@link RetryConfig#ofDefaults()}).
   *
   * @return the default configuration
   */
  public static PolicyConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder without components.
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
   * Returns the circuit breaker's settings, if the policy has one.
   *
   * @return the settings, or empty
   */
  public Optional<CircuitBreakerConfig> circuitBreaker() {
    return Optional.ofNullable(circuitBreaker);
  }

  /**
   * Returns the retry settings, if the policy retries.
   *
   * @return the settings, or empty
   */
  public Optional<RetryConfig> retry() {
    return Optional.ofNullable(retry);
  }

  /**
   * Returns the rate limiter's settings, if the policy has one.
   *
   * @return the settings, or empty
   */
  public Optional<RateLimiterConfig> rateLimiter() {
    return Optional.ofNullable(rateLimiter);
  }

  /**
   * Returns the bulkhead's settings, if the policy has one.
   *
   * @return the settings, or empty
   */
  public Optional<BulkheadConfig> bulkhead() {
    return Optional.ofNullable(bulkhead);
  }

  /**
   * Returns the time limit's settings, if the policy has one.
   *
   * @return the settings, or empty
   */
  public Optional<TimeLimiterConfig> timeLimiter() {
    return Optional.ofNullable(timeLimiter);
  }

  /**
   * Returns the adaptive concurrency limit's settings, if the policy has one.
   *
   * @return the settings, or empty
   */
  public Optional<AdaptiveLimitConfig> adaptiveLimit() {
    return Optional.ofNullable(adaptiveLimit);
  }

  /**
   * Returns the hedging settings, if the policy hedges slow calls.
   *
   * @return the settings, or empty
   */
  public Optional<HedgeConfig> hedge() {
    return Optional.ofNullable(hedge);
  }

  /**
   * Returns the client-side adaptive throttle's settings, if the policy has one.
   *
   * @return the settings, or empty
   */
  public Optional<ThrottleConfig> throttle() {
    return Optional.ofNullable(throttle);
  }

  /**
   * Applies configuration keys for one policy on top of this configuration.
   *
   * <p>For each component, a setting's value is the first of: the policy's own key ({@code
   * reliability.circuitbreaker.payments.failure-threshold}), the shared key ({@code
   * reliability.circuitbreaker.failure-threshold}), this configuration's value. A component's
   * {@code enabled} key adds it (with its defaults) or removes it.
   *
   * <pre>{@code
   * PolicyConfig payments =
   *     PolicyConfig.ofDefaults().withOverrides(ConfigSource.standard(), "payments");
   * }</pre>
   *
   * @param source where the keys come from
   * @param policyName the policy's name, letters, digits, {@code -} and {@code _}
   * @return a new configuration with the source's values applied; this one is unchanged
   * @throws ConfigurationException listing every invalid key, with its value and origin
   * @throws IllegalArgumentException if the name has other characters
   */
  public PolicyConfig withOverrides(ConfigSource source, String policyName) {
    Checks.notNull("source", source);
    checkName(policyName);
    ConfigBinder cb =
        ConfigBinder.of(source, CircuitBreakerConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder rt = ConfigBinder.of(source, RetryConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder rl = ConfigBinder.of(source, RateLimiterConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder bh = ConfigBinder.of(source, BulkheadConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder tl = ConfigBinder.of(source, TimeLimiterConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder al =
        ConfigBinder.of(source, AdaptiveLimitConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder hg = ConfigBinder.of(source, HedgeConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder th = ConfigBinder.of(source, ThrottleConfig.CONFIG_PREFIX).instance(policyName);
    ConfigBinder ch = ConfigBinder.of(source, ChaosConfig.CONFIG_PREFIX).instance(policyName);
    Builder b = new Builder();
    String failed = null;
    try {
      if (cb.get(CircuitBreakerConfig.ENABLED, circuitBreaker != null)) {
        b.circuitBreaker(
            (circuitBreaker == null ? CircuitBreakerConfig.ofDefaults() : circuitBreaker).bind(cb));
      }
      if (rt.get(RetryConfig.ENABLED, retry != null)) {
        b.retry((retry == null ? RetryConfig.ofDefaults() : retry).bind(rt));
      }
      if (rl.get(RateLimiterConfig.ENABLED, rateLimiter != null)) {
        b.rateLimiter(
            (rateLimiter == null ? RateLimiterConfig.ofDefaults() : rateLimiter).bind(rl));
      }
      if (bh.get(BulkheadConfig.ENABLED, bulkhead != null)) {
        b.bulkhead((bulkhead == null ? BulkheadConfig.ofDefaults() : bulkhead).bind(bh));
      }
      if (tl.get(TimeLimiterConfig.ENABLED, timeLimiter != null)) {
        b.timeLimiter(
            (timeLimiter == null ? TimeLimiterConfig.ofDefaults() : timeLimiter).bind(tl));
      }
      if (al.get(AdaptiveLimitConfig.ENABLED, adaptiveLimit != null)) {
        b.adaptiveLimit(
            (adaptiveLimit == null ? AdaptiveLimitConfig.ofDefaults() : adaptiveLimit).bind(al));
      }
      if (hg.get(HedgeConfig.ENABLED, hedge != null)) {
        b.hedge((hedge == null ? HedgeConfig.ofDefaults() : hedge).bind(hg));
      }
      if (th.get(ThrottleConfig.ENABLED, throttle != null)) {
        b.throttle((throttle == null ? ThrottleConfig.ofDefaults() : throttle).bind(th));
      }
      // Chaos: present when set in code or when any of its keys is set; enabled is its switch.
      if (chaos != null || hasAnyKey(source, ch, ChaosConfig.SETTINGS)) {
        b.chaos((chaos == null ? ChaosConfig.ofDefaults() : chaos).bind(ch));
      }
    } catch (IllegalArgumentException e) {
      failed = e.getMessage();
    }
    List<ConfigProblem> problems = new ArrayList<>();
    for (ConfigBinder binder : List.of(cb, rt, rl, bh, tl, al, hg, th, ch)) {
      problems.addAll(binder.problems());
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    if (failed != null) {
      throw new ConfigurationException(
          "Invalid configuration of policy '" + policyName + "': " + failed);
    }
    return b.build();
  }

  /**
   * Returns aliases that map the short environment variables of the hand-built services this
   * library replaces onto its keys, for {@link ConfigSource#withAliases(Map)}:
   *
   * <ul>
   *   <li>{@code CB_FAILURE_THRESHOLD} to {@code reliability.circuitbreaker.failure-threshold}
   *       (every breaker);
   *   <li>{@code CB_RECOVERY_TIMEOUT} (seconds) to {@code reliability.circuitbreaker.wait-in-open};
   *   <li>{@code RATE_LIMIT_<NAME>_RPM} to {@code reliability.ratelimiter.<name>.limit} for each
   *       given policy name (the alias assumes the limiter's period is the default minute).
   * </ul>
   *
   * <pre>{@code
   * ConfigSource source =
   *     ConfigSource.standard().withAliases(PolicyConfig.legacyEnvironmentAliases("openai"));
   * }</pre>
   *
   * @param rateLimitedPolicies names of policies whose rate limit {@code RATE_LIMIT_<NAME>_RPM}
   *     sets
   * @return canonical key to alias
   * @throws IllegalArgumentException if a name is not a valid policy name
   */
  public static Map<String, String> legacyEnvironmentAliases(String... rateLimitedPolicies) {
    Checks.notNull("rateLimitedPolicies", rateLimitedPolicies);
    Map<String, String> aliases = new LinkedHashMap<>();
    aliases.put(
        CircuitBreakerConfig.CONFIG_PREFIX + "." + CircuitBreakerConfig.FAILURE_THRESHOLD.name(),
        "CB_FAILURE_THRESHOLD");
    aliases.put(
        CircuitBreakerConfig.CONFIG_PREFIX + "." + CircuitBreakerConfig.WAIT_IN_OPEN.name(),
        "CB_RECOVERY_TIMEOUT");
    for (String name : rateLimitedPolicies) {
      checkName(name);
      aliases.put(
          RateLimiterConfig.CONFIG_PREFIX + "." + name + "." + RateLimiterConfig.LIMIT.name(),
          "RATE_LIMIT_" + ConfigSource.environmentVariableName(name) + "_RPM");
    }
    return Map.copyOf(aliases);
  }

  /**
   * Returns the chaos strategies, if configured.
   *
   * @return the chaos configuration, or empty
   */
  public Optional<ChaosConfig> chaos() {
    return Optional.ofNullable(chaos);
  }

  /** Whether the source has a key of these settings, valid or not (a bad value is reported). */
  private static boolean hasAnyKey(
      ConfigSource source, ConfigBinder binder, List<Setting<?>> settings) {
    for (Setting<?> setting : settings) {
      if (source.get(binder.key(setting)).isPresent()
          || source.get(binder.sharedKey(setting)).isPresent()) {
        return true;
      }
    }
    return false;
  }

  static String checkName(String name) {
    Checks.notBlank("name", name);
    Checks.check(
        NAME.matcher(name).matches(),
        "name",
        "letters, digits, '-' and '_', starting with a letter or digit",
        "\"" + name + "\"");
    return name;
  }

  private static Map<String, List<Setting<?>>> settings() {
    Map<String, List<Setting<?>>> all = new LinkedHashMap<>();
    all.put(CircuitBreakerConfig.CONFIG_PREFIX, CircuitBreakerConfig.SETTINGS);
    all.put(RetryConfig.CONFIG_PREFIX, RetryConfig.SETTINGS);
    all.put(RateLimiterConfig.CONFIG_PREFIX, RateLimiterConfig.SETTINGS);
    all.put(BulkheadConfig.CONFIG_PREFIX, BulkheadConfig.SETTINGS);
    all.put(TimeLimiterConfig.CONFIG_PREFIX, TimeLimiterConfig.SETTINGS);
    all.put(AdaptiveLimitConfig.CONFIG_PREFIX, AdaptiveLimitConfig.SETTINGS);
    all.put(HedgeConfig.CONFIG_PREFIX, HedgeConfig.SETTINGS);
    all.put(ThrottleConfig.CONFIG_PREFIX, ThrottleConfig.SETTINGS);
    all.put(ChaosConfig.CONFIG_PREFIX, ChaosConfig.SETTINGS);
    return Collections.unmodifiableMap(all);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (circuitBreaker != null) {
      parts.add(circuitBreaker.toString());
    }
    if (retry != null) {
      parts.add(retry.toString());
    }
    if (rateLimiter != null) {
      parts.add(rateLimiter.toString());
    }
    if (bulkhead != null) {
      parts.add(bulkhead.toString());
    }
    if (timeLimiter != null) {
      parts.add(timeLimiter.toString());
    }
    if (adaptiveLimit != null) {
      parts.add(adaptiveLimit.toString());
    }
    if (hedge != null) {
      parts.add(hedge.toString());
    }
    if (throttle != null) {
      parts.add(throttle.toString());
    }
    if (chaos != null) {
      parts.add(chaos.toString());
    }
    return "PolicyConfig" + parts;
  }

  /** Builds a {@link PolicyConfig}. Not thread-safe. */
  public static final class Builder {
    private CircuitBreakerConfig circuitBreaker;
    private RetryConfig retry;
    private RateLimiterConfig rateLimiter;
    private BulkheadConfig bulkhead;
    private TimeLimiterConfig timeLimiter;
    private AdaptiveLimitConfig adaptiveLimit;
    private HedgeConfig hedge;
    private ThrottleConfig throttle;
    private ChaosConfig chaos;

    private Builder() {}

    private Builder(PolicyConfig c) {
      this.adaptiveLimit = c.adaptiveLimit;
      this.circuitBreaker = c.circuitBreaker;
      this.retry = c.retry;
      this.rateLimiter = c.rateLimiter;
      this.bulkhead = c.bulkhead;
      this.timeLimiter = c.timeLimiter;
      this.hedge = c.hedge;
      this.throttle = c.throttle;
      this.chaos = c.chaos;
    }

    /**
     * Adds or replaces the circuit breaker.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.circuitBreaker = Checks.notNull("circuitBreaker", config);
      return this;
    }

    /**
     * Adds or replaces the retry.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder retry(RetryConfig config) {
      this.retry = Checks.notNull("retry", config);
      return this;
    }

    /**
     * Adds or replaces the rate limiter.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder rateLimiter(RateLimiterConfig config) {
      this.rateLimiter = Checks.notNull("rateLimiter", config);
      return this;
    }

    /**
     * Adds or replaces the bulkhead.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder bulkhead(BulkheadConfig config) {
      this.bulkhead = Checks.notNull("bulkhead", config);
      return this;
    }

    /**
     * Adds or replaces the time limit.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder timeLimiter(TimeLimiterConfig config) {
      this.timeLimiter = Checks.notNull("timeLimiter", config);
      return this;
    }

    /**
     * Adds or replaces the hedging: runs of a slow call started after a delay, the first success
     * taken. It wraps the retry: each hedge is a whole run of the retry and what it wraps.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder hedge(HedgeConfig config) {
      this.hedge = Checks.notNull("hedge", config);
      return this;
    }

    /**
     * Adds or replaces the client-side adaptive throttle, applied right after the circuit breaker.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder throttle(ThrottleConfig config) {
      this.throttle = Checks.notNull("throttle", config);
      return this;
    }

    /**
     * Removes the hedging.
     *
     * @return this builder
     */
    public Builder noHedge() {
      this.hedge = null;
      return this;
    }

    /**
     * Removes the client-side adaptive throttle.
     *
     * @return this builder
     */
    public Builder noThrottle() {
      this.throttle = null;
      return this;
    }

    /**
     * Removes the circuit breaker.
     *
     * @return this builder
     */
    public Builder noCircuitBreaker() {
      this.circuitBreaker = null;
      return this;
    }

    /**
     * Removes the retry.
     *
     * @return this builder
     */
    public Builder noRetry() {
      this.retry = null;
      return this;
    }

    /**
     * Removes the rate limiter.
     *
     * @return this builder
     */
    public Builder noRateLimiter() {
      this.rateLimiter = null;
      return this;
    }

    /**
     * Removes the bulkhead.
     *
     * @return this builder
     */
    public Builder noBulkhead() {
      this.bulkhead = null;
      return this;
    }

    /**
     * Removes the time limit.
     *
     * @return this builder
     */
    public Builder noTimeLimiter() {
      this.timeLimiter = null;
      return this;
    }

    /**
     * Adds or replaces the adaptive concurrency limit: a limit on attempts in flight that follows
     * their latency. It sits where the bulkhead does, just inside it if the policy has both.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder adaptiveLimit(AdaptiveLimitConfig config) {
      this.adaptiveLimit = Checks.notNull("adaptiveLimit", config);
      return this;
    }

    /**
     * Removes the adaptive concurrency limit.
     *
     * @return this builder
     */
    public Builder noAdaptiveLimit() {
      this.adaptiveLimit = null;
      return this;
    }

    /**
     * Adds or replaces the chaos strategies (fault, latency and result injection), innermost around
     * the call. Off until enabled, in the configuration or at run time.
     *
     * @param config their settings
     * @return this builder
     */
    public Builder chaos(ChaosConfig config) {
      this.chaos = Checks.notNull("chaos", config);
      return this;
    }

    /**
     * Removes the chaos strategies.
     *
     * @return this builder
     */
    public Builder noChaos() {
      this.chaos = null;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     */
    public PolicyConfig build() {
      return new PolicyConfig(this);
    }
  }
}
