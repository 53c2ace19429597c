package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.Setting;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The bounds of a {@link KeyedPolicy}: how many keys it holds at most, how long an unused key's
 * policy lives, how many keys get their own metric tag, and which keys are accepted.
 *
 * <p>Keys come from outside (a host name, a tenant, an API key), so they are checked before use: 1
 * to {@link #maxKeyLength()} characters and no control character ({@link #checkKey(String)}). A key
 * beyond the length is refused after one comparison, whatever its size, and the error shows at most
 * its start.
 *
 * <pre>{@code
 * KeyedPolicyConfig perHost = KeyedPolicyConfig.builder()
 *     .maxKeys(500)
 *     .idleTimeout(Duration.ofMinutes(5))
 *     .build();
 * }</pre>
 *
 * <p>Configuration keys: prefix {@value #CONFIG_PREFIX}, optionally the keyed policy's name, then
 * the setting ({@code reliability.keyed.per-host.max-keys}); see {@link #SETTINGS}. Immutable and
 * thread-safe.
 */
public final class KeyedPolicyConfig {

  /** The prefix of this component's configuration keys. */
  public static final String CONFIG_PREFIX = "reliability.keyed";

  /** Settings may be set per keyed policy name as well as for every keyed policy. */
  public static final boolean CONFIG_PER_INSTANCE = true;

  /** The most policies held at once. */
  public static final Setting<Integer> MAX_KEYS =
      Setting.intSetting("max-keys")
          .defaultValue(1_000)
          .between(1, 1_000_000)
          .description(
              "Most keys whose policies are held at once; beyond it the least used are evicted (open"
                  + " breakers are parked, up to as many again)")
          .build();

  /** How long an unused key's policy is kept. */
  public static final Setting<Duration> IDLE_TIMEOUT =
      Setting.durationSetting("idle-timeout")
          .defaultValue(Duration.ofMinutes(10))
          .between(Duration.ofMillis(1), Duration.ofDays(30))
          .description("How long a key's policy is kept after its last use")
          .build();

  /** How many keys get their own metric tag value. */
  public static final Setting<Integer> MAX_TAGGED_KEYS =
      Setting.intSetting("max-tagged-keys")
          .defaultValue(100)
          .between(0, 10_000)
          .description(
              "Keys that get their own metric tag value; later keys are reported under _overflow")
          .build();

  /** The longest key accepted. */
  public static final Setting<Integer> MAX_KEY_LENGTH =
      Setting.intSetting("max-key-length")
          .defaultValue(128)
          .between(1, 4_096)
          .description("Longest key accepted, in characters; control characters are never accepted")
          .build();

  /** Every setting of this component, in reference order. */
  public static final List<Setting<?>> SETTINGS =
      List.of(MAX_KEYS, IDLE_TIMEOUT, MAX_TAGGED_KEYS, MAX_KEY_LENGTH);

  private static final KeyedPolicyConfig DEFAULTS = new Builder().build();

  private final int maxKeys;
  private final Duration idleTimeout;
  private final int maxTaggedKeys;
  private final int maxKeyLength;

  private KeyedPolicyConfig(Builder b) {
    this.maxKeys = b.maxKeys;
    this.idleTimeout = b.idleTimeout;
    this.maxTaggedKeys = b.maxTaggedKeys;
    this.maxKeyLength = b.maxKeyLength;
  }

  /**
   * Returns the defaults: 1,000 keys, 10 minutes of idle time, 100 tagged keys, keys of at most 128
   * characters.
   *
   * @return the default configuration
   */
  public static KeyedPolicyConfig ofDefaults() {
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
   * Returns a builder starting from this configuration; this configuration is unchanged.
   *
   * @return a new builder holding this configuration's values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns the most policies held at once.
   *
   * @return the maximum number of keys
   */
  public int maxKeys() {
    return maxKeys;
  }

  /**
   * Returns how long a key's policy is kept after its last use.
   *
   * @return the idle time-out
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Returns how many keys get their own metric tag value at the same time.
   *
   * @return the tag cap, 0 to report every key under the overflow value
   */
  public int maxTaggedKeys() {
    return maxTaggedKeys;
  }

  /**
   * Returns the longest key accepted, in characters.
   *
   * @return the maximum key length
   */
  public int maxKeyLength() {
    return maxKeyLength;
  }

  /**
   * Checks a key: 1 to {@link #maxKeyLength()} characters, none of them a control character ({@link
   * Character#isISOControl(char)}: line breaks, tabs, escapes, NUL). Runs in time linear in the
   * key's length up to the maximum, and constant beyond it.
   *
   * @param key the key
   * @return the key
   * @throws NullPointerException if the key is null
   * @throws IllegalArgumentException "key must be 1 to N characters without control characters, was
   *     ..." with at most the start of the key
   */
  public String checkKey(String key) {
    Checks.notNull("key", key);
    boolean ok = !key.isEmpty() && key.length() <= maxKeyLength;
    for (int i = 0; ok && i < key.length(); i++) {
      ok = !Character.isISOControl(key.charAt(i));
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "key must be 1 to "
              + maxKeyLength
              + " characters without control characters, was \""
              + visible(Checks.shortened(key))
              + "\"");
    }
    return key;
  }

  /** Shows control characters as escapes, so a rejected key cannot break a log line. */
  private static String visible(String shown) {
    StringBuilder sb = new StringBuilder(shown.length() + 16);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Applies configuration keys for one keyed policy on top of this configuration: for each setting,
   * the first of {@code reliability.keyed.<name>.<setting>}, {@code reliability.keyed.<setting>},
   * this configuration's value.
   *
   * @param source where the keys come from
   * @param name the keyed policy's name
   * @return a new configuration; this one is unchanged
   * @throws dev.reliability.core.config.ConfigurationException listing every invalid key
   */
  public KeyedPolicyConfig withOverrides(ConfigSource source, String name) {
    Checks.notNull("source", source);
    PolicyConfig.checkName(name);
    ConfigBinder binder = ConfigBinder.of(source, CONFIG_PREFIX).instance(name);
    KeyedPolicyConfig bound = bind(binder);
    binder.throwIfInvalid();
    return bound;
  }

  KeyedPolicyConfig bind(ConfigBinder binder) {
    return toBuilder()
        .maxKeys(binder.get(MAX_KEYS, maxKeys))
        .idleTimeout(binder.get(IDLE_TIMEOUT, idleTimeout))
        .maxTaggedKeys(binder.get(MAX_TAGGED_KEYS, maxTaggedKeys))
        .maxKeyLength(binder.get(MAX_KEY_LENGTH, maxKeyLength))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyedPolicyConfig c
        && c.maxKeys == maxKeys
        && c.idleTimeout.equals(idleTimeout)
        && c.maxTaggedKeys == maxTaggedKeys
        && c.maxKeyLength == maxKeyLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxKeys, idleTimeout, maxTaggedKeys, maxKeyLength);
  }

  @Override
  public String toString() {
    return "KeyedPolicyConfig[maxKeys="
        + maxKeys
        + ", idleTimeout="
        + DurationText.format(idleTimeout)
        + ", maxTaggedKeys="
        + maxTaggedKeys
        + ", maxKeyLength="
        + maxKeyLength
        + "]";
  }

  /** Builds a {@link KeyedPolicyConfig}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxKeys = 1_000;
    private Duration idleTimeout = Duration.ofMinutes(10);
    private int maxTaggedKeys = 100;
    private int maxKeyLength = 128;

    private Builder() {}

    private Builder(KeyedPolicyConfig c) {
      this.maxKeys = c.maxKeys;
      this.idleTimeout = c.idleTimeout;
      this.maxTaggedKeys = c.maxTaggedKeys;
      this.maxKeyLength = c.maxKeyLength;
    }

    /**
     * Sets the most policies held at once. Default 1,000.
     *
     * @param maxKeys 1 to 1,000,000 ({@link #MAX_KEYS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxKeys(int maxKeys) {
      this.maxKeys = MAX_KEYS.check(maxKeys);
      return this;
    }

    /**
     * Sets how long a key's policy is kept after its last use. Default 10 minutes.
     *
     * @param idleTimeout 1 ms to 30 days ({@link #IDLE_TIMEOUT})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = IDLE_TIMEOUT.check(idleTimeout);
      return this;
    }

    /**
     * Sets how many keys get their own metric tag value at the same time; the others are reported
     * under one overflow value and counted. Default 100.
     *
     * @param maxTaggedKeys 0 to 10,000 ({@link #MAX_TAGGED_KEYS})
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxTaggedKeys(int maxTaggedKeys) {
      this.maxTaggedKeys = MAX_TAGGED_KEYS.check(maxTaggedKeys);
      return this;
    }

    /**
     * Sets the longest key accepted. Default 128 characters.
     *
     * @param maxKeyLength 1 to 4,096 ({@link #MAX_KEY_LENGTH})
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
    public KeyedPolicyConfig build() {
      return new KeyedPolicyConfig(this);
    }
  }
}
