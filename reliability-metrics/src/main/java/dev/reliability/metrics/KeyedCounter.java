package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A counter with one caller-chosen key tag (tenant, API key, customer), capped by a {@link
 * CardinalityGuard}: the first {@code maxKeys} keys get their own series, later keys are counted
 * under {@link CardinalityGuard#OVERFLOW} and the overflow is counted in {@value
 * CardinalityGuard#OVERFLOW_METER}.
 *
 * <pre>{@code
 * KeyedCounter perTenant =
 *     KeyedCounter.builder("app.requests", "tenant").maxKeys(100).register(registry);
 * perTenant.increment("acme");
 * }</pre>
 *
 * <p>Thread-safe; {@link #increment(String)} does not allocate for a key seen before.
 */
public final class KeyedCounter {

  private final String name;
  private final String tagKey;
  private final String description;
  private final Tags tags;
  private final MeterRegistry registry;
  private final CardinalityGuard guard;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  private KeyedCounter(Builder b, MeterRegistry registry) {
    this.name = b.name;
    this.tagKey = b.tagKey;
    this.description = b.description;
    this.tags = b.tags;
    this.registry = registry;
    this.guard = CardinalityGuard.builder(name, tagKey).maxValues(b.maxKeys).build(registry);
  }

  /**
   * Starts a builder.
   *
   * @param name the meter name, lower-case dot-separated, such as {@code app.requests}
   * @param tagKey the key tag, such as {@code tenant}
   * @return a builder
   * @throws IllegalArgumentException if an argument is blank
   */
  public static Builder builder(String name, String tagKey) {
    return new Builder(Checks.notBlank("name", name), Checks.notBlank("tagKey", tagKey));
  }

  /**
   * Adds one for {@code key}.
   *
   * @param key the key; null counts as {@code none}
   */
  public void increment(String key) {
    increment(key, 1.0);
  }

  /**
   * Adds {@code amount} for {@code key}. Negative or non-finite amounts are ignored (a counter
   * never goes down).
   *
   * @param key the key; null counts as {@code none}
   * @param amount the amount to add
   */
  public void increment(String key, double amount) {
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      return;
    }
    counter(key).increment(amount);
  }

  /**
   * Returns the counter a key is recorded in (its own, or the overflow counter).
   *
   * @param key the key
   * @return the counter
   */
  public Counter counter(String key) {
    String k = guard.admit(key);
    Counter c = counters.get(k);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              k,
              v ->
                  Counter.builder(name)
                      .description(description)
                      .tags(tags)
                      .tag(tagKey, v)
                      .register(registry));
    }
    return c;
  }

  /**
   * Returns the guard that caps the keys.
   *
   * @return the guard
   */
  public CardinalityGuard guard() {
    return guard;
  }

  /** Builds a {@link KeyedCounter}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final String tagKey;
    private String description = "Events by key";
    private Tags tags = Tags.empty();
    private int maxKeys = CardinalityGuard.DEFAULT_MAX_VALUES;

    private Builder(String name, String tagKey) {
      this.name = name;
      this.tagKey = tagKey;
    }

    /**
     * Sets the cap on distinct keys. Default 100.
     *
     * @param maxKeys 1 to 100,000
     * @return this builder
     */
    public Builder maxKeys(int maxKeys) {
      this.maxKeys = Checks.inRange("maxKeys", maxKeys, 1, 100_000);
      return this;
    }

    /**
     * Sets the description (Prometheus HELP). Default "Events by key".
     *
     * @param description the description
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Checks.notBlank("description", description);
      return this;
    }

    /**
     * Adds a fixed tag to every series.
     *
     * @param key the tag key
     * @param value the tag value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      this.tags = tags.and(Checks.notBlank("key", key), Checks.notNull("value", value));
      return this;
    }

    /**
     * Builds the counter.
     *
     * @param registry where series are registered
     * @return the keyed counter
     */
    public KeyedCounter register(MeterRegistry registry) {
      Checks.notNull("registry", registry);
      return new KeyedCounter(this, registry);
    }
  }
}
