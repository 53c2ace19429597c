package dev.reliability.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.InFlightCloser;
import dev.reliability.core.time.TimeSource;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Policy} per key (a downstream host, a tenant, an API key), each built on first use
 * from one template, with a bounded lifecycle: at most {@link KeyedPolicyConfig#maxKeys()} policies
 * are held, and a key's policy is evicted after {@link KeyedPolicyConfig#idleTimeout()} without
 * use. So one failing host opens its own breaker while the others keep flowing, and a stream of new
 * keys cannot grow memory without bound. Caffeine holds the policies (size-bounded with its
 * frequency-aware eviction, expiring after access, on this policy's clock).
 *
 * <pre>{@code
 * KeyedPolicy perHost = KeyedPolicy.builder("downstream")
 *     .template(PolicyConfig.builder()
 *         .circuitBreaker(CircuitBreakerConfig.ofDefaults())
 *         .build())
 *     .config(KeyedPolicyConfig.builder().maxKeys(500).build())
 *     .build();
 * String body = perHost.execute("api.example.com", () -> "response");
 * }</pre>
 *
 * <p><b>Names.</b> Every key's policy is named after the keyed policy ({@code downstream}): that
 * name is the one in exceptions, logs, listener callbacks and configuration keys ({@code
 * reliability.circuitbreaker.downstream.*} applies to every key). The key is kept beside it: {@link
 * Listener} callbacks and the metrics binder carry it as a {@code key} tag.
 *
 * <p><b>Keys</b> are outside input: {@link KeyedPolicyConfig#checkKey(String)} refuses an empty
 * key, one longer than {@link KeyedPolicyConfig#maxKeyLength()} (128 by default) or one with a
 * control character, with an {@link IllegalArgumentException} that shows at most its start.
 *
 * <p><b>Eviction and open breakers.</b> A policy whose breaker refuses calls (open, half-open or
 * forced open) is not dropped when it is evicted: it moves to a side table, with its state and
 * counts, and comes back as it is when its key is used again. It stays there for the rest of its
 * wait in the open state plus the idle time-out (half-open: the idle time-out; forced open: until
 * the side table's bound pushes it out). So an evicted open breaker never closes early. The side
 * table holds at most {@code maxKeys} policies too, so memory is bounded by {@code 2 * maxKeys}
 * policies; beyond that the oldest parked policy is dropped, with a warning in the log.
 *
 * <p><b>Calls in flight.</b> {@link #execute(String, Supplier)} and the other call methods hold the
 * key's policy for the call: a policy evicted while a call runs is closed only when the last such
 * call ends, so the call finishes normally. {@link #policy(String)} returns the policy without
 * holding it; a policy kept by the caller may be evicted and closed at any time (calls through it
 * still run, but a time-limited call then needs an executor given to the builder).
 *
 * <p><b>Live reconfiguration.</b> A keyed policy of a {@link PolicyRegistry} follows {@link
 * PolicyRegistry#reload} and {@link PolicyRegistry#reconfigure}: its template is replaced, every
 * key's policy held (live or parked) is reconfigured in place with its state carried over, and new
 * keys are built from the new template, including a key being built during the swap. Its bounds
 * stay as built.
 *
 * <p><b>Housekeeping</b> (eviction, expiry, closing, listener calls) runs on the calling threads
 * during lookups: there is no background thread. {@link #cleanUp()} runs the pending work, for a
 * service that wants expired keys gone while no call comes.
 *
 * <p>Thread-safe: concurrent first uses of one key build exactly one policy. Close it when done
 * with it: every key's policy is closed.
 */
public final class KeyedPolicy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeyedPolicy.class);

  /**
   * Hears about the policies of a keyed policy: created for a key, and dropped (evicted or closed).
   * A policy parked with an open breaker is not dropped. Callbacks run on the thread that creates
   * or drops the policy, under the key's lock: they must be fast and must not use this keyed
   * policy. A callback that throws is logged and ignored.
   */
  public interface Listener {

    /**
     * A key's policy was created.
     *
     * @param key the key
     * @param policy its policy
     */
    default void onAdded(String key, Policy policy) {}

    /**
     * A key's policy was dropped and closed (or will be, when its calls in flight end).
     *
     * @param key the key
     * @param policy its policy
     */
    default void onRemoved(String key, Policy policy) {}
  }

  /** A key's policy and its calls in flight. */
  private static final class Entry {
    final String key;
    final Policy policy;
    final InFlightCloser closer;

    /** The template generation the policy runs; written only under {@link #swapping}. */
    volatile Generation generation;

    Entry(String key, Policy policy, boolean entered, Generation generation) {
      this.key = key;
      this.policy = policy;
      this.closer = new InFlightCloser(policy::close, entered);
      this.generation = generation;
    }
  }

  /** A template and its number: each {@link #reconfigure} publishes a new one. */
  private record Generation(long number, PolicyConfig template) {}

  private final String name;
  private final KeyedPolicyConfig config;

  /**
   * The template in effect, with its generation number. New keys are built from it; {@link
   * #reconfigure} replaces it.
   *
   * <p>Invariant: every entry whose {@code generation} differs from this one is brought to it
   * before a call runs through it ({@link #acquire} checks after the lookup) and by {@link
   * #reconfigure}, which writes this field and then visits every live and parked entry. An entry
   * being built while the field is written is either visible to that visit or checked by its loader
   * after it was inserted: the loader's insert precedes its read of this field, and the swap's
   * write precedes its read of the maps, so both cannot miss the other (all are volatile accesses,
   * totally ordered). Writes happen only under {@link #swapping}, and so do entries' catch-ups,
   * which re-read this field under the lock: no entry ever goes back to an older template.
   */
  private volatile Generation current;

  /** Serialises template swaps and entries' catch-ups; never held during a call. */
  private final ReentrantLock swapping = new ReentrantLock();

  private final PolicyListener policyListener;
  private final PolicyScheduler scheduler;
  private final Executor executor;
  private final ContextSnapshotFactory contexts;
  private final TimeSource time;
  private final long idleNanos;
  private final Cache<String, Entry> live;
  private final Cache<String, Entry> parked;
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder evictions = new LongAdder();
  private volatile boolean closed;

  /** The registry's shared retry budgets by group name, for a template naming a group. */
  private final Map<String, RetryBudget> retryBudgets;

  /** Adds each key's own components to its policy's builder, or null. */
  private final BiConsumer<String, Policy.Builder> perKey;

  private KeyedPolicy(Builder b) {
    this.name = b.name;
    KeyedPolicyConfig c = b.config;
    PolicyConfig t = b.template;
    if (b.source != null) {
      c = c.withOverrides(b.source, b.name);
      t = t.withOverrides(b.source, b.name);
    }
    // A retry naming a budget group gets the registry's shared budget now, so all keys share it.
    t = RetryConfig.withGroupBudget(t, b.retryBudgets);
    this.config = c;
    this.current = new Generation(0, t);
    this.policyListener = b.listener;
    this.scheduler = b.scheduler;
    this.executor = b.executor;
    this.contexts = b.contexts;
    this.retryBudgets = b.retryBudgets;
    this.perKey = b.perKey;
    this.time = b.scheduler.timeSource();
    this.idleNanos = c.idleTimeout().toNanos();
    this.parked =
        Caffeine.newBuilder()
            .maximumSize(c.maxKeys())
            .expireAfter(new ParkedExpiry())
            .ticker(time::nanoTime)
            .executor(Runnable::run)
            .<String, Entry>evictionListener(this::onParkedEvicted)
            .build();
    this.live =
        Caffeine.newBuilder()
            .maximumSize(c.maxKeys())
            .expireAfterAccess(c.idleTimeout())
            .ticker(time::nanoTime)
            .executor(Runnable::run)
            .<String, Entry>evictionListener(this::onLiveEvicted)
            .build();
  }

  /**
   * Starts a keyed policy.
   *
   * @param name its name and the name of every key's policy: letters, digits, {@code -} and {@code
   *     _}, starting with a letter or digit
   * @return a builder
   * @throws IllegalArgumentException if the name has other characters
   */
  public static Builder builder(String name) {
    return new Builder(PolicyConfig.checkName(name));
  }

  /**
   * Returns the name, which every key's policy has too.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the bounds in effect, after configuration keys were applied.
   *
   * @return the configuration
   */
  public KeyedPolicyConfig config() {
    return config;
  }

  /**
   * Returns the configuration every key's policy is built from, after configuration keys were
   * applied. {@link PolicyRegistry#reconfigure} and {@link PolicyRegistry#reload} replace it for a
   * keyed policy of the registry; every key's policy follows.
   *
   * @return the template in effect
   */
  public PolicyConfig template() {
    return current.template();
  }

  /**
   * Replaces the template: new keys are built from the new one, and every key's policy held, live
   * or parked, is reconfigured with it ({@link Policy#reconfigure}, so breaker state and counts
   * carry over). A key whose policy is being built meanwhile ends up on the new template too (see
   * {@link #current}). Nothing is logged here: the registry logs one event for the keyed policy.
   *
   * @param template the new resolved template, valid by construction
   * @return the template it replaced
   */
  PolicyConfig reconfigure(PolicyConfig template) {
    Checks.notNull("template", template);
    swapping.lock();
    try {
      Generation before = current;
      current = new Generation(before.number() + 1, template);
      for (Entry e : live.asMap().values()) {
        catchUp(e);
      }
      for (Entry e : parked.asMap().values()) {
        catchUp(e);
      }
      return before.template();
    } finally {
      swapping.unlock();
    }
  }

  /** Returns the number of template swaps so far; for tests of the swap. */
  long generation() {
    return current.number();
  }

  /** Brings an entry's policy to the template in effect, if it runs an older one. */
  private void catchUp(Entry e) {
    if (e.generation == current) {
      return;
    }
    swapping.lock();
    try {
      // Re-read under the lock: only the newest template is ever applied, never an older one.
      Generation g = current;
      if (e.generation != g) {
        e.policy.reconfigure(templateFor(e.key, g.template()));
        e.generation = g;
      }
    } finally {
      swapping.unlock();
    }
  }

  /**
   * Returns the template with the key's own settings of the per-key customizer on top, or the
   * template itself without one. A customizer that throws leaves the key on the plain template,
   * with a warning: one key's failure does not stop the swap of the others.
   */
  private PolicyConfig templateFor(String key, PolicyConfig template) {
    if (perKey == null) {
      return template;
    }
    try {
      Policy.Builder b = Policy.builder(name).config(template).retryBudgets(retryBudgets);
      perKey.accept(key, b);
      return b.components();
    } catch (RuntimeException e) {
      LOG.warn("Keyed policy {}: the per-key customizer failed for a key; plain template", name, e);
      return template;
    }
  }

  /**
   * Returns the key's policy, creating it on first use (or bringing back a parked one). The policy
   * is not held: prefer the call methods, which keep it open for their call.
   *
   * @param key the key
   * @return its policy
   * @throws IllegalArgumentException if the key is empty, too long or has a control character
   * @throws IllegalStateException if this keyed policy is closed
   */
  public Policy policy(String key) {
    Entry e = acquire(key);
    e.closer.exit();
    return e.policy;
  }

  /**
   * Returns the key's policy if one is held (live or parked), without creating one and without
   * counting as a use.
   *
   * @param key the key
   * @return the policy, or empty
   */
  public Optional<Policy> find(String key) {
    Checks.notNull("key", key);
    Entry e = live.policy().getIfPresentQuietly(key);
    if (e == null) {
      e = parked.policy().getIfPresentQuietly(key);
    }
    if (e == null) {
      return Optional.empty();
    }
    catchUp(e);
    return Optional.of(e.policy);
  }

  /**
   * Returns the keys whose policies are held, live or parked.
   *
   * @return a snapshot of the keys
   */
  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>(live.asMap().keySet());
    keys.addAll(parked.asMap().keySet());
    return Set.copyOf(keys);
  }

  /**
   * Returns how many policies are held, live or parked (at most twice {@code maxKeys}).
   *
   * @return the count
   */
  public long size() {
    return live.estimatedSize() + parked.estimatedSize();
  }

  /**
   * Returns how many policies are parked because their breaker refused calls when they were
   * evicted.
   *
   * @return the count
   */
  public long parkedSize() {
    return parked.estimatedSize();
  }

  /**
   * Returns how many policies were dropped by eviction (beyond the maximum count or idle), since
   * this keyed policy was built. A parked policy counts when it is finally dropped.
   *
   * @return the count
   */
  public long evictions() {
    return evictions.sum();
  }

  /**
   * Runs pending housekeeping now: expires idle keys and drops parked policies whose time ended.
   */
  public void cleanUp() {
    live.cleanUp();
    parked.cleanUp();
  }

  /**
   * Runs a call through the key's policy.
   *
   * @param key the key
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   * @throws IllegalArgumentException if the key is invalid
   * @throws RuntimeException the call's exception, or a rejection or time-out of the policy
   */
  public <T> T execute(String key, Supplier<T> call) {
    Checks.notNull("call", call);
    Entry e = acquire(key);
    try {
      return e.policy.execute(call);
    } finally {
      e.closer.exit();
    }
  }

  /**
   * Runs a call that may throw checked exceptions through the key's policy.
   *
   * @param key the key
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   * @throws IllegalArgumentException if the key is invalid
   * @throws Exception the call's exception, or a rejection or time-out of the policy
   */
  public <T> T call(String key, Callable<T> call) throws Exception {
    Checks.notNull("call", call);
    Entry e = acquire(key);
    try {
      return e.policy.call(call);
    } finally {
      e.closer.exit();
    }
  }

  /**
   * Runs a call without result through the key's policy.
   *
   * @param key the key
   * @param call the call
   * @throws IllegalArgumentException if the key is invalid
   * @throws RuntimeException the call's exception, or a rejection or time-out of the policy
   */
  public void run(String key, Runnable call) {
    Checks.notNull("call", call);
    Entry e = acquire(key);
    try {
      e.policy.run(call);
    } finally {
      e.closer.exit();
    }
  }

  /**
   * Runs an asynchronous call through the key's policy; the policy is held until the returned
   * future completes.
   *
   * @param key the key
   * @param call starts one attempt and returns its stage
   * @param <T> the result type
   * @return a future of the result, as {@link Policy#executeAsync(Supplier)} gives it
   * @throws IllegalArgumentException if the key is invalid
   */
  public <T> CompletableFuture<T> executeAsync(
      String key, Supplier<? extends CompletionStage<T>> call) {
    Checks.notNull("call", call);
    Entry e = acquire(key);
    CompletableFuture<T> future;
    try {
      future = e.policy.executeAsync(call);
    } catch (RuntimeException | Error t) {
      e.closer.exit();
      throw t;
    }
    future.whenComplete((r, t) -> e.closer.exit());
    return future;
  }

  /**
   * Adds a listener; it hears about policies created and dropped from now on.
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

  /**
   * Drops every key's policy (each closed when its calls in flight end). Using a key afterwards
   * throws {@link IllegalStateException}.
   */
  @Override
  public void close() {
    closed = true;
    // A load that began before the flag was set may still add an entry: go round until none is
    // left (loads that begin after it refuse, so this ends).
    while (!live.asMap().isEmpty() || !parked.asMap().isEmpty()) {
      List<Entry> all = new ArrayList<>();
      for (String key : new ArrayList<>(live.asMap().keySet())) {
        Entry e = live.asMap().remove(key);
        if (e != null) {
          all.add(e);
        }
      }
      for (String key : new ArrayList<>(parked.asMap().keySet())) {
        Entry e = parked.asMap().remove(key);
        if (e != null) {
          all.add(e);
        }
      }
      for (Entry e : all) {
        drop(e);
      }
    }
  }

  @Override
  public String toString() {
    return "KeyedPolicy[" + name + ", " + config + ", " + current.template() + "]";
  }

  // ---- lookups

  /** Returns the key's entry with one call entered. */
  private Entry acquire(String key) {
    config.checkKey(key);
    while (true) {
      if (closed) {
        throw new IllegalStateException("the keyed policy " + name + " is closed");
      }
      Entry e = live.getIfPresent(key);
      if (e != null && e.closer.enter()) {
        catchUp(e);
        return e;
      }
      // A miss (or an entry closed since the lookup): load one that starts with this call entered,
      // so it cannot be closed before the call, even if it is evicted at once. Caffeine runs the
      // loader on this thread, once per key; another thread's entry is entered as usual.
      Entry[] mine = new Entry[1];
      Entry loaded = live.get(key, k -> mine[0] = load(k));
      if (loaded == mine[0] || loaded.closer.enter()) {
        // After the insert: a template swapped in while the entry was built is applied here.
        catchUp(loaded);
        return loaded;
      }
    }
  }

  /**
   * Builds a key's entry, or takes its parked one back, with one call entered; runs under the key's
   * lock.
   */
  private Entry load(String key) {
    if (closed) {
      throw new IllegalStateException("the keyed policy " + name + " is closed");
    }
    Entry back = parked.asMap().remove(key);
    if (back != null && back.closer.enter()) {
      return back;
    }
    Generation g = current;
    Policy.Builder builder =
        Policy.builder(name)
            .config(g.template())
            .listener(policyListener)
            .scheduler(scheduler)
            .contextsIfSet(contexts)
            .executorIfSet(executor)
            .retryBudgets(retryBudgets);
    if (perKey != null) {
      perKey.accept(key, builder);
    }
    Policy policy = builder.build();
    Entry created = new Entry(key, policy, true, g);
    for (Listener l : listeners) {
      try {
        l.onAdded(key, policy);
      } catch (RuntimeException e) {
        LOG.warn("Keyed policy {} listener {} failed in onAdded", name, l, e);
      }
    }
    return created;
  }

  // ---- eviction

  /** A live policy was evicted (count or idle): park it if its breaker refuses calls, else drop. */
  private void onLiveEvicted(String key, Entry e, RemovalCause cause) {
    if (e == null || closed) {
      return;
    }
    CircuitState state = e.policy.circuitBreaker().map(CircuitBreaker::state).orElse(null);
    if (state != null && state.isRefusingCalls()) {
      parked.put(key, e);
      // A swap that visited neither table while the entry moved between them is applied here.
      catchUp(e);
      return;
    }
    evictions.increment();
    drop(e);
  }

  /** A parked policy's time ended, or the side table is full: drop it. */
  private void onParkedEvicted(String key, Entry e, RemovalCause cause) {
    if (e == null || closed) {
      return;
    }
    if (cause == RemovalCause.SIZE) {
      LOG.warn(
          "Keyed policy {} dropped the parked policy of key \"{}\" with its breaker {}: more than"
              + " {} breakers refuse calls; raise max-keys to keep more",
          name,
          key,
          e.policy.circuitBreaker().map(CircuitBreaker::state).orElse(null),
          config.maxKeys());
    }
    evictions.increment();
    drop(e);
  }

  private void drop(Entry e) {
    e.closer.retire();
    for (Listener l : listeners) {
      try {
        l.onRemoved(e.key, e.policy);
      } catch (RuntimeException x) {
        LOG.warn("Keyed policy {} listener {} failed in onRemoved", name, l, x);
      }
    }
  }

  /** How long a parked policy stays: the rest of its open wait, plus the idle time-out. */
  private final class ParkedExpiry implements Expiry<String, Entry> {
    @Override
    public long expireAfterCreate(String key, Entry e, long currentTime) {
      CircuitBreaker b = e.policy.circuitBreaker().orElse(null);
      if (b == null) {
        return idleNanos;
      }
      CircuitState state = b.state();
      if (state == CircuitState.FORCED_OPEN) {
        return Long.MAX_VALUE;
      }
      long rest = b.retryAfter().map(d -> d.toNanos()).orElse(0L);
      return Math.min(Long.MAX_VALUE / 2, rest) + idleNanos;
    }

    @Override
    public long expireAfterUpdate(String key, Entry e, long currentTime, long currentDuration) {
      return expireAfterCreate(key, e, currentTime);
    }

    @Override
    public long expireAfterRead(String key, Entry e, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /**
   * Builds a {@link KeyedPolicy}. Not thread-safe.
   *
   * <p>Defaults: the template {@link PolicyConfig#ofDefaults()}, {@link
   * KeyedPolicyConfig#ofDefaults()}, no configuration source, {@link PolicyListener#NONE}, {@link
   * PolicyScheduler#system()} (whose clock also times idleness), each policy's default executor.
   */
  public static final class Builder {
    private final String name;
    private PolicyConfig template = PolicyConfig.ofDefaults();
    private KeyedPolicyConfig config = KeyedPolicyConfig.ofDefaults();
    private ConfigSource source;
    private PolicyListener listener = PolicyListener.NONE;
    private PolicyScheduler scheduler = PolicyScheduler.system();
    private Executor executor;
    private ContextSnapshotFactory contexts;
    private Map<String, RetryBudget> retryBudgets = Map.of();
    private BiConsumer<String, Policy.Builder> perKey;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets a customizer that gives each key's policy its own components: it is called with the key
     * and the policy's builder, already set to the template, listener, scheduler and executor, when
     * the key's policy is built, and called again after a template change ({@link
     * PolicyRegistry#reconfigure}, {@link PolicyRegistry#reload}) so its settings stay on top of
     * the new template. Typically a fleet-wide limit per key:
     *
     * <pre>{@code
     * KeyedPolicy perTenant = KeyedPolicy.builder("partner")
     *     .perKey((tenant, b) -> b.rateLimiter(fleetLimiter.forKey(tenant)))
     *     .build();
     * }</pre>
     *
     * <p>External components and Resilience4j instances given here are those of the key's first
     * build: a policy keeps them across template changes (the ones a later call gives are not
     * used). The customizer runs on the calling thread, under the key's lock, and must be quick; an
     * exception from it fails the call that built the key (after a template change: the key keeps
     * the plain template, and a warning is logged). Default none.
     *
     * @param customizer called with each key and its policy's builder
     * @return this builder
     */
    public Builder perKey(BiConsumer<String, Policy.Builder> customizer) {
      this.perKey = Checks.notNull("customizer", customizer);
      return this;
    }

    /**
     * Sets the configuration every key's policy is built from. Default {@link
     * PolicyConfig#ofDefaults()}.
     *
     * @param template the template
     * @return this builder
     */
    public Builder template(PolicyConfig template) {
      this.template = Checks.notNull("template", template);
      return this;
    }

    /**
     * Sets the bounds. Default {@link KeyedPolicyConfig#ofDefaults()}.
     *
     * @param config the bounds
     * @return this builder
     */
    public Builder config(KeyedPolicyConfig config) {
      this.config = Checks.notNull("config", config);
      return this;
    }

    /**
     * Applies configuration keys on build: {@code reliability.keyed.<name>.*} to the bounds, and
     * the components' keys for this name ({@code reliability.circuitbreaker.<name>.*}, ...) to the
     * template, once for every key. Default none: only the values set in code.
     *
     * @param source the configuration source
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.source = Checks.notNull("source", source);
      return this;
    }

    /**
     * Sets the listener of every key's policy; its callbacks carry the keyed policy's name. Default
     * {@link PolicyListener#NONE}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PolicyListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * Sets the clock and timer of every key's policy; its clock also times idleness and the parked
     * policies. Default {@link PolicyScheduler#system()}; tests pass a {@code ManualScheduler}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor of every key's policy; the caller owns it. Default: each policy's own.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /**
     * Sets the context snapshot factory of every key's policy. Default: the policies' default.
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder contextSnapshotFactory(ContextSnapshotFactory factory) {
      this.contexts = Checks.notNull("factory", factory);
      return this;
    }

    Builder executorIfSet(Executor executor) {
      if (executor != null) {
        this.executor = executor;
      }
      return this;
    }

    /** The shared retry budgets by group name, from the registry that builds the policy. */
    Builder retryBudgets(Map<String, RetryBudget> groups) {
      this.retryBudgets = groups;
      return this;
    }

    Builder contextsIfSet(ContextSnapshotFactory factory) {
      if (factory != null) {
        this.contexts = factory;
      }
      return this;
    }

    /**
     * Builds the keyed policy. No key's policy exists until its first use.
     *
     * @return the keyed policy
     * @throws dev.reliability.core.config.ConfigurationException if the configuration source holds
     *     invalid values
     */
    public KeyedPolicy build() {
      return new KeyedPolicy(this);
    }
  }
}
