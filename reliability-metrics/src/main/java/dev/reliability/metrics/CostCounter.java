package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts money or quota spent on paid services (LLM tokens, API calls, storage), so cost shows up
 * next to traffic and errors.
 *
 * <p>Meter: {@code <name>.cost}, Prometheus {@code <name>_cost_total}, with tags {@code provider}
 * (the paid service, such as {@code gemini}) and {@code unit} (such as {@code usd} or {@code
 * tokens}); the common tag {@code service} names the service that spent it. Providers and units are
 * capped by {@link CardinalityGuard}s (100 and 20).
 *
 * <pre>{@code
 * CostCounter cost = CostCounter.builder("app.api").register(registry);
 * cost.add("gemini", "usd", 0.0042);
 * cost.add("gemini", "tokens", 1_250);
 * }</pre>
 *
 * <p>Thread-safe; recording a provider and unit seen before does not allocate.
 */
public final class CostCounter {

  private static final Logger log = LoggerFactory.getLogger(CostCounter.class);

  private final String name;
  private final MeterRegistry registry;
  private final CardinalityGuard providers;
  private final CardinalityGuard units;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> counters =
      new ConcurrentHashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();

  private CostCounter(String name, MeterRegistry registry) {
    this.name = name;
    this.registry = registry;
    this.providers = CardinalityGuard.builder(name, "provider").maxValues(100).build(registry);
    this.units = CardinalityGuard.builder(name, "unit").maxValues(20).build(registry);
  }

  /**
   * Starts a builder.
   *
   * @param prefix the name before {@code .cost}, such as {@code app.api}
   * @return a builder
   * @throws IllegalArgumentException if {@code prefix} is blank
   */
  public static Builder builder(String prefix) {
    return new Builder(Checks.notBlank("prefix", prefix));
  }

  /**
   * Adds a cost. A negative, NaN or infinite amount is not recorded (a cost counter never goes
   * down) and is logged once at WARN.
   *
   * @param provider the paid service
   * @param unit the unit of {@code amount}
   * @param amount the amount spent
   */
  public void add(String provider, String unit, double amount) {
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      if (warned.compareAndSet(false, true)) {
        log.warn(
            "{} ignores amount {} for {} in {}: it must be zero or positive",
            name,
            amount,
            provider,
            unit);
      }
      return;
    }
    counter(provider, unit).increment(amount);
  }

  /**
   * Returns the counter of one provider and unit.
   *
   * @param provider the paid service
   * @param unit the unit
   * @return the counter
   */
  public Counter counter(String provider, String unit) {
    String p = providers.admit(provider);
    String u = units.admit(unit);
    ConcurrentHashMap<String, Counter> byUnit = counters.get(p);
    if (byUnit == null) {
      byUnit = counters.computeIfAbsent(p, k -> new ConcurrentHashMap<>());
    }
    Counter c = byUnit.get(u);
    if (c == null) {
      c =
          byUnit.computeIfAbsent(
              u,
              k ->
                  Counter.builder(name)
                      .description("Cost spent on paid services, by provider and unit")
                      .tag("provider", p)
                      .tag("unit", k)
                      .register(registry));
    }
    return c;
  }

  /** Builds a {@link CostCounter}. Not thread-safe. */
  public static final class Builder {
    private final String name;

    private Builder(String prefix) {
      this.name = prefix + ".cost";
    }

    /**
     * Builds the counter.
     *
     * @param registry where series are registered
     * @return the cost counter
     */
    public CostCounter register(MeterRegistry registry) {
      Checks.notNull("registry", registry);
      return new CostCounter(name, registry);
    }
  }
}
