package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.ConfigChanges;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named policies built from templates and configuration, created on first use.
 *
 * <p>A template is a {@link PolicyConfig} ("every external HTTP client gets this base"); the
 * registry has a default template ({@link PolicyConfig#ofDefaults()} unless set) and any number of
 * named ones. {@link #policy(String, String)} builds a policy from a template, applies the
 * configuration keys for its name from the registry's {@link ConfigSource} (system properties and
 * environment variables by default), and keeps it: later calls with the same name return the same
 * policy, whatever template they name.
 *
 * <pre>{@code
 * PolicyRegistry registry = PolicyRegistry.builder()
 *     .template("http", PolicyConfig.builder()
 *         .circuitBreaker(CircuitBreakerConfig.ofDefaults())
 *         .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
 *         .build())
 *     .build();
 * Policy payments = registry.policy("payments", "http");
 * // RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD=10 changes its threshold
 * }</pre>
 *
 * <p>A running policy's configuration can be replaced without a restart: {@link #reconfigure} from
 * code, {@link #reload} with a new configuration source (all policies checked first, all or
 * nothing), or a {@link ConfigReloader} that follows a file. The policy object stays the same and
 * keeps its breaker state and counts; see the live-reconfiguration guide. {@linkplain #keyed Keyed
 * policies} follow too: their template, and with it every key's policy.
 *
 * <p>{@link Listener}s hear about added, removed and reconfigured policies, so a metrics binder can
 * follow the registry. Every policy shares the registry's listener, scheduler, executor and context
 * factory.
 *
 * <p>Thread-safe. Closing the registry closes every policy.
 */
public final class PolicyRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyRegistry.class);

  /** Hears about policies added to and removed from a registry. Callbacks must not block. */
  public interface Listener {

    /**
     * A policy was created.
     *
     * @param policy the policy
     */
    default void onAdded(Policy policy) {}

    /**
     * A policy was removed and closed.
     *
     * @param policy the policy
     */
    default void onRemoved(Policy policy) {}

    /**
     * A keyed policy was created; follow its keys with {@link KeyedPolicy#addListener}.
     *
     * @param keyed the keyed policy
     */
    default void onKeyedAdded(KeyedPolicy keyed) {}

    /**
     * A running policy's configuration was replaced, by {@link PolicyRegistry#reconfigure} or
     * {@link PolicyRegistry#reload}: the same policy object now runs new calls with {@code after}.
     * Views such as {@link Policy#circuitBreaker()} may return new objects (with the counts carried
     * over), so a binder that holds views binds them again.
     *
     * @param policy the policy
     * @param before the configuration it replaced
     * @param after the configuration now in effect
     */
    default void onReconfigured(Policy policy, PolicyConfig before, PolicyConfig after) {}

    /**
     * A keyed policy's template was replaced, by {@link PolicyRegistry#reconfigure} or {@link
     * PolicyRegistry#reload}: every key's policy, live and parked, now runs new calls with {@code
     * after}, and new keys are built from it. Called once per keyed policy, not once per key; the
     * keys' policies keep their objects, but their views (such as {@link Policy#circuitBreaker()})
     * may be new.
     *
     * @param keyed the keyed policy
     * @param before the template it replaced
     * @param after the template now in effect
     */
    default void onKeyedReconfigured(KeyedPolicy keyed, PolicyConfig before, PolicyConfig after) {}
  }

  /** Where configuration keys come from; replaced by {@link #reload} once every policy passed. */
  private volatile ConfigSource source;

  /** Each policy's configuration before configuration keys: its template, or the code's config. */
  private final ConcurrentHashMap<String, PolicyConfig> bases = new ConcurrentHashMap<>();

  /** Serialises creation, reconfiguration and reload, so none works from a stale source. */
  private final ReentrantLock changes = new ReentrantLock();

  private final PolicyConfig defaultTemplate;
  private final Map<String, PolicyConfig> templates;
  private final PolicyListener listener;
  private final PolicyScheduler scheduler;
  private final Executor executor;
  private final ContextSnapshotFactory contexts;
  private final io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry circuitBreakers;
  private final io.github.resilience4j.bulkhead.BulkheadRegistry bulkheads;
  private final io.github.resilience4j.ratelimiter.RateLimiterRegistry rateLimiters;
  private final io.github.resilience4j.retry.RetryRegistry retries;
  private final Map<String, RetryBudget> retryBudgets;
  private final ConcurrentHashMap<String, Policy> policies = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private PolicyRegistry(Builder b) {
    this.source = b.source;
    this.defaultTemplate = b.defaultTemplate;
    this.templates = Map.copyOf(b.templates);
    this.listener = b.listener;
    this.scheduler = b.scheduler;
    this.executor = b.executor;
    this.contexts = b.contexts;
    this.circuitBreakers = b.circuitBreakers;
    this.bulkheads = b.bulkheads;
    this.rateLimiters = b.rateLimiters;
    this.retries = b.retries;
    Map<String, RetryBudget> budgets = new LinkedHashMap<>();
    b.retryBudgets.forEach(
        (group, budget) ->
            budgets.put(
                group, budget.isShared() ? budget : budget.shared(group, scheduler.timeSource())));
    this.retryBudgets = Map.copyOf(budgets);
  }

  /**
   * Returns a registry with the defaults: {@link ConfigSource#standard()}, the default template
   * {@link PolicyConfig#ofDefaults()}, no named templates.
   *
   * @return a new registry
   */
  public static PolicyRegistry ofDefaults() {
    return builder().build();
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the policy of this name, creating it from the default template if needed.
   *
   * @param name the policy's name
   * @return the policy
   * @throws dev.reliability.core.config.ConfigurationException if the configuration keys for the
   *     name are invalid
   * @throws IllegalArgumentException if the name is not a valid policy name
   */
  public Policy policy(String name) {
    return policy(name, null);
  }

  /**
   * Returns the policy of this name, creating it from a named template if needed.
   *
   * @param name the policy's name
   * @param template the template's name, or null for the default template
   * @return the policy
   * @throws IllegalArgumentException if the template does not exist or the name is invalid
   * @throws dev.reliability.core.config.ConfigurationException if the configuration keys for the
   *     name are invalid
   */
  public Policy policy(String name, String template) {
    PolicyConfig.checkName(name);
    Policy existing = policies.get(name);
    if (existing != null) {
      return existing;
    }
    PolicyConfig base = template == null ? defaultTemplate : templates.get(template);
    Checks.check(base != null, "template", "one of " + templates.keySet(), "\"" + template + "\"");
    changes.lock();
    try {
      return create(name, base);
    } finally {
      changes.unlock();
    }
  }

  private Policy create(String name, PolicyConfig base) {
    Policy existing = policies.get(name);
    if (existing != null) {
      return existing;
    }
    if (closed) {
      throw new IllegalStateException("the policy registry is closed");
    }
    Policy.Builder builder =
        Policy.builder(name)
            .config(base)
            .configSource(source)
            .listener(listener)
            .scheduler(scheduler)
            .contextsIfSet(contexts)
            .executorIfSet(executor)
            .retryBudgets(retryBudgets);
    if (bulkheads != null) {
      builder.bulkhead(bulkheads.bulkhead(name));
    }
    if (rateLimiters != null) {
      builder.rateLimiter(rateLimiters.rateLimiter(name));
    }
    if (retries != null) {
      builder.retry(retries.retry(name));
    }
    if (circuitBreakers != null) {
      builder.circuitBreaker(circuitBreakers.circuitBreaker(name));
    }
    Policy created = builder.build();
    Policy raced = policies.putIfAbsent(name, created);
    if (raced != null) {
      created.close();
      return raced;
    }
    bases.put(name, base);
    for (Listener l : listeners) {
      try {
        l.onAdded(created);
      } catch (RuntimeException e) {
        LOG.warn("Policy registry listener {} failed in onAdded", l, e);
      }
    }
    return created;
  }

  /**
   * Replaces the configuration of a running policy: the same {@link Policy} object (name, listener,
   * metrics) runs every call that starts from now on with the new configuration, and calls already
   * running finish with the old one. The registry's configuration keys for the name apply on top,
   * as when the policy was created, and a later {@link #reload} starts from this configuration
   * instead of the template. What carries over (breaker state, counts, permits) is described in the
   * live-reconfiguration guide; the registry's listeners hear {@link Listener#onReconfigured}, and
   * the event {@code policy_reconfigured} is logged with the settings that changed.
   *
   * <pre>{@code
   * registry.reconfigure("payments", PolicyConfig.builder()
   *     .circuitBreaker(CircuitBreakerConfig.builder().failureRateThreshold(0.2).build())
   *     .build());
   * }</pre>
   *
   * <p>The name may also be a {@linkplain #keyed keyed policy}'s: {@code config} is then its new
   * template, and every key's policy, live or parked, is reconfigured with it as above, new keys
   * being built from it; the event is logged once for the keyed policy and the listeners hear
   * {@link Listener#onKeyedReconfigured}. (A plain policy and a keyed policy of the same name read
   * the same configuration keys; both are reconfigured.)
   *
   * @param name the policy's or keyed policy's name
   * @param config the new configuration
   * @return the configuration now in effect, configuration keys applied
   * @throws IllegalArgumentException if the registry has no policy or keyed policy of that name
   * @throws ConfigurationException if the configuration keys for the name are invalid with it;
   *     nothing is changed then
   */
  public PolicyConfig reconfigure(String name, PolicyConfig config) {
    Checks.notNull("name", name);
    Checks.notNull("config", config);
    changes.lock();
    try {
      Policy policy = policies.get(name);
      KeyedPolicy keyed = keyedPolicies.get(name);
      Checks.check(
          policy != null || keyed != null,
          "name",
          "the name of a policy of this registry",
          "\"" + name + "\"");
      PolicyConfig resolved =
          RetryConfig.withGroupBudget(config.withOverrides(source, name), retryBudgets);
      if (policy != null) {
        bases.put(name, config);
        apply(policy, resolved, true);
      }
      if (keyed != null) {
        keyedBases.put(name, config);
        applyKeyed(keyed, resolved, true);
      }
      return resolved;
    } finally {
      changes.unlock();
    }
  }

  /**
   * Replaces the registry's configuration source and applies it to every policy, all or nothing:
   * each policy's configuration is worked out again from its template (or the configuration last
   * given to {@link #reconfigure}) and the new source, and only when every policy's is valid are
   * they applied, each atomically as by {@link #reconfigure}, and the source kept for policies
   * created later. Policies whose configuration does not change are left alone. {@link
   * ConfigReloader} calls this when a watched file changes.
   *
   * <p>Keyed policies take part: each one's template (as given to {@link #keyed}, or last to {@link
   * #reconfigure}) with the new source's keys for its name is checked in the same pass, and applied
   * after the plain policies when it changed, to every key's policy, live and parked (see {@link
   * #reconfigure}). Their bounds ({@code reliability.keyed.<name>.*}) stay as they were built.
   *
   * @param source the new source
   * @return the names of the policies and keyed policies whose configuration changed
   * @throws ConfigurationException listing every invalid setting of every policy; nothing is
   *     changed then
   */
  public Set<String> reload(ConfigSource source) {
    Checks.notNull("source", source);
    changes.lock();
    try {
      Map<Policy, PolicyConfig> next = new LinkedHashMap<>();
      Set<ConfigProblem> problems = new LinkedHashSet<>();
      List<String> otherFailures = new ArrayList<>();
      for (Policy policy : policies.values()) {
        PolicyConfig resolved =
            resolve(policy.name(), bases.get(policy.name()), source, problems, otherFailures);
        if (resolved != null) {
          next.put(policy, resolved);
        }
      }
      // Keyed policies: their templates are checked in the same all-or-nothing pass.
      Map<KeyedPolicy, PolicyConfig> nextKeyed = new LinkedHashMap<>();
      for (KeyedPolicy keyed : keyedPolicies.values()) {
        PolicyConfig resolved =
            resolve(keyed.name(), keyedBases.get(keyed.name()), source, problems, otherFailures);
        if (resolved != null) {
          nextKeyed.put(keyed, resolved);
        }
      }
      if (!problems.isEmpty() || !otherFailures.isEmpty()) {
        for (String failure : otherFailures) {
          problems.add(new ConfigProblem("policy", null, "configuration source", failure));
        }
        throw new ConfigurationException(List.copyOf(problems));
      }
      this.source = source;
      Set<String> changed = new java.util.TreeSet<>();
      for (Map.Entry<Policy, PolicyConfig> e : next.entrySet()) {
        if (apply(e.getKey(), e.getValue(), false)) {
          changed.add(e.getKey().name());
        }
      }
      for (Map.Entry<KeyedPolicy, PolicyConfig> e : nextKeyed.entrySet()) {
        if (applyKeyed(e.getKey(), e.getValue(), false)) {
          changed.add(e.getKey().name());
        }
      }
      return changed;
    } finally {
      changes.unlock();
    }
  }

  /**
   * Works out one name's configuration from its base and a source, or collects why it cannot be:
   * the source's problems, or another failure such as a budget group the registry does not know.
   *
   * @return the configuration, or null when something was collected
   */
  private PolicyConfig resolve(
      String name,
      PolicyConfig base,
      ConfigSource source,
      Set<ConfigProblem> problems,
      List<String> otherFailures) {
    try {
      return RetryConfig.withGroupBudget(base.withOverrides(source, name), retryBudgets);
    } catch (ConfigurationException e) {
      if (e.problems().isEmpty()) {
        otherFailures.add(e.getMessage());
      } else {
        problems.addAll(e.problems());
      }
    } catch (IllegalArgumentException e) {
      // A budget group the registry does not know.
      otherFailures.add(e.getMessage());
    }
    return null;
  }

  /**
   * Swaps a policy's configuration, if it differs or {@code always}; logs and tells the listeners.
   * A source can change only settings, which the configurations' descriptions show; code can also
   * change rules (predicates), so a configuration from code is always applied.
   */
  private boolean apply(Policy policy, PolicyConfig resolved, boolean always) {
    List<String> changed = ConfigChanges.between(policy.config(), resolved);
    if (!always && changed.isEmpty()) {
      return false;
    }
    PolicyConfig before = policy.reconfigure(resolved);
    PolicyConfig after = policy.config();
    ConfigChanges.log(policy.name(), changed);
    for (Listener l : listeners) {
      try {
        l.onReconfigured(policy, before, after);
      } catch (Throwable e) {
        // Even an Error: the policy is already swapped, and the other listeners and policies of a
        // reload must still hear of theirs.
        LOG.warn("Policy registry listener {} failed in onReconfigured", l, e);
      }
    }
    return true;
  }

  /**
   * Swaps a keyed policy's template (and so every key's policy), if it differs or {@code always};
   * logs one event for the keyed policy and tells the listeners once.
   */
  private boolean applyKeyed(KeyedPolicy keyed, PolicyConfig resolved, boolean always) {
    List<String> changed = ConfigChanges.between(keyed.template(), resolved);
    if (!always && changed.isEmpty()) {
      return false;
    }
    PolicyConfig before = keyed.reconfigure(resolved);
    ConfigChanges.log(keyed.name(), changed);
    for (Listener l : listeners) {
      try {
        l.onKeyedReconfigured(keyed, before, resolved);
      } catch (Throwable e) {
        // As in apply: the keyed policy is already swapped, the others must still hear of theirs.
        LOG.warn("Policy registry listener {} failed in onKeyedReconfigured", l, e);
      }
    }
    return true;
  }

  /**
   * Returns the policy of this name if it was created.
   *
   * @param name the name
   * @return the policy, or empty
   */
  public Optional<Policy> find(String name) {
    return Optional.ofNullable(policies.get(Checks.notNull("name", name)));
  }

  /**
   * Returns the policies created so far.
   *
   * @return a snapshot of the policies
   */
  public List<Policy> policies() {
    return List.copyOf(policies.values());
  }

  /**
   * Returns the names of the named templates.
   *
   * @return the template names
   */
  public Set<String> templates() {
    return templates.keySet();
  }

  /**
   * Removes and closes a policy; the next {@link #policy(String)} call creates a new one.
   *
   * @param name the name
   * @return whether a policy was removed
   */
  public boolean remove(String name) {
    Checks.notNull("name", name);
    Policy removed;
    changes.lock();
    try {
      removed = policies.remove(name);
      bases.remove(name);
    } finally {
      changes.unlock();
    }
    if (removed == null) {
      return false;
    }
    removed.close();
    for (Listener l : listeners) {
      try {
        l.onRemoved(removed);
      } catch (RuntimeException e) {
        LOG.warn("Policy registry listener {} failed in onRemoved", l, e);
      }
    }
    return true;
  }

  /**
   * Adds a listener; it is told about policies created from now on (use {@link #policies()} for the
   * existing ones).
   *
   * @param listener the listener
   */
  public void addListener(Listener listener) {
    listeners.add(Checks.notNull("listener", listener));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** Closes every policy. Creating a policy afterwards throws {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
    closeKeyed();
    for (String name : new ArrayList<>(policies.keySet())) {
      remove(name);
    }
  }

  // ---- keyed policies: one policy per key (host, tenant), see KeyedPolicy

  private final ConcurrentHashMap<String, KeyedPolicy> keyedPolicies = new ConcurrentHashMap<>();

  /** Each keyed policy's template before configuration keys, as {@link #bases} for policies. */
  private final ConcurrentHashMap<String, PolicyConfig> keyedBases = new ConcurrentHashMap<>();

  /**
   * Returns the keyed policy of this name, creating it if needed from a template with the default
   * bounds ({@link KeyedPolicyConfig#ofDefaults()}), both overridden by the registry's
   * configuration source ({@code reliability.keyed.<name>.*} and the components' keys for the
   * name). Later calls with the same name return the same keyed policy. It shares the registry's
   * listener, scheduler, executor and context factory, and is closed with the registry.
   *
   * <pre>{@code
   * KeyedPolicy perHost = registry.keyed("downstream", "http");
   * perHost.execute("api.example.com", () -> "response");
   * }</pre>
   *
   * @param name the keyed policy's name (the name of every key's policy)
   * @param template the template's name, or null for the default template
   * @return the keyed policy
   * @throws IllegalArgumentException if the template does not exist or the name is invalid
   * @throws dev.reliability.core.config.ConfigurationException if the configuration keys for the
   *     name are invalid
   */
  public KeyedPolicy keyed(String name, String template) {
    return keyed(name, template, KeyedPolicyConfig.ofDefaults());
  }

  /**
   * Returns the keyed policy of this name, creating it if needed from a template and bounds, both
   * overridden by the registry's configuration source. Later calls with the same name return the
   * same keyed policy, whatever template and bounds they give.
   *
   * @param name the keyed policy's name (the name of every key's policy)
   * @param template the template's name, or null for the default template
   * @param config the bounds before configuration keys apply
   * @return the keyed policy
   * @throws IllegalArgumentException if the template does not exist or the name is invalid
   * @throws dev.reliability.core.config.ConfigurationException if the configuration keys for the
   *     name are invalid
   */
  public KeyedPolicy keyed(String name, String template, KeyedPolicyConfig config) {
    return keyed(name, template, config, null);
  }

  /**
   * Returns the keyed policy of this name, as {@link #keyed(String, String, KeyedPolicyConfig)},
   * whose keys' policies get their own components from a customizer ({@link
   * KeyedPolicy.Builder#perKey}), such as a fleet-wide limit per tenant. Reloads and {@link
   * #reconfigure} keep each key's external components and apply the customizer's settings on top of
   * the new template. Later calls with the same name return the same keyed policy, whatever they
   * give.
   *
   * <pre>{@code
   * KeyedPolicy perTenant = registry.keyed("partner", null, KeyedPolicyConfig.ofDefaults(),
   *     (tenant, b) -> b.rateLimiter(fleetLimiter.forKey(tenant)));
   * }</pre>
   *
   * @param name the keyed policy's name (the name of every key's policy)
   * @param template the template's name, or null for the default template
   * @param config the bounds before configuration keys apply
   * @param perKey called with each key and its policy's builder, or null for none
   * @return the keyed policy
   * @throws IllegalArgumentException if the template does not exist or the name is invalid
   * @throws dev.reliability.core.config.ConfigurationException if the configuration keys for the
   *     name are invalid
   */
  public KeyedPolicy keyed(
      String name,
      String template,
      KeyedPolicyConfig config,
      java.util.function.BiConsumer<String, Policy.Builder> perKey) {
    PolicyConfig.checkName(name);
    Checks.notNull("config", config);
    KeyedPolicy existing = keyedPolicies.get(name);
    if (existing != null) {
      return existing;
    }
    if (closed) {
      throw new IllegalStateException("the policy registry is closed");
    }
    PolicyConfig base = template == null ? defaultTemplate : templates.get(template);
    Checks.check(base != null, "template", "one of " + templates.keySet(), "\"" + template + "\"");
    // Under the lock of reloads, so that a keyed policy is built from the source in effect and a
    // reload sees it with its base.
    changes.lock();
    try {
      return createKeyed(name, base, config, perKey);
    } finally {
      changes.unlock();
    }
  }

  private KeyedPolicy createKeyed(
      String name,
      PolicyConfig base,
      KeyedPolicyConfig config,
      java.util.function.BiConsumer<String, Policy.Builder> perKey) {
    KeyedPolicy existing = keyedPolicies.get(name);
    if (existing != null) {
      return existing;
    }
    if (closed) {
      throw new IllegalStateException("the policy registry is closed");
    }
    KeyedPolicy.Builder builder =
        KeyedPolicy.builder(name)
            .template(base)
            .config(config)
            .configSource(source)
            .listener(listener)
            .scheduler(scheduler)
            .contextsIfSet(contexts)
            .executorIfSet(executor)
            .retryBudgets(retryBudgets);
    if (perKey != null) {
      builder.perKey(perKey);
    }
    KeyedPolicy created = builder.build();
    KeyedPolicy raced = keyedPolicies.putIfAbsent(name, created);
    if (raced != null) {
      created.close();
      return raced;
    }
    keyedBases.put(name, base);
    for (Listener l : listeners) {
      try {
        l.onKeyedAdded(created);
      } catch (RuntimeException e) {
        LOG.warn("Policy registry listener {} failed in onKeyedAdded", l, e);
      }
    }
    return created;
  }

  /**
   * Returns the keyed policies created so far.
   *
   * @return a snapshot of the keyed policies
   */
  public List<KeyedPolicy> keyedPolicies() {
    return List.copyOf(keyedPolicies.values());
  }

  private void closeKeyed() {
    for (String name : new ArrayList<>(keyedPolicies.keySet())) {
      KeyedPolicy k = keyedPolicies.remove(name);
      keyedBases.remove(name);
      if (k != null) {
        k.close();
      }
    }
  }

  /** Builds a {@link PolicyRegistry}. Not thread-safe. */
  public static final class Builder {
    private ConfigSource source = ConfigSource.standard();
    private PolicyConfig defaultTemplate = PolicyConfig.ofDefaults();
    private final Map<String, PolicyConfig> templates = new LinkedHashMap<>();
    private PolicyListener listener = PolicyListener.NONE;
    private PolicyScheduler scheduler = PolicyScheduler.system();
    private Executor executor;
    private ContextSnapshotFactory contexts;
    private io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry circuitBreakers;
    private io.github.resilience4j.bulkhead.BulkheadRegistry bulkheads;
    private io.github.resilience4j.ratelimiter.RateLimiterRegistry rateLimiters;
    private io.github.resilience4j.retry.RetryRegistry retries;
    private final Map<String, RetryBudget> retryBudgets = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Takes every policy's bulkhead from a Resilience4j registry: the policy named N uses the
     * registry's bulkhead N (made by the registry's default config if it has none yet), in place of
     * the template's. See {@link
     * Policy.Builder#bulkhead(io.github.resilience4j.bulkhead.Bulkhead)}. Default none.
     *
     * @param registry the Resilience4j bulkhead registry
     * @return this builder
     */
    public Builder bulkheadRegistry(io.github.resilience4j.bulkhead.BulkheadRegistry registry) {
      this.bulkheads = Checks.notNull("registry", registry);
      return this;
    }

    /**
     * Takes every policy's rate limiter from a Resilience4j registry: the policy named N uses the
     * registry's rate limiter N (made by the registry's default config if it has none yet), in
     * place of the template's. See {@link
     * Policy.Builder#rateLimiter(io.github.resilience4j.ratelimiter.RateLimiter)}. Default none.
     *
     * @param registry the Resilience4j rate limiter registry
     * @return this builder
     */
    public Builder rateLimiterRegistry(
        io.github.resilience4j.ratelimiter.RateLimiterRegistry registry) {
      this.rateLimiters = Checks.notNull("registry", registry);
      return this;
    }

    /**
     * Takes every policy's retry from a Resilience4j registry: the policy named N uses the
     * registry's retry N (made by the registry's default config if it has none yet), in place of
     * the template's. See {@link Policy.Builder#retry(io.github.resilience4j.retry.Retry)}. Default
     * none.
     *
     * @param registry the Resilience4j retry registry
     * @return this builder
     */
    public Builder retryRegistry(io.github.resilience4j.retry.RetryRegistry registry) {
      this.retries = Checks.notNull("registry", registry);
      return this;
    }

    /**
     * Takes each policy's circuit breaker from a Resilience4j registry the caller already runs: the
     * policy named N gets the registry's breaker N (created by the registry if it has none), in
     * place of any breaker in the template, as {@link
     * Policy.Builder#circuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker)} puts it.
     * Default none: the templates' own breakers.
     *
     * @param registry the Resilience4j circuit breaker registry
     * @return this builder
     */
    public Builder circuitBreakerRegistry(
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry) {
      this.circuitBreakers = Checks.notNull("registry", registry);
      return this;
    }

    /**
     * Sets where configuration keys come from. Default {@link ConfigSource#standard()}.
     *
     * @param source the source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.source = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets the template of policies created without a template name. Default {@link
     * PolicyConfig#ofDefaults()}.
     *
     * @param template the template
     * @return this builder
     */
    public Builder defaultTemplate(PolicyConfig template) {
      this.defaultTemplate = Checks.notNull("template", template);
      return this;
    }

    /**
     * Adds a named template.
     *
     * @param name the template's name
     * @param template the template
     * @return this builder
     */
    public Builder template(String name, PolicyConfig template) {
      templates.put(Checks.notBlank("name", name), Checks.notNull("template", template));
      return this;
    }

    /**
     * Registers a retry budget shared by every policy whose retry names {@code group} ({@link
     * RetryConfig.Builder#budgetGroup(String)}, or {@code reliability.retry.<name>.budget-group}
     * from the configuration source): all the policies of one downstream draw on one budget. A
     * per-policy budget is made shared here, on the registry's clock, under the group's name.
     *
     * <pre>{@code
     * PolicyRegistry registry = PolicyRegistry.builder()
     *     .retryBudget("payments-api", RetryBudget.tokenBucket(10, 0.1))
     *     .build();
     * // reliability.retry.charges.budget-group=payments-api
     * // reliability.retry.refunds.budget-group=payments-api
     * }</pre>
     *
     * @param group the group's name
     * @param budget the budget's rule and values, or a shared budget to use as it is
     * @return this builder
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder retryBudget(String group, RetryBudget budget) {
      retryBudgets.put(Checks.notBlank("group", group), Checks.notNull("budget", budget));
      return this;
    }

    /**
     * Sets the listener of every policy. Default {@link PolicyListener#NONE}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PolicyListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * Sets the scheduler of every policy. Default {@link PolicyScheduler#system()}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor of every policy; the caller owns it. Default: each policy's own default.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /**
     * Sets the context snapshot factory of every policy. Default: the global registry's.
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder contextSnapshotFactory(ContextSnapshotFactory factory) {
      this.contexts = Checks.notNull("factory", factory);
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return the registry
     */
    public PolicyRegistry build() {
      return new PolicyRegistry(this);
    }
  }
}
