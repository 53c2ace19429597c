package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.Setting;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The chaos strategies of a policy: fault injection to rehearse failures of a dependency. Three
 * strategies, each optional with its own injection rate (0 to 1) drawn on every attempt:
 *
 * <ul>
 *   <li><b>latency</b>: the attempt waits {@link #latency()} before it goes on (synchronous calls
 *       sleep on the policy's {@link PolicyScheduler}, interruptibly; asynchronous calls start
 *       after a timer of the same scheduler);
 *   <li><b>fault</b>: the attempt fails with an exception instead of running the call; by default a
 *       {@link dev.reliability.core.error.ServiceUnavailableException} (503, retryable) whose
 *       message starts with {@value #FAULT_MESSAGE_PREFIX};
 *   <li><b>result</b>: the attempt returns a substitute value instead of running the call.
 * </ul>
 *
 * <p>Latency is drawn first and may combine with a fault or a result (a slow failure); fault wins
 * over result. The strategies sit innermost, right around the call, so the time limit, the circuit
 * breaker, the retry and the fallback react to an injected fault or delay exactly as to a real one:
 * that is what a rehearsal checks.
 *
 * <p><b>Off by default.</b> {@link #ofDefaults()} injects nothing and a policy without chaos pays
 * nothing. With chaos configured but switched off ({@link #enabled()} false, the default), a call
 * costs one volatile read; turn it on at run time with {@link Policy#chaos()}.
 *
 * <p><b>Key filter.</b> With {@link #keys()} set, only calls whose key is one of them are touched:
 * the key is read once per call on the caller's thread, by default the request context's {@code
 * tenant_id} ({@link #keyAttribute()}), or by a {@link Builder#keySource(Supplier) key source}
 * (such as the route). Calls without a key are untouched.
 *
 * <p><b>Marks.</b> Every injection is logged ({@code event=chaos_injected} with {@code kind},
 * {@code policy}, {@code key}), reported to {@link PolicyListener#onChaosInjected} (the metrics and
 * tracing modules count it and mark the span), counted by {@link ChaosSwitch#injections}, and an
 * injected exception carries a suppressed marker that {@link #isInjected(Throwable)} finds, so
 * nobody mistakes a rehearsal for an outage.
 *
 * <pre>{@code
 * ChaosConfig chaos = ChaosConfig.builder()
 *     .faultRate(0.2)
 *     .latency(Duration.ofMillis(300), 0.5)
 *     .keys(Set.of("tenant-canary"))
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, per policy name ({@code
 * reliability.chaos.payments.fault-rate}), see {@link #SETTINGS}. Immutable and thread-safe.
 */
public final class ChaosConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.chaos";

  /** Settings may be set per policy name as well as for every policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The start of the message of the default injected fault. */
  public static final String FAULT_MESSAGE_PREFIX = "Chaos: injected fault";

  private static final String RATE_RULE = "a rate between 0.0 and 1.0";
  private static final int MAX_KEYS_LENGTH = 4096;

  /**
   * Whether injection is on when the policy is built; the policy's {@link ChaosSwitch} turns it on
   * and off at run time.
   */
  public static final Setting<Boolean> ENABLED =
      Setting.booleanSetting("enabled")
          .defaultValue(false)
          .description(
              "Whether chaos injection is on when the policy is built; the policy's chaos switch"
                  + " turns it on and off at run time. Any key of this component adds the chaos"
                  + " strategies to the policy")
          .build();

  /** The share of attempts that fail with the injected fault. */
  public static final Setting<Double> FAULT_RATE =
      Setting.doubleSetting("fault-rate")
          .defaultValue(0.0)
          .rule(ChaosConfig::isRate, RATE_RULE)
          .description("The share of attempts that fail with the injected fault")
          .build();

  /** The share of attempts delayed by the injected latency. */
  public static final Setting<Double> LATENCY_RATE =
      Setting.doubleSetting("latency-rate")
          .defaultValue(0.0)
          .rule(ChaosConfig::isRate, RATE_RULE)
          .description("The share of attempts delayed by the injected latency")
          .build();

  /** The injected delay. */
  public static final Setting<Duration> LATENCY =
      Setting.durationSetting("latency")
          .defaultValue(Duration.ofSeconds(1))
          .between(Duration.ZERO, Duration.ofDays(1))
          .description("The delay injected before an attempt")
          .build();

  /** The share of attempts that return the substitute result set in code. */
  public static final Setting<Double> RESULT_RATE =
      Setting.doubleSetting("result-rate")
          .defaultValue(0.0)
          .rule(ChaosConfig::isRate, RATE_RULE)
          .description(
              "The share of attempts that return the substitute result; above 0 only with a"
                  + " result supplier set in code")
          .build();

  /** The keys whose calls are touched, separated by commas; empty for every call. */
  public static final Setting<String> KEYS =
      Setting.stringSetting("keys")
          .rule(
              v -> v.length() <= MAX_KEYS_LENGTH,
              "a comma-separated list of at most " + MAX_KEYS_LENGTH + " characters")
          .description(
              "The keys (tenants, routes) whose calls are touched, separated by commas; empty for"
                  + " every call")
          .build();

  /** The request context attribute that gives a call's key when no key source is set in code. */
  public static final Setting<String> KEY_ATTRIBUTE =
      Setting.stringSetting("key-attribute")
          .defaultValue(RequestContext.TENANT_ID_KEY)
          .rule(ChaosConfig::isAttributeName, "1 to 64 of a-z, 0-9, '_', '-' and '.'")
          .description(
              "The request context attribute that gives a call's key, when no key source is set"
                  + " in code")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(ENABLED, FAULT_RATE, LATENCY_RATE, LATENCY, RESULT_RATE, KEYS, KEY_ATTRIBUTE);

  private static final DoubleSupplier THREAD_LOCAL_RANDOM =
      () -> ThreadLocalRandom.current().nextDouble();

  private static final ChaosConfig DEFAULTS = new Builder().build();

  private final boolean enabled;
  private final double faultRate;
  private final Supplier<? extends Throwable> fault;
  private final double latencyRate;
  private final Duration latency;
  private final double resultRate;
  private final Supplier<?> result;
  private final Set<String> keys;
  private final String keyAttribute;
  private final Supplier<String> keySource;
  private final DoubleSupplier random;

  private ChaosConfig(Builder b) {
    this.enabled = b.enabled;
    this.faultRate = b.faultRate;
    this.fault = b.fault;
    this.latencyRate = b.latencyRate;
    this.latency = b.latency;
    this.resultRate = b.resultRate;
    this.result = b.result;
    this.keys = Set.copyOf(b.keys);
    this.keyAttribute = b.keyAttribute;
    this.keySource = b.keySource;
    this.random = b.random;
  }

  /**
   * Returns the defaults: switched off, every rate 0, latency 1 s, every call (no key filter).
   *
   * @return the default configuration
   */
  public static ChaosConfig ofDefaults() {
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
   * Returns whether an exception was injected by a chaos strategy: it carries the suppressed marker
   * every injected exception gets, the default fault and those of a user's supplier alike.
   *
   * @param failure an exception, or null
   * @return true if a chaos strategy injected it
   */
  public static boolean isInjected(Throwable failure) {
    if (failure == null) {
      return false;
    }
    for (Throwable s : failure.getSuppressed()) {
      if (s instanceof dev.reliability.core.policy.internal.ChaosState.InjectedMarker) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether injection is on when the policy is built.
   *
   * @return false by default
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the share of attempts that fail with the injected fault.
   *
   * @return 0 by default
   */
  public double faultRate() {
    return faultRate;
  }

  /**
   * Returns the supplier of the injected fault, or null for the default {@link
   * dev.reliability.core.error.ServiceUnavailableException}.
   *
   * @return the supplier, or null
   */
  public Supplier<? extends Throwable> fault() {
    return fault;
  }

  /**
   * Returns the share of attempts delayed by {@link #latency()}.
   *
   * @return 0 by default
   */
  public double latencyRate() {
    return latencyRate;
  }

  /**
   * Returns the injected delay.
   *
   * @return 1 s by default
   */
  public Duration latency() {
    return latency;
  }

  /**
   * Returns the share of attempts that return the substitute result.
   *
   * @return 0 by default
   */
  public double resultRate() {
    return resultRate;
  }

  /**
   * Returns the supplier of the substitute result, or null if none is set.
   *
   * @return the supplier, or null
   */
  public Supplier<?> result() {
    return result;
  }

  /**
   * Returns the keys whose calls are touched; empty for every call.
   *
   * @return the keys, empty by default
   */
  public Set<String> keys() {
    return keys;
  }

  /**
   * Returns the request context attribute that gives a call's key when no key source is set.
   *
   * @return {@code tenant_id} by default
   */
  public String keyAttribute() {
    return keyAttribute;
  }

  /**
   * Returns the key source set in code, or null to read {@link #keyAttribute()} of the request
   * context.
   *
   * @return the key source, or null
   */
  public Supplier<String> keySource() {
    return keySource;
  }

  /**
   * Returns the source of the random numbers the injection rates are compared with.
   *
   * @return the random source; {@link ThreadLocalRandom} by default
   */
  public DoubleSupplier random() {
    return random;
  }

  ChaosConfig bind(ConfigBinder binder) {
    Builder b =
        toBuilder()
            .enabled(binder.get(ENABLED, enabled))
            .faultRate(binder.get(FAULT_RATE, faultRate))
            .latency(binder.get(LATENCY, latency), binder.get(LATENCY_RATE, latencyRate))
            .resultRate(binder.get(RESULT_RATE, resultRate))
            .keyAttribute(binder.get(KEY_ATTRIBUTE, keyAttribute));
    binder.find(KEYS).ifPresent(k -> b.keys(parseKeys(k)));
    return b.build();
  }

  /**
   * Splits a comma-separated list of keys, trimming each and dropping empty ones. Linear in the
   * text's length.
   */
  static Set<String> parseKeys(String text) {
    Set<String> keys = new LinkedHashSet<>();
    int start = 0;
    int n = text.length();
    for (int i = 0; i <= n; i++) {
      if (i == n || text.charAt(i) == ',') {
        String key = text.substring(start, i).trim();
        if (!key.isEmpty()) {
          keys.add(key);
        }
        start = i + 1;
      }
    }
    return keys;
  }

  private static boolean isRate(double rate) {
    return rate >= 0.0 && rate <= 1.0;
  }

  private static boolean isAttributeName(String name) {
    int n = name.length();
    if (n == 0 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChaosConfig c
        && c.enabled == enabled
        && c.faultRate == faultRate
        && c.fault == fault
        && c.latencyRate == latencyRate
        && c.latency.equals(latency)
        && c.resultRate == resultRate
        && c.result == result
        && c.keys.equals(keys)
        && c.keyAttribute.equals(keyAttribute)
        && c.keySource == keySource
        && c.random == random;
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, faultRate, latencyRate, latency, resultRate, keys, keyAttribute);
  }

  @Override
  public String toString() {
    return "ChaosConfig[enabled="
        + enabled
        + ", faultRate="
        + faultRate
        + ", latencyRate="
        + latencyRate
        + ", latency="
        + DurationText.format(latency)
        + ", resultRate="
        + resultRate
        + ", keys="
        + keys
        + "]";
  }

  /** Builds a {@link ChaosConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private boolean enabled;
    private double faultRate;
    private Supplier<? extends Throwable> fault;
    private double latencyRate;
    private Duration latency = Duration.ofSeconds(1);
    private double resultRate;
    private Supplier<?> result;
    private Set<String> keys = Set.of();
    private String keyAttribute = RequestContext.TENANT_ID_KEY;
    private Supplier<String> keySource;
    private DoubleSupplier random = THREAD_LOCAL_RANDOM;

    private Builder() {}

    private Builder(ChaosConfig c) {
      this.enabled = c.enabled;
      this.faultRate = c.faultRate;
      this.fault = c.fault;
      this.latencyRate = c.latencyRate;
      this.latency = c.latency;
      this.resultRate = c.resultRate;
      this.result = c.result;
      this.keys = c.keys;
      this.keyAttribute = c.keyAttribute;
      this.keySource = c.keySource;
      this.random = c.random;
    }

    /**
     * Sets whether injection is on when the policy is built. Default false: the strategies wait for
     * {@link ChaosSwitch#enable()}.
     *
     * @param enabled true to inject from the start
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets the share of attempts that fail with the injected fault. Default 0.
     *
     * @param rate from 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder faultRate(double rate) {
      this.faultRate = FAULT_RATE.check(rate);
      return this;
    }

    /**
     * Sets the injected fault. Default: a {@link
     * dev.reliability.core.error.ServiceUnavailableException} naming the policy, whose message
     * starts with {@value ChaosConfig#FAULT_MESSAGE_PREFIX}. Supply an exception of the hierarchy
     * (or any other the call could throw); a new one per call keeps stack traces apart. A supplier
     * that returns null or throws gives the default fault.
     *
     * @param fault supplies the exception
     * @param rate the share of attempts that fail with it, from 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if the rate is out of range
     */
    public Builder fault(Supplier<? extends Throwable> fault, double rate) {
      this.fault = Checks.notNull("fault", fault);
      return faultRate(rate);
    }

    /**
     * Sets the injected delay and the share of attempts it delays. Default 1 s at rate 0.
     *
     * @param latency from 0 to one day
     * @param rate from 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder latency(Duration latency, double rate) {
      this.latency = LATENCY.check(latency);
      this.latencyRate = LATENCY_RATE.check(rate);
      return this;
    }

    /**
     * Sets the substitute result and the share of attempts that return it instead of running the
     * call. The value must fit the calls of the policy (a policy's calls of another type would see
     * a {@link ClassCastException}).
     *
     * @param result supplies the value
     * @param rate from 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if the rate is out of range
     */
    public Builder result(Supplier<?> result, double rate) {
      this.result = Checks.notNull("result", result);
      return resultRate(rate);
    }

    /**
     * Sets the share of attempts that return the substitute result. Default 0.
     *
     * @param rate from 0 to 1; above 0 only with {@link #result(Supplier, double)}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder resultRate(double rate) {
      this.resultRate = RESULT_RATE.check(rate);
      return this;
    }

    /**
     * Restricts injection to calls whose key is one of these (tenants, routes). Default empty:
     * every call.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder keys(Set<String> keys) {
      this.keys = Set.copyOf(Checks.notNull("keys", keys));
      return this;
    }

    /**
     * Sets the request context attribute that gives a call's key, when no key source is set.
     * Default {@code tenant_id}.
     *
     * @param attribute 1 to 64 of a-z, 0-9, '_', '-' and '.'
     * @return this builder
     * @throws IllegalArgumentException if not such a name
     */
    public Builder keyAttribute(String attribute) {
      this.keyAttribute = KEY_ATTRIBUTE.check(attribute);
      return this;
    }

    /**
     * Sets how a call's key is found, read once per call on the caller's thread (for example the
     * route of the request being served). Default: the request context's {@link #keyAttribute}.
     * Null or a supplier that throws means no key: the call is untouched while keys are set.
     *
     * @param keySource names the current call's key
     * @return this builder
     */
    public Builder keySource(Supplier<String> keySource) {
      this.keySource = Checks.notNull("keySource", keySource);
      return this;
    }

    /**
     * Sets the source of random numbers in [0, 1) that the rates are compared with; an attempt is
     * touched when the number is below the rate. Default {@link ThreadLocalRandom}. For tests: a
     * fixed sequence makes injection deterministic.
     *
     * @param random the random source; must be thread-safe
     * @return this builder
     */
    public Builder random(DoubleSupplier random) {
      this.random = Checks.notNull("random", random);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration
     * @throws IllegalArgumentException if the result rate is above 0 without a result supplier
     */
    public ChaosConfig build() {
      if (resultRate > 0 && result == null) {
        throw new IllegalArgumentException(
            "result-rate must be 0 when no result supplier is set, was " + resultRate);
      }
      return new ChaosConfig(this);
    }
  }
}
