package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;

/**
 * Business meters under one common name prefix, set once: outcome counters, cost counters and keyed
 * (per tenant) counters named {@code <prefix>.<name>}.
 *
 * <pre>{@code
 * BusinessMetrics business = BusinessMetrics.of(registry, "shop");
 * OutcomeCounter orders = business.outcomes("orders");     // shop_orders_total{outcome,error_code}
 * CostCounter llm = business.cost("llm");                   // shop_llm_cost_total{provider,unit}
 * KeyedCounter perTenant = business.keyed("requests", "tenant", 100);
 * }</pre>
 *
 * <p>Immutable and thread-safe; every call registers (idempotently, per Micrometer) new meters.
 */
public final class BusinessMetrics {

  /** The prefix used when none is configured. */
  public static final String DEFAULT_PREFIX = "app";

  static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private final MeterRegistry registry;
  private final String prefix;

  private BusinessMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
  }

  /**
   * Creates the factory.
   *
   * @param registry where meters are registered
   * @param prefix the common prefix, lower-case words joined by dots, such as {@code shop}
   * @return the factory
   * @throws IllegalArgumentException if the prefix has another form
   */
  public static BusinessMetrics of(MeterRegistry registry, String prefix) {
    Checks.notNull("registry", registry);
    Checks.notNull("prefix", prefix);
    Checks.check(
        PREFIX.matcher(prefix).matches(),
        "prefix",
        "lower-case words joined by '.'",
        "\"" + prefix + "\"");
    return new BusinessMetrics(registry, prefix);
  }

  /**
   * Returns the prefixed name.
   *
   * @param name the name after the prefix, such as {@code orders}
   * @return the full meter name, such as {@code shop.orders}
   */
  public String name(String name) {
    return prefix + "." + Checks.notBlank("name", name);
  }

  /**
   * Returns the prefix.
   *
   * @return the prefix
   */
  public String prefix() {
    return prefix;
  }

  /**
   * Creates an outcome counter {@code <prefix>.<name>}.
   *
   * @param name the name after the prefix
   * @return the counter
   */
  public OutcomeCounter outcomes(String name) {
    return OutcomeCounter.builder(name(name)).register(registry);
  }

  /**
   * Creates a cost counter {@code <prefix>.<name>.cost}.
   *
   * @param name the name after the prefix, such as {@code api}
   * @return the counter
   */
  public CostCounter cost(String name) {
    return CostCounter.builder(name(name)).register(registry);
  }

  /**
   * Creates a keyed counter {@code <prefix>.<name>} with a capped key tag.
   *
   * @param name the name after the prefix
   * @param tagKey the key tag, such as {@code tenant}
   * @param maxKeys the cap on distinct keys, 1 to 100,000
   * @return the counter
   */
  public KeyedCounter keyed(String name, String tagKey, int maxKeys) {
    return KeyedCounter.builder(name(name), tagKey).maxKeys(maxKeys).register(registry);
  }

  /**
   * Returns the registry.
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }
}
