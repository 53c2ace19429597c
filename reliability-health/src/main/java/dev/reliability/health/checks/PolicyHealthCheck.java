package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Hedging;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A dependency's health as a whole {@link Policy} sees it, load-aware components included: passive
 * health from real traffic, with no probe requests. One check per policy: it reports the worst of
 *
 * <ul>
 *   <li>the circuit breaker: degraded while open, forced open or half-open;
 *   <li>the adaptive concurrency limit: degraded while it sits at its configured minimum (below its
 *       maximum), because latency rose far above its baseline or calls time out or are refused for
 *       overload, and calls beyond the minimum are refused;
 *   <li>the client-side throttle: degraded while its rejection probability is above {@link
 *       Builder#throttleDegradedAbove(double)} (10% by default), because the dependency keeps
 *       refusing requests and callers see {@code THROTTLED};
 * </ul>
 *
 * <p>and healthy otherwise, a policy without those components included. Hedging never changes the
 * status (a hedge refused by its budget only costs latency); its counts are details.
 *
 * <pre>{@code
 * registry.register("inventory-policy", PolicyHealthCheck.of(inventory));
 * }</pre>
 *
 * <p>Details, for the components the policy has: {@code policy}; {@code breaker_state}; {@code
 * limit}, {@code limit_min}, {@code limit_max}, {@code in_flight}, {@code limit_rejections}, {@code
 * latency_estimate_ms}, {@code latency_baseline_ms}; {@code throttle_rejection_probability}, {@code
 * throttle_requests}, {@code throttle_accepts}, {@code throttled_calls}; {@code hedge_delay_ms},
 * {@code hedges_started}, {@code hedge_wins}, {@code hedges_denied_by_budget}. For the breaker's
 * own rates and counts use {@link CircuitBreakerHealthCheck}; registering both reports an open
 * breaker twice.
 *
 * <p>A {@link HealthCheckKind#DEPENDENCY} check and {@linkplain HealthCheck#live() live}: it reads
 * only the policy's counters, so every probe sees the current state. Immutable and thread-safe.
 */
public final class PolicyHealthCheck implements HealthCheck {

  private final Policy policy;
  private final double throttleDegradedAbove;

  private PolicyHealthCheck(Builder b) {
    this.policy = b.policy;
    this.throttleDegradedAbove = b.throttleDegradedAbove;
  }

  /**
   * Returns a check of a policy with the default thresholds.
   *
   * @param policy the policy
   * @return the check
   * @throws NullPointerException if {@code policy} is null
   */
  public static PolicyHealthCheck of(Policy policy) {
    return builder(policy).build();
  }

  /**
   * Starts a check of a policy.
   *
   * @param policy the policy
   * @return a new builder
   * @throws NullPointerException if {@code policy} is null
   */
  public static Builder builder(Policy policy) {
    return new Builder(Checks.notNull("policy", policy));
  }

  @Override
  public HealthCheckResult check() {
    HealthStatus status = HealthStatus.HEALTHY;
    List<String> problems = new ArrayList<>();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("policy", policy.name());

    var breaker = policy.circuitBreaker();
    if (breaker.isPresent()) {
      CircuitState state = breaker.get().state();
      d.put("breaker_state", state.name());
      if (state == CircuitState.OPEN
          || state == CircuitState.FORCED_OPEN
          || state == CircuitState.HALF_OPEN) {
        status = HealthStatus.DEGRADED;
        problems.add(
            "circuit breaker is "
                + state.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (state == CircuitState.HALF_OPEN
                    ? ", probing for recovery"
                    : "; calls fail fast"));
      }
    }

    var limit = policy.adaptiveLimit();
    if (limit.isPresent()) {
      AdaptiveLimiter l = limit.get();
      int now = l.limit();
      int min = l.config().minLimit();
      int max = l.config().maxLimit();
      d.put("limit", now);
      d.put("limit_min", min);
      d.put("limit_max", max);
      d.put("in_flight", l.inFlight());
      d.put("limit_rejections", l.rejectedCalls());
      d.put("latency_estimate_ms", l.latencyEstimateNanos() / 1e6);
      d.put("latency_baseline_ms", l.baselineLatencyNanos() / 1e6);
      if (now <= min && min < max) {
        status = HealthStatus.DEGRADED;
        problems.add(
            "adaptive limit is at its minimum of "
                + min
                + ": the dependency is slow or overloaded");
      }
    }

    var throttle = policy.throttle();
    if (throttle.isPresent()) {
      AdaptiveThrottle t = throttle.get();
      double p = t.rejectionProbability();
      d.put("throttle_rejection_probability", p);
      d.put("throttle_requests", t.requests());
      d.put("throttle_accepts", t.accepts());
      d.put("throttled_calls", t.throttledCalls());
      if (p > throttleDegradedAbove) {
        status = HealthStatus.DEGRADED;
        problems.add(
            "throttle refuses "
                + percent(p)
                + " of calls (above "
                + percent(throttleDegradedAbove)
                + "): the dependency refuses requests");
      }
    }

    var hedging = policy.hedging();
    if (hedging.isPresent()) {
      Hedging h = hedging.get();
      d.put("hedge_delay_ms", h.delayNanos() / 1e6);
      d.put("hedges_started", h.hedgesStarted());
      d.put("hedge_wins", h.hedgeWins());
      d.put("hedges_denied_by_budget", h.hedgesDeniedByBudget());
    }

    String message =
        problems.isEmpty()
            ? "policy " + policy.name() + " is healthy"
            : "policy " + policy.name() + ": " + String.join("; ", problems);
    return HealthCheckResult.builder(status).message(message).details(d).build();
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.DEPENDENCY;
  }

  /**
   * Returns true: the check reads only counters the policy keeps in memory.
   *
   * @return true
   */
  @Override
  public boolean live() {
    return true;
  }

  @Override
  public String toString() {
    return "PolicyHealthCheck[" + policy.name() + "]";
  }

  /** Builds a {@link PolicyHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final Policy policy;
    private double throttleDegradedAbove = 0.1;

    private Builder(Policy policy) {
      this.policy = policy;
    }

    /**
     * Sets the throttle rejection probability above which the policy is degraded. Default 0.1, the
     * threshold of the shipped {@code ReliabilityThrottleRejecting} alert.
     *
     * @param probability from 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if the probability is outside 0 to 1
     */
    public Builder throttleDegradedAbove(double probability) {
      this.throttleDegradedAbove = Checks.fraction("throttleDegradedAbove", probability);
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public PolicyHealthCheck build() {
      return new PolicyHealthCheck(this);
    }
  }
}
