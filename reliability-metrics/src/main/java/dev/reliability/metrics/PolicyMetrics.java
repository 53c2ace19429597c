package dev.reliability.metrics;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.Bulkhead;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.ChaosSwitch;
import dev.reliability.core.policy.CircuitBreaker;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Hedging;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.core.policy.PolicyStats;
import dev.reliability.core.policy.RateLimiter;
import dev.reliability.core.policy.RejectionReason;
import dev.reliability.core.policy.Retry;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.TimeLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Meters of one {@link Policy} or of every policy of a {@link PolicyRegistry}, read from the
 * counters and state the policy already keeps: function timers, function counters and gauges that
 * are evaluated when the registry is scraped or pushed. Nothing is recorded per call and no
 * listener or event consumer is installed, so binding adds no work and no allocation to guarded
 * calls. Every meter is tagged {@code name=<policy name>}; component meters exist only for the
 * components the policy has.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>extra tags</th><th>meaning</th></tr>
 *   <tr><td>{@code reliability.policy.calls}</td><td>function timer</td><td>{@code outcome}
 *       ({@code success}, {@code failure}, {@code rejected}, {@code fallback})</td><td>calls and
 *       their total time, retries, waits and fallback included</td></tr>
 *   <tr><td>{@code reliability.policy.rejections}</td><td>function counter</td><td>{@code reason}
 *       ({@code circuit_open}, {@code rate_limited}, {@code bulkhead_full}, {@code concurrency_limited}, {@code throttled})</td><td>calls the
 *       policy refused, whether or not a fallback then answered</td></tr>
 *   <tr><td>{@code reliability.circuitbreaker.state}</td><td>gauge</td><td>{@code state} ({@code
 *       closed}, {@code open}, {@code half_open}, {@code forced_open}, {@code forced_closed},
 *       {@code disabled})</td><td>1 for the current state, 0 for the others</td></tr>
 *   <tr><td>{@code reliability.circuitbreaker.calls}</td><td>function counter</td><td>{@code
 *       outcome} ({@code success}, {@code failure}, {@code rejected}, {@code ignored})</td>
 *       <td>attempts the breaker counted, refused or ignored</td></tr>
 *   <tr><td>{@code reliability.circuitbreaker.slow.calls}</td><td>function counter</td><td>{@code
 *       outcome} ({@code success}, {@code failure})</td><td>counted attempts slower than the
 *       slow-call threshold</td></tr>
 *   <tr><td>{@code reliability.circuitbreaker.failure.rate}</td><td>gauge</td><td></td><td>failed
 *       share of the sliding window, 0 to 1; NaN while it holds fewer than the minimum calls</td>
 *       </tr>
 *   <tr><td>{@code reliability.circuitbreaker.slow.call.rate}</td><td>gauge</td><td></td><td>slow
 *       share of the sliding window, 0 to 1; NaN while it holds fewer than the minimum calls</td>
 *       </tr>
 *   <tr><td>{@code reliability.circuitbreaker.buffered.calls}</td><td>gauge</td><td></td><td>calls
 *       in the sliding window</td></tr>
 *   <tr><td>{@code reliability.circuitbreaker.openings}</td><td>function counter</td><td></td>
 *       <td>times the breaker opened</td></tr>
 *   <tr><td>{@code reliability.retry.calls}</td><td>function counter</td><td>{@code outcome}
 *       ({@code success_without_retry}, {@code success_after_retry}, {@code
 *       failure_without_retry}, {@code failure_after_retry}, {@code exhausted})</td><td>calls by
 *       how the retry ended</td></tr>
 *   <tr><td>{@code reliability.retry.attempts}</td><td>function counter</td><td></td><td>retries
 *       made (attempts after the first)</td></tr>
 *   <tr><td>{@code reliability.retry.budget.rejections}</td><td>function counter</td><td></td>
 *       <td>retries the retry budget refused (with a budget only)</td></tr>
 *   <tr><td>{@code reliability.retry.budget.available}</td><td>gauge</td><td></td><td>retries the
 *       budget would allow now (with a budget only)</td></tr>
 *   <tr><td>{@code reliability.retry.budget.shared.rejections}</td><td>function counter</td>
 *       <td>{@code budget} (instead of {@code name})</td><td>retries a shared budget refused,
 *       over every policy that shares it</td></tr>
 *   <tr><td>{@code reliability.retry.budget.shared.available}</td><td>gauge</td><td>{@code
 *       budget} (instead of {@code name})</td><td>retries the shared budget would allow now:
 *       tokens, or retries left in the window</td></tr>
 *   <tr><td>{@code reliability.bulkhead.available.permits}</td><td>gauge</td><td></td><td>free
 *       permits</td></tr>
 *   <tr><td>{@code reliability.bulkhead.concurrent.calls}</td><td>gauge</td><td></td><td>permits
 *       in use</td></tr>
 *   <tr><td>{@code reliability.bulkhead.max.concurrent.calls}</td><td>gauge</td><td></td><td>the
 *       bulkhead's size</td></tr>
 *   <tr><td>{@code reliability.bulkhead.rejections}</td><td>function counter</td><td></td><td>calls
 *       refused for want of a permit</td></tr>
 *   <tr><td>{@code reliability.ratelimiter.available.permits}</td><td>gauge</td><td></td>
 *       <td>permits a burst could take now</td></tr>
 *   <tr><td>{@code reliability.ratelimiter.calls}</td><td>function counter</td><td>{@code outcome}
 *       ({@code permitted}, {@code rejected})</td><td>attempts that got or were refused a
 *       permit</td></tr>
 *   <tr><td>{@code reliability.timelimiter.calls}</td><td>function counter</td><td>{@code outcome}
 *       ({@code success}, {@code failure}, {@code timeout})</td><td>attempts under the time
 *       limit</td></tr>
 *   <tr><td>{@code reliability.timelimiter.running.after.timeout}</td><td>gauge</td><td></td>
 *       <td>timed-out attempts still running</td></tr>
 *   <tr><td>{@code reliability.timelimiter.ignored.interrupts}</td><td>function counter</td>
 *       <td></td><td>timed-out attempts that did not stop on the interrupt</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.limit}</td><td>gauge</td><td></td><td>the adaptive
 *       concurrency limit now</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.min.limit}</td><td>gauge</td><td></td><td>its
 *       configured minimum</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.max.limit}</td><td>gauge</td><td></td><td>its
 *       configured maximum</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.concurrent.calls}</td><td>gauge</td><td></td>
 *       <td>calls in flight in every partition</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.rejections}</td><td>function counter</td><td></td>
 *       <td>calls the adaptive limit refused</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.latency.estimate}</td><td>gauge, seconds</td><td></td>
 *       <td>recent smoothed latency; 0 before the first window ends</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.latency.baseline}</td><td>gauge, seconds</td><td></td>
 *       <td>lowest window average since the last probe; 0 before it is measured</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.partition.limit}</td><td>gauge</td><td>{@code
 *       partition}</td><td>permits reserved for the partition under the current limit (0 for
 *       {@code default}); with partitions only</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.partition.concurrent.calls}</td><td>gauge</td><td>{@code
 *       partition}</td><td>the partition's calls in flight; with partitions only</td></tr>
 *   <tr><td>{@code reliability.adaptivelimit.partition.rejections}</td><td>function counter</td>
 *       <td>{@code partition}</td><td>the partition's refused calls; with partitions only</td></tr>
 *   <tr><td>{@code reliability.throttle.rejection.probability}</td><td>gauge</td><td></td>
 *       <td>probability, 0 to 1, that the client-side throttle refuses the next call</td></tr>
 *   <tr><td>{@code reliability.throttle.window.requests}</td><td>gauge</td><td></td><td>requests
 *       counted in the throttle's window, local refusals included</td></tr>
 *   <tr><td>{@code reliability.throttle.window.accepts}</td><td>gauge</td><td></td><td>requests the
 *       dependency accepted in the throttle's window</td></tr>
 *   <tr><td>{@code reliability.throttle.rejections}</td><td>function counter</td><td></td>
 *       <td>calls the throttle refused locally</td></tr>
 *   <tr><td>{@code reliability.hedge.started}</td><td>function counter</td><td></td><td>hedges
 *       started: runs of a call after its first</td></tr>
 *   <tr><td>{@code reliability.hedge.wins}</td><td>function counter</td><td></td><td>calls whose
 *       result came from a hedge</td></tr>
 *   <tr><td>{@code reliability.hedge.budget.rejections}</td><td>function counter</td><td></td>
 *       <td>hedges not started because the budget was empty</td></tr>
 *   <tr><td>{@code reliability.hedge.delay}</td><td>gauge, seconds</td><td></td><td>the delay
 *       after which a call is hedged now (fixed, or the tracked percentile)</td></tr>
 *   <tr><td>{@code reliability.chaos.injections}</td><td>function counter</td><td>{@code kind}
 *       ({@code fault}, {@code latency}, {@code result})</td><td>what the policy's chaos
 *       strategies injected: a rehearsal, not an outage</td></tr>
 * </table>
 *
 * <p>Prometheus reads them as {@code reliability_policy_calls_seconds_count}, {@code
 * reliability_circuitbreaker_state}, {@code reliability_circuitbreaker_calls_total} and so on; the
 * shipped alerts ({@code ReliabilityCircuitBreakerOpen}, {@code ReliabilityBulkheadFull}, {@code
 * ReliabilityThrottleRejecting}, {@code ReliabilityHedgeBudgetExhausted}, ...) and the dashboard's
 * resilience and load rows read them.
 *
 * <p>Bound to a {@link PolicyRegistry}, the binder also follows it: policies created later get
 * their meters when they are created, and a removed policy's meters are removed from the meter
 * registry.
 *
 * <pre>{@code
 * PolicyMetrics.of(policies).bindTo(meters);
 * }</pre>
 *
 * <p>Meters hold the policy's components weakly, as Micrometer's function meters do: keep the
 * policy (or its registry) referenced. Immutable and thread-safe; binding twice to one meter
 * registry is harmless (Micrometer returns the existing meters).
 */
public final class PolicyMetrics implements MeterBinder {

  /** Calls and their time, by {@code outcome}. */
  public static final String CALLS = MetricNames.PREFIX + ".policy.calls";

  /** Calls the policy refused, by {@code reason}. */
  public static final String REJECTIONS = MetricNames.PREFIX + ".policy.rejections";

  /** 1 for the breaker's current {@code state}, 0 for the others. */
  public static final String CIRCUIT_BREAKER_STATE = MetricNames.PREFIX + ".circuitbreaker.state";

  /** Attempts the breaker counted, refused or ignored, by {@code outcome}. */
  public static final String CIRCUIT_BREAKER_CALLS = MetricNames.PREFIX + ".circuitbreaker.calls";

  /** Counted attempts slower than the slow-call threshold, by {@code outcome}. */
  public static final String CIRCUIT_BREAKER_SLOW_CALLS =
      MetricNames.PREFIX + ".circuitbreaker.slow.calls";

  /** Failed share of the sliding window, 0 to 1, NaN below the minimum calls. */
  public static final String CIRCUIT_BREAKER_FAILURE_RATE =
      MetricNames.PREFIX + ".circuitbreaker.failure.rate";

  /** Slow share of the sliding window, 0 to 1, NaN below the minimum calls. */
  public static final String CIRCUIT_BREAKER_SLOW_CALL_RATE =
      MetricNames.PREFIX + ".circuitbreaker.slow.call.rate";

  /** Calls in the sliding window. */
  public static final String CIRCUIT_BREAKER_BUFFERED_CALLS =
      MetricNames.PREFIX + ".circuitbreaker.buffered.calls";

  /** Times the breaker opened. */
  public static final String CIRCUIT_BREAKER_OPENINGS =
      MetricNames.PREFIX + ".circuitbreaker.openings";

  /** Calls by how the retry ended, by {@code outcome}. */
  public static final String RETRY_CALLS = MetricNames.PREFIX + ".retry.calls";

  /** Retries made: attempts after the first. */
  public static final String RETRY_ATTEMPTS = MetricNames.PREFIX + ".retry.attempts";

  /** Retries the retry budget refused. */
  public static final String RETRY_BUDGET_REJECTIONS =
      MetricNames.PREFIX + ".retry.budget.rejections";

  /** Retries the retry budget would allow now. */
  public static final String RETRY_BUDGET_AVAILABLE =
      MetricNames.PREFIX + ".retry.budget.available";

  /** Retries a shared budget refused, tagged by the budget's name. */
  public static final String RETRY_SHARED_BUDGET_REJECTIONS =
      MetricNames.PREFIX + ".retry.budget.shared.rejections";

  /** Retries a shared budget would allow now, tagged by the budget's name. */
  public static final String RETRY_SHARED_BUDGET_AVAILABLE =
      MetricNames.PREFIX + ".retry.budget.shared.available";

  /** Free bulkhead permits. */
  public static final String BULKHEAD_AVAILABLE =
      MetricNames.PREFIX + ".bulkhead.available.permits";

  /** Bulkhead permits in use. */
  public static final String BULKHEAD_CONCURRENT =
      MetricNames.PREFIX + ".bulkhead.concurrent.calls";

  /** The bulkhead's size. */
  public static final String BULKHEAD_MAX = MetricNames.PREFIX + ".bulkhead.max.concurrent.calls";

  /** Calls the bulkhead refused. */
  public static final String BULKHEAD_REJECTIONS = MetricNames.PREFIX + ".bulkhead.rejections";

  /** Permits a burst could take now. */
  public static final String RATE_LIMITER_AVAILABLE =
      MetricNames.PREFIX + ".ratelimiter.available.permits";

  /** Attempts that got or were refused a permit, by {@code outcome}. */
  public static final String RATE_LIMITER_CALLS = MetricNames.PREFIX + ".ratelimiter.calls";

  /** Attempts under the time limit, by {@code outcome}. */
  public static final String TIME_LIMITER_CALLS = MetricNames.PREFIX + ".timelimiter.calls";

  /** Timed-out attempts still running. */
  public static final String TIME_LIMITER_RUNNING_AFTER_TIMEOUT =
      MetricNames.PREFIX + ".timelimiter.running.after.timeout";

  /** Timed-out attempts that did not stop on the interrupt. */
  public static final String TIME_LIMITER_IGNORED_INTERRUPTS =
      MetricNames.PREFIX + ".timelimiter.ignored.interrupts";

  /** The adaptive concurrency limit now. */
  public static final String ADAPTIVE_LIMIT = MetricNames.PREFIX + ".adaptivelimit.limit";

  /** The adaptive limit's configured minimum. */
  public static final String ADAPTIVE_LIMIT_MIN = MetricNames.PREFIX + ".adaptivelimit.min.limit";

  /** The adaptive limit's configured maximum. */
  public static final String ADAPTIVE_LIMIT_MAX = MetricNames.PREFIX + ".adaptivelimit.max.limit";

  /** Calls in flight under the adaptive limit, every partition. */
  public static final String ADAPTIVE_LIMIT_CONCURRENT =
      MetricNames.PREFIX + ".adaptivelimit.concurrent.calls";

  /** Calls the adaptive limit refused. */
  public static final String ADAPTIVE_LIMIT_REJECTIONS =
      MetricNames.PREFIX + ".adaptivelimit.rejections";

  /** The adaptive limit's smoothed recent latency, in seconds. */
  public static final String ADAPTIVE_LIMIT_LATENCY_ESTIMATE =
      MetricNames.PREFIX + ".adaptivelimit.latency.estimate";

  /** The adaptive limit's no-load latency baseline, in seconds. */
  public static final String ADAPTIVE_LIMIT_LATENCY_BASELINE =
      MetricNames.PREFIX + ".adaptivelimit.latency.baseline";

  /** Permits reserved for a partition under the current limit, by {@code partition}. */
  public static final String ADAPTIVE_LIMIT_PARTITION_LIMIT =
      MetricNames.PREFIX + ".adaptivelimit.partition.limit";

  /** A partition's calls in flight, by {@code partition}. */
  public static final String ADAPTIVE_LIMIT_PARTITION_CONCURRENT =
      MetricNames.PREFIX + ".adaptivelimit.partition.concurrent.calls";

  /** A partition's refused calls, by {@code partition}. */
  public static final String ADAPTIVE_LIMIT_PARTITION_REJECTIONS =
      MetricNames.PREFIX + ".adaptivelimit.partition.rejections";

  /** Probability, 0 to 1, that the client-side throttle refuses the next call. */
  public static final String THROTTLE_REJECTION_PROBABILITY =
      MetricNames.PREFIX + ".throttle.rejection.probability";

  /** Requests counted in the throttle's window, local refusals included. */
  public static final String THROTTLE_WINDOW_REQUESTS =
      MetricNames.PREFIX + ".throttle.window.requests";

  /** Requests the dependency accepted in the throttle's window. */
  public static final String THROTTLE_WINDOW_ACCEPTS =
      MetricNames.PREFIX + ".throttle.window.accepts";

  /** Calls the throttle refused locally. */
  public static final String THROTTLE_REJECTIONS = MetricNames.PREFIX + ".throttle.rejections";

  /** Hedges started: runs of a call after its first. */
  public static final String HEDGE_STARTED = MetricNames.PREFIX + ".hedge.started";

  /** Calls whose result came from a hedge. */
  public static final String HEDGE_WINS = MetricNames.PREFIX + ".hedge.wins";

  /** Hedges not started because the budget was empty. */
  public static final String HEDGE_BUDGET_REJECTIONS =
      MetricNames.PREFIX + ".hedge.budget.rejections";

  /** The delay after which a call is hedged now, in seconds. */
  public static final String HEDGE_DELAY = MetricNames.PREFIX + ".hedge.delay";

  /** What the chaos strategies injected, tagged with {@code kind}. */
  public static final String CHAOS_INJECTIONS = MetricNames.PREFIX + ".chaos.injections";

  private static final String NAME = "name";
  private static final String OUTCOME = "outcome";
  private static final String BUDGET = "budget";
  private static final String PARTITION = "partition";

  private final Policy policy;
  private final PolicyRegistry registry;

  private PolicyMetrics(Policy policy, PolicyRegistry registry) {
    this.policy = policy;
    this.registry = registry;
  }

  /**
   * Returns the binder for one policy.
   *
   * @param policy the policy
   * @return the binder
   * @throws NullPointerException if {@code policy} is null
   */
  public static PolicyMetrics of(Policy policy) {
    return new PolicyMetrics(Checks.notNull("policy", policy), null);
  }

  /**
   * Returns the binder for every policy of a registry, present and future.
   *
   * @param registry the policy registry
   * @return the binder
   * @throws NullPointerException if {@code registry} is null
   */
  public static PolicyMetrics of(PolicyRegistry registry) {
    return new PolicyMetrics(null, Checks.notNull("registry", registry));
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Checks.notNull("meters", meters);
    if (policy != null) {
      bind(policy, meters);
      return;
    }
    // Listen first, so that a policy created while the existing ones are bound is not missed;
    // binding one twice returns the same meters.
    Follower follower = new Follower(meters);
    registry.addListener(follower);
    for (Policy p : registry.policies()) {
      follower.onAdded(p);
    }
  }

  /** Binds the policies a registry creates and unbinds those it removes. */
  private static final class Follower implements PolicyRegistry.Listener {
    private final MeterRegistry meters;
    private final Map<Policy, List<Meter>> bound = new ConcurrentHashMap<>();

    Follower(MeterRegistry meters) {
      this.meters = meters;
    }

    @Override
    public void onAdded(Policy policy) {
      bound.computeIfAbsent(policy, p -> bind(p, meters));
    }

    @Override
    public void onRemoved(Policy policy) {
      List<Meter> list = bound.remove(policy);
      if (list != null) {
        list.forEach(meters::remove);
      }
    }

    /**
     * A reconfigured policy may show new component objects (a new breaker carrying the old one's
     * state and counts, a retry that was not there): its meters are bound again to what it shows.
     */
    @Override
    public void onReconfigured(
        Policy policy,
        dev.reliability.core.policy.PolicyConfig before,
        dev.reliability.core.policy.PolicyConfig after) {
      onRemoved(policy);
      onAdded(policy);
    }

    @Override
    public String toString() {
      return "PolicyMetrics[" + meters + "]";
    }
  }

  private static List<Meter> bind(Policy policy, MeterRegistry meters) {
    String name = policy.name();
    List<Meter> out = new ArrayList<>();
    PolicyStats stats = policy.stats();
    for (CallOutcome outcome : CallOutcome.values()) {
      out.add(
          FunctionTimer.builder(
                  CALLS,
                  stats,
                  s -> s.calls(outcome),
                  s -> s.totalNanos(outcome),
                  TimeUnit.NANOSECONDS)
              .tag(NAME, name)
              .tag(OUTCOME, outcome.tagValue())
              .description("Calls through a policy, by outcome, retries and fallback included")
              .register(meters));
    }
    policy.circuitBreaker().ifPresent(b -> bindBreaker(name, b, meters, out));
    policy.retry().ifPresent(r -> bindRetry(name, r, meters, out));
    policy.bulkhead().ifPresent(b -> bindBulkhead(name, b, meters, out));
    policy.rateLimiter().ifPresent(r -> bindRateLimiter(name, r, meters, out));
    policy.timeLimiter().ifPresent(t -> bindTimeLimiter(name, t, meters, out));
    policy
        .adaptiveLimit()
        .ifPresent(
            l -> {
              bindAdaptiveLimit(name, l, meters, out);
              out.add(
                  counter(REJECTIONS, l, AdaptiveLimiter::rejectedCalls, "Calls the policy refused")
                      .tag(NAME, name)
                      .tag("reason", RejectionReason.CONCURRENCY_LIMITED.tagValue())
                      .register(meters));
            });
    policy.throttle().ifPresent(t -> bindThrottle(name, t, meters, out));
    policy.hedging().ifPresent(h -> bindHedging(name, h, meters, out));
    policy.chaos().ifPresent(c -> bindChaos(name, c, meters, out));
    return List.copyOf(out);
  }

  private static void bindBreaker(
      String name, CircuitBreaker breaker, MeterRegistry meters, List<Meter> out) {
    for (CircuitState state : CircuitState.values()) {
      out.add(
          Gauge.builder(CIRCUIT_BREAKER_STATE, breaker, b -> b.state() == state ? 1 : 0)
              .tag(NAME, name)
              .tag("state", state.name().toLowerCase(Locale.ROOT))
              .description("Circuit breaker state: 1 for the current one, 0 for the others")
              .register(meters));
    }
    String calls = "Attempts the circuit breaker counted, refused or ignored";
    out.add(
        counter(CIRCUIT_BREAKER_CALLS, breaker, CircuitBreaker::successfulCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "success")
            .register(meters));
    out.add(
        counter(CIRCUIT_BREAKER_CALLS, breaker, CircuitBreaker::failedCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "failure")
            .register(meters));
    out.add(
        counter(CIRCUIT_BREAKER_CALLS, breaker, CircuitBreaker::rejectedCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "rejected")
            .register(meters));
    out.add(
        counter(CIRCUIT_BREAKER_CALLS, breaker, CircuitBreaker::ignoredCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "ignored")
            .register(meters));
    String slow = "Counted attempts slower than the circuit breaker's slow-call threshold";
    out.add(
        counter(CIRCUIT_BREAKER_SLOW_CALLS, breaker, CircuitBreaker::slowSuccessfulCalls, slow)
            .tag(NAME, name)
            .tag(OUTCOME, "success")
            .register(meters));
    out.add(
        counter(CIRCUIT_BREAKER_SLOW_CALLS, breaker, CircuitBreaker::slowFailedCalls, slow)
            .tag(NAME, name)
            .tag(OUTCOME, "failure")
            .register(meters));
    out.add(
        Gauge.builder(CIRCUIT_BREAKER_FAILURE_RATE, breaker, b -> ratio(b.failureRate()))
            .tag(NAME, name)
            .description("Failed share of the sliding window; NaN below the minimum calls")
            .register(meters));
    out.add(
        Gauge.builder(CIRCUIT_BREAKER_SLOW_CALL_RATE, breaker, b -> ratio(b.slowCallRate()))
            .tag(NAME, name)
            .description("Slow share of the sliding window; NaN below the minimum calls")
            .register(meters));
    out.add(
        Gauge.builder(CIRCUIT_BREAKER_BUFFERED_CALLS, breaker, CircuitBreaker::bufferedCalls)
            .tag(NAME, name)
            .description("Calls in the circuit breaker's sliding window")
            .register(meters));
    out.add(
        counter(
                CIRCUIT_BREAKER_OPENINGS,
                breaker,
                CircuitBreaker::openings,
                "Times the circuit breaker opened")
            .tag(NAME, name)
            .register(meters));
    out.add(
        counter(REJECTIONS, breaker, CircuitBreaker::rejectedCalls, "Calls the policy refused")
            .tag(NAME, name)
            .tag("reason", RejectionReason.CIRCUIT_OPEN.tagValue())
            .register(meters));
  }

  private static void bindRetry(String name, Retry retry, MeterRegistry meters, List<Meter> out) {
    String calls = "Calls by how the retry ended";
    out.add(
        counter(RETRY_CALLS, retry, Retry::successfulWithoutRetry, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "success_without_retry")
            .register(meters));
    out.add(
        counter(RETRY_CALLS, retry, Retry::successfulAfterRetry, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "success_after_retry")
            .register(meters));
    out.add(
        counter(RETRY_CALLS, retry, Retry::failedWithoutRetry, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "failure_without_retry")
            .register(meters));
    out.add(
        counter(RETRY_CALLS, retry, Retry::failedAfterRetry, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "failure_after_retry")
            .register(meters));
    out.add(
        counter(RETRY_CALLS, retry, Retry::exhausted, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "exhausted")
            .register(meters));
    out.add(
        counter(RETRY_ATTEMPTS, retry, Retry::retries, "Retries made: attempts after the first")
            .tag(NAME, name)
            .register(meters));
    if (retry.config().budget().isPresent()) {
      out.add(
          counter(
                  RETRY_BUDGET_REJECTIONS,
                  retry,
                  Retry::budgetRejections,
                  "Retries the retry budget refused")
              .tag(NAME, name)
              .register(meters));
      out.add(
          Gauge.builder(RETRY_BUDGET_AVAILABLE, retry, Retry::budgetAvailable)
              .tag(NAME, name)
              .description("Retries the retry budget would allow now")
              .register(meters));
    }
    bindSharedBudget(retry, meters);
  }

  /**
   * Binds a shared budget's meters once per budget name, tagged by it; they stay while any policy
   * shares the budget, so they are not among the meters removed with one policy.
   */
  private static void bindSharedBudget(Retry retry, MeterRegistry meters) {
    bindSharedBudget(retry.config().budget().orElse(null), meters);
  }

  /** Binds a shared budget's meters, tagged by its name; nothing for a per-policy budget. */
  static void bindSharedBudget(RetryBudget budget, MeterRegistry meters) {
    if (budget == null || !budget.isShared()) {
      return;
    }
    String name = budget.sharedName().orElseThrow();
    counter(
            RETRY_SHARED_BUDGET_REJECTIONS,
            budget,
            RetryBudget::rejections,
            "Retries the shared retry budget refused")
        .tag(BUDGET, name)
        .register(meters);
    Gauge.builder(RETRY_SHARED_BUDGET_AVAILABLE, budget, RetryBudget::available)
        .tag(BUDGET, name)
        .description("Retries the shared retry budget would allow now")
        .register(meters);
  }

  private static void bindBulkhead(
      String name, Bulkhead bulkhead, MeterRegistry meters, List<Meter> out) {
    out.add(
        Gauge.builder(BULKHEAD_AVAILABLE, bulkhead, Bulkhead::availablePermits)
            .tag(NAME, name)
            .description("Free bulkhead permits")
            .register(meters));
    out.add(
        Gauge.builder(
                BULKHEAD_CONCURRENT,
                bulkhead,
                b -> b.config().maxConcurrentCalls() - b.availablePermits())
            .tag(NAME, name)
            .description("Bulkhead permits in use")
            .register(meters));
    out.add(
        Gauge.builder(BULKHEAD_MAX, bulkhead, b -> b.config().maxConcurrentCalls())
            .tag(NAME, name)
            .description("Size of the bulkhead")
            .register(meters));
    out.add(
        counter(
                BULKHEAD_REJECTIONS,
                bulkhead,
                Bulkhead::rejectedCalls,
                "Calls the bulkhead refused")
            .tag(NAME, name)
            .register(meters));
    out.add(
        counter(REJECTIONS, bulkhead, Bulkhead::rejectedCalls, "Calls the policy refused")
            .tag(NAME, name)
            .tag("reason", RejectionReason.BULKHEAD_FULL.tagValue())
            .register(meters));
  }

  private static void bindRateLimiter(
      String name, RateLimiter limiter, MeterRegistry meters, List<Meter> out) {
    out.add(
        Gauge.builder(RATE_LIMITER_AVAILABLE, limiter, RateLimiter::availablePermits)
            .tag(NAME, name)
            .description("Permits a burst could take now")
            .register(meters));
    String calls = "Attempts that got or were refused a rate limiter permit";
    out.add(
        counter(RATE_LIMITER_CALLS, limiter, RateLimiter::permittedCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "permitted")
            .register(meters));
    out.add(
        counter(RATE_LIMITER_CALLS, limiter, RateLimiter::rejectedCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "rejected")
            .register(meters));
    out.add(
        counter(REJECTIONS, limiter, RateLimiter::rejectedCalls, "Calls the policy refused")
            .tag(NAME, name)
            .tag("reason", RejectionReason.RATE_LIMITED.tagValue())
            .register(meters));
  }

  private static void bindTimeLimiter(
      String name, TimeLimiter limiter, MeterRegistry meters, List<Meter> out) {
    String calls = "Attempts under the time limit";
    out.add(
        counter(TIME_LIMITER_CALLS, limiter, TimeLimiter::successfulCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "success")
            .register(meters));
    out.add(
        counter(TIME_LIMITER_CALLS, limiter, TimeLimiter::failedCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "failure")
            .register(meters));
    out.add(
        counter(TIME_LIMITER_CALLS, limiter, TimeLimiter::timedOutCalls, calls)
            .tag(NAME, name)
            .tag(OUTCOME, "timeout")
            .register(meters));
    out.add(
        Gauge.builder(TIME_LIMITER_RUNNING_AFTER_TIMEOUT, limiter, TimeLimiter::runningAfterTimeout)
            .tag(NAME, name)
            .description("Timed-out attempts still running")
            .register(meters));
    out.add(
        counter(
                TIME_LIMITER_IGNORED_INTERRUPTS,
                limiter,
                TimeLimiter::ignoredInterrupts,
                "Timed-out attempts that did not stop on the interrupt")
            .tag(NAME, name)
            .register(meters));
  }

  /** Binds an adaptive limiter's meters; also used for a load shedder's limiter. */
  static void bindAdaptiveLimit(
      String name, AdaptiveLimiter limiter, MeterRegistry meters, List<Meter> out) {
    out.add(
        Gauge.builder(ADAPTIVE_LIMIT, limiter, AdaptiveLimiter::limit)
            .tag(NAME, name)
            .description("Calls the adaptive concurrency limit allows in flight now")
            .register(meters));
    out.add(
        Gauge.builder(ADAPTIVE_LIMIT_MIN, limiter, l -> l.config().minLimit())
            .tag(NAME, name)
            .description("Configured minimum of the adaptive concurrency limit")
            .register(meters));
    out.add(
        Gauge.builder(ADAPTIVE_LIMIT_MAX, limiter, l -> l.config().maxLimit())
            .tag(NAME, name)
            .description("Configured maximum of the adaptive concurrency limit")
            .register(meters));
    out.add(
        Gauge.builder(ADAPTIVE_LIMIT_CONCURRENT, limiter, AdaptiveLimiter::inFlight)
            .tag(NAME, name)
            .description("Calls in flight under the adaptive concurrency limit")
            .register(meters));
    out.add(
        counter(
                ADAPTIVE_LIMIT_REJECTIONS,
                limiter,
                AdaptiveLimiter::rejectedCalls,
                "Calls the adaptive concurrency limit refused")
            .tag(NAME, name)
            .register(meters));
    out.add(
        Gauge.builder(ADAPTIVE_LIMIT_LATENCY_ESTIMATE, limiter, l -> l.latencyEstimateNanos() / 1e9)
            .tag(NAME, name)
            .baseUnit("seconds")
            .description("Smoothed recent latency the adaptive limit follows")
            .register(meters));
    out.add(
        Gauge.builder(ADAPTIVE_LIMIT_LATENCY_BASELINE, limiter, l -> l.baselineLatencyNanos() / 1e9)
            .tag(NAME, name)
            .baseUnit("seconds")
            .description("No-load latency baseline of the adaptive limit")
            .register(meters));
    if (limiter.config().partitions().isEmpty()) {
      return;
    }
    List<String> partitions = new ArrayList<>();
    partitions.add(AdaptiveLimiter.DEFAULT_PARTITION);
    partitions.addAll(limiter.config().partitions().keySet());
    for (String partitionName : partitions) {
      AdaptiveLimiter.Partition partition = limiter.partition(partitionName);
      out.add(
          Gauge.builder(
                  ADAPTIVE_LIMIT_PARTITION_LIMIT,
                  partition,
                  AdaptiveLimiter.Partition::reservedPermits)
              .tag(NAME, name)
              .tag(PARTITION, partitionName)
              .description("Permits reserved for the partition under the current limit")
              .register(meters));
      out.add(
          Gauge.builder(
                  ADAPTIVE_LIMIT_PARTITION_CONCURRENT,
                  partition,
                  AdaptiveLimiter.Partition::inFlight)
              .tag(NAME, name)
              .tag(PARTITION, partitionName)
              .description("The partition's calls in flight")
              .register(meters));
      out.add(
          counter(
                  ADAPTIVE_LIMIT_PARTITION_REJECTIONS,
                  partition,
                  AdaptiveLimiter.Partition::rejectedCalls,
                  "The partition's calls the adaptive limit refused")
              .tag(NAME, name)
              .tag(PARTITION, partitionName)
              .register(meters));
    }
  }

  private static void bindThrottle(
      String name, AdaptiveThrottle throttle, MeterRegistry meters, List<Meter> out) {
    out.add(
        Gauge.builder(
                THROTTLE_REJECTION_PROBABILITY, throttle, AdaptiveThrottle::rejectionProbability)
            .tag(NAME, name)
            .description("Probability that the client-side throttle refuses the next call")
            .register(meters));
    out.add(
        Gauge.builder(THROTTLE_WINDOW_REQUESTS, throttle, AdaptiveThrottle::requests)
            .tag(NAME, name)
            .description("Requests in the throttle's window, local refusals included")
            .register(meters));
    out.add(
        Gauge.builder(THROTTLE_WINDOW_ACCEPTS, throttle, AdaptiveThrottle::accepts)
            .tag(NAME, name)
            .description("Requests the dependency accepted in the throttle's window")
            .register(meters));
    out.add(
        counter(
                THROTTLE_REJECTIONS,
                throttle,
                AdaptiveThrottle::throttledCalls,
                "Calls the client-side throttle refused")
            .tag(NAME, name)
            .register(meters));
    out.add(
        counter(REJECTIONS, throttle, AdaptiveThrottle::throttledCalls, "Calls the policy refused")
            .tag(NAME, name)
            .tag("reason", RejectionReason.THROTTLED.tagValue())
            .register(meters));
  }

  private static void bindHedging(
      String name, Hedging hedging, MeterRegistry meters, List<Meter> out) {
    out.add(
        counter(
                HEDGE_STARTED,
                hedging,
                Hedging::hedgesStarted,
                "Hedges started: runs of a call after its first")
            .tag(NAME, name)
            .register(meters));
    out.add(
        counter(HEDGE_WINS, hedging, Hedging::hedgeWins, "Calls whose result came from a hedge")
            .tag(NAME, name)
            .register(meters));
    out.add(
        counter(
                HEDGE_BUDGET_REJECTIONS,
                hedging,
                Hedging::hedgesDeniedByBudget,
                "Hedges not started because the budget was empty")
            .tag(NAME, name)
            .register(meters));
    out.add(
        Gauge.builder(HEDGE_DELAY, hedging, h -> h.delayNanos() / 1e9)
            .tag(NAME, name)
            .baseUnit("seconds")
            .description("Delay after which a call is hedged now")
            .register(meters));
  }

  private static void bindChaos(
      String name, ChaosSwitch chaos, MeterRegistry meters, List<Meter> out) {
    for (ChaosKind kind : ChaosKind.values()) {
      out.add(
          counter(
                  CHAOS_INJECTIONS,
                  chaos,
                  c -> c.injections(kind),
                  "What the policy's chaos strategies injected: a rehearsal, not an outage")
              .tag(NAME, name)
              .tag("kind", kind.tagValue())
              .register(meters));
    }
  }

  private static <T> FunctionCounter.Builder<T> counter(
      String meter, T state, ToDoubleFunction<T> count, String description) {
    return FunctionCounter.builder(meter, state, count).description(description);
  }

  /** Turns a Resilience4j percentage, -1 when unknown, into a ratio or NaN. */
  private static double ratio(float percent) {
    return percent < 0 ? Double.NaN : percent / 100.0;
  }

  @Override
  public String toString() {
    return "PolicyMetrics[" + (policy != null ? policy.name() : "registry") + "]";
  }
}
