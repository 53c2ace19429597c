package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.CircuitBreaker;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Meters of a {@link KeyedPolicy} (or of every keyed policy of a {@link PolicyRegistry}), with the
 * number of distinct {@code key} tag values capped by {@link
 * dev.reliability.core.policy.KeyedPolicyConfig#maxTaggedKeys()}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.keyed.calls}</td><td>function timer</td><td>{@code name}, {@code
 *       key}, {@code outcome}</td><td>calls through the key's policy and their total time</td></tr>
 *   <tr><td>{@code reliability.keyed.circuitbreaker.state}</td><td>gauge</td><td>{@code name},
 *       {@code key}, {@code state}</td><td>1 for the key's current state, 0 for the others; under
 *       {@code key=_overflow}, how many untagged keys are in that state</td></tr>
 *   <tr><td>{@code reliability.keyed.keys}</td><td>gauge</td><td>{@code name}</td><td>policies
 *       held, live and parked</td></tr>
 *   <tr><td>{@code reliability.keyed.parked}</td><td>gauge</td><td>{@code name}</td><td>policies
 *       kept after eviction because their breaker refused calls</td></tr>
 *   <tr><td>{@code reliability.keyed.evictions}</td><td>function counter</td><td>{@code name}</td>
 *       <td>policies dropped by eviction</td></tr>
 *   <tr><td>{@code reliability.keyed.keys.overflow}</td><td>counter</td><td>{@code name}</td>
 *       <td>keys reported under {@code key=_overflow} because the tag cap was reached</td></tr>
 * </table>
 *
 * <p><b>Cardinality.</b> The first {@code maxTaggedKeys} keys held at the same time get their own
 * {@code key} value; a key created while that many are tagged is reported under {@value #OVERFLOW}
 * (the value {@link CardinalityGuard} uses) and counted in {@value #KEYS_OVERFLOW}. A tagged key's
 * meters are removed when its policy is dropped, which frees its tag for a later key. Under {@code
 * _overflow}, calls are the sum over the untagged keys, dropped ones included, so the counts never
 * go down.
 *
 * <p>The meter names differ from {@link PolicyMetrics}' so that the {@code key} tag does not change
 * the tag set of a meter name, which Prometheus refuses. Nothing is recorded per call: every meter
 * reads counts the policies already keep.
 *
 * <pre>{@code
 * KeyedPolicyMetrics.of(perHost).bindTo(meters);
 * }</pre>
 *
 * <p><b>Reconfiguration.</b> When a registry reloads or reconfigures a keyed policy, the meters
 * stay: they read each key's policy (the same object, its counts carried over) and ask it for the
 * breaker in effect on every read, never a view taken before the swap.
 *
 * <p>Thread-safe. Keep the keyed policy referenced: gauges hold it weakly.
 */
public final class KeyedPolicyMetrics implements MeterBinder {

  /** Calls through a key's policy and their time, by {@code outcome}. */
  public static final String CALLS = MetricNames.PREFIX + ".keyed.calls";

  /** A key's breaker state: 1 for the current one; under {@code _overflow}, a count of keys. */
  public static final String CIRCUIT_BREAKER_STATE =
      MetricNames.PREFIX + ".keyed.circuitbreaker.state";

  /** Policies held, live and parked. */
  public static final String KEYS = MetricNames.PREFIX + ".keyed.keys";

  /** Policies kept after eviction because their breaker refused calls. */
  public static final String PARKED = MetricNames.PREFIX + ".keyed.parked";

  /** Policies dropped by eviction. */
  public static final String EVICTIONS = MetricNames.PREFIX + ".keyed.evictions";

  /** Keys reported under the overflow tag value. */
  public static final String KEYS_OVERFLOW = MetricNames.PREFIX + ".keyed.keys.overflow";

  /** The {@code key} tag value of every key beyond the cap. */
  public static final String OVERFLOW = CardinalityGuard.OVERFLOW;

  private static final String NAME = "name";
  private static final String KEY = "key";

  private final KeyedPolicy keyed;
  private final PolicyRegistry registry;

  private KeyedPolicyMetrics(KeyedPolicy keyed, PolicyRegistry registry) {
    this.keyed = keyed;
    this.registry = registry;
  }

  /**
   * Returns the binder for one keyed policy.
   *
   * @param keyed the keyed policy
   * @return the binder
   */
  public static KeyedPolicyMetrics of(KeyedPolicy keyed) {
    return new KeyedPolicyMetrics(Checks.notNull("keyed", keyed), null);
  }

  /**
   * Returns the binder for every keyed policy of a registry, present and future.
   *
   * @param registry the policy registry
   * @return the binder
   */
  public static KeyedPolicyMetrics of(PolicyRegistry registry) {
    return new KeyedPolicyMetrics(null, Checks.notNull("registry", registry));
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Checks.notNull("meters", meters);
    if (keyed != null) {
      bind(keyed, meters);
      return;
    }
    Set<KeyedPolicy> bound = ConcurrentHashMap.newKeySet();
    registry.addListener(
        new PolicyRegistry.Listener() {
          @Override
          public void onKeyedAdded(KeyedPolicy k) {
            if (bound.add(k)) {
              bind(k, meters);
            }
          }
        });
    for (KeyedPolicy k : registry.keyedPolicies()) {
      if (bound.add(k)) {
        bind(k, meters);
      }
    }
  }

  private static void bind(KeyedPolicy keyed, MeterRegistry meters) {
    String name = keyed.name();
    Gauge.builder(KEYS, keyed, KeyedPolicy::size)
        .tag(NAME, name)
        .description("Policies held by the keyed policy, live and parked")
        .register(meters);
    Gauge.builder(PARKED, keyed, KeyedPolicy::parkedSize)
        .tag(NAME, name)
        .description("Policies kept after eviction because their breaker refused calls")
        .register(meters);
    FunctionCounter.builder(EVICTIONS, keyed, KeyedPolicy::evictions)
        .tag(NAME, name)
        .description("Policies dropped by eviction")
        .register(meters);
    Counter overflowed =
        Counter.builder(KEYS_OVERFLOW)
            .tag(NAME, name)
            .description("Keys reported under key=_overflow because the tag cap was reached")
            .register(meters);
    // The keys of a template with a shared retry budget draw on one budget: one set of meters.
    keyed
        .template()
        .retry()
        .flatMap(r -> r.budget())
        .ifPresent(b -> PolicyMetrics.bindSharedBudget(b, meters));
    Follower follower =
        new Follower(name, keyed.config().maxTaggedKeys(), meters, overflowed, keyed.template());
    // Listen first, so that a key created while the existing ones are bound is not missed.
    keyed.addListener(follower);
    for (String key : keyed.keys()) {
      keyed.find(key).ifPresent(p -> follower.onAdded(key, p));
    }
  }

  /** Follows one keyed policy's keys: tagged meters for the first keys, the rest aggregated. */
  private static final class Follower implements KeyedPolicy.Listener {
    private final String name;
    private final int maxTagged;
    private final MeterRegistry meters;
    private final Counter overflowed;

    /** Held here, as strongly as this listener is by the keyed policy: meters read it weakly. */
    private final Overflow overflow = new Overflow();

    /** Guards {@link #tagged}; held only while meters are added or removed, never during a call. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Map<String, Binding> tagged = new HashMap<>();

    Follower(
        String name,
        int maxTagged,
        MeterRegistry meters,
        Counter overflowed,
        dev.reliability.core.policy.PolicyConfig template) {
      this.name = name;
      this.maxTagged = maxTagged;
      this.meters = meters;
      this.overflowed = overflowed;
      List<Meter> out = new ArrayList<>();
      bindCalls(OVERFLOW, overflow, Overflow::calls, Overflow::totalNanos, out);
      if (template.circuitBreaker().isPresent()) {
        for (CircuitState state : CircuitState.values()) {
          Gauge.builder(CIRCUIT_BREAKER_STATE, overflow, o -> o.inState(state))
              .tag(NAME, name)
              .tag(KEY, OVERFLOW)
              .tag("state", state.name().toLowerCase(Locale.ROOT))
              .description("Circuit breaker state of a key; under _overflow, keys in the state")
              .register(meters);
        }
      }
    }

    @Override
    public void onAdded(String key, Policy policy) {
      lock.lock();
      try {
        Binding old = tagged.remove(key);
        if (old != null) {
          // The key's previous policy is being dropped: its meters give way to the new one's.
          old.meters.forEach(meters::remove);
        }
        if (old != null || tagged.size() < maxTagged) {
          tagged.put(key, new Binding(policy, bindKey(key, policy)));
          return;
        }
      } finally {
        lock.unlock();
      }
      overflow.live.add(policy);
      overflowed.increment();
    }

    @Override
    public void onRemoved(String key, Policy policy) {
      lock.lock();
      try {
        Binding b = tagged.get(key);
        if (b != null && b.policy == policy) {
          tagged.remove(key);
          b.meters.forEach(meters::remove);
          return;
        }
      } finally {
        lock.unlock();
      }
      if (overflow.live.contains(policy)) {
        // Count its calls as dropped before it leaves the sum, so the total never goes down.
        overflow.retire(policy);
      }
    }

    private List<Meter> bindKey(String key, Policy policy) {
      List<Meter> out = new ArrayList<>();
      bindCalls(key, policy, (p, o) -> p.stats().calls(o), (p, o) -> p.stats().totalNanos(o), out);
      // Read the breaker through the policy on every scrape: a reconfiguration (a reload of the
      // keyed policy's template) replaces the policy's breaker view, so a view held here would go
      // on reporting the state it had at the swap.
      if (policy.circuitBreaker().isPresent()) {
        for (CircuitState state : CircuitState.values()) {
          out.add(
              Gauge.builder(
                      CIRCUIT_BREAKER_STATE, policy, (Policy p) -> stateOf(p) == state ? 1 : 0)
                  .tag(NAME, name)
                  .tag(KEY, key)
                  .tag("state", state.name().toLowerCase(Locale.ROOT))
                  .description("Circuit breaker state of a key; under _overflow, keys in the state")
                  .register(meters));
        }
      }
      return List.copyOf(out);
    }

    private <T> void bindCalls(
        String key,
        T state,
        java.util.function.ToLongBiFunction<T, CallOutcome> calls,
        java.util.function.ToLongBiFunction<T, CallOutcome> nanos,
        List<Meter> out) {
      for (CallOutcome outcome : CallOutcome.values()) {
        out.add(
            FunctionTimer.builder(
                    CALLS,
                    state,
                    s -> calls.applyAsLong(s, outcome),
                    s -> nanos.applyAsLong(s, outcome),
                    TimeUnit.NANOSECONDS)
                .tag(NAME, name)
                .tag(KEY, key)
                .tag("outcome", outcome.tagValue())
                .description("Calls through a key's policy, by outcome")
                .register(meters));
      }
    }

    @Override
    public String toString() {
      return "KeyedPolicyMetrics[" + name + "]";
    }
  }

  /** The state of a policy's breaker in effect now, or null without one. */
  private static CircuitState stateOf(Policy policy) {
    return policy.circuitBreaker().map(CircuitBreaker::state).orElse(null);
  }

  /** A tagged key's policy and its meters. */
  private record Binding(Policy policy, List<Meter> meters) {}

  /** The keys beyond the cap: the live ones summed, plus the counts of those already dropped. */
  private static final class Overflow {
    final Set<Policy> live = ConcurrentHashMap.newKeySet();
    final LongAdder[] retiredCalls = adders();
    final LongAdder[] retiredNanos = adders();

    private static LongAdder[] adders() {
      LongAdder[] a = new LongAdder[CallOutcome.values().length];
      for (int i = 0; i < a.length; i++) {
        a[i] = new LongAdder();
      }
      return a;
    }

    void retire(Policy policy) {
      for (CallOutcome o : CallOutcome.values()) {
        retiredCalls[o.ordinal()].add(policy.stats().calls(o));
        retiredNanos[o.ordinal()].add(policy.stats().totalNanos(o));
      }
      live.remove(policy);
    }

    long calls(CallOutcome o) {
      long sum = retiredCalls[o.ordinal()].sum();
      for (Policy p : live) {
        sum += p.stats().calls(o);
      }
      return sum;
    }

    long totalNanos(CallOutcome o) {
      long sum = retiredNanos[o.ordinal()].sum();
      for (Policy p : live) {
        sum += p.stats().totalNanos(o);
      }
      return sum;
    }

    int inState(CircuitState state) {
      int n = 0;
      for (Policy p : live) {
        if (p.circuitBreaker().map(CircuitBreaker::state).orElse(null) == state) {
          n++;
        }
      }
      return n;
    }
  }
}
