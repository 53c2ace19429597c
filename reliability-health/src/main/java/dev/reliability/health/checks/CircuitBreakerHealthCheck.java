package dev.reliability.health.checks;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Policy;
import dev.reliability.health.HealthCheck;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A dependency's health as its circuit breaker sees it: passive health from real traffic, with no
 * extra probe requests. Closed is healthy; open (and forced open) is degraded by default, because
 * the service still works with the breaker failing fast; half-open is degraded while the breaker
 * probes for recovery; disabled and metrics-only breakers are healthy.
 *
 * <pre>{@code
 * registry.register("payments-breaker", CircuitBreakerHealthCheck.of(paymentsBreaker));
 * }</pre>
 *
 * <p>Works with a fault-tolerance {@link Policy}'s breaker ({@link #of(Policy)}), a Resilience4j
 * {@link CircuitBreaker} ({@link #of(CircuitBreaker)}), or any breaker that can name its state
 * ({@link #builder(String, Supplier)}). Details: {@code breaker}, {@code state}, and for
 * Resilience4j {@code failure_rate}, {@code slow_call_rate} (in percent, once enough calls were
 * recorded), {@code failure_count}, {@code buffered_calls}, {@code not_permitted_calls}. A {@link
 * HealthCheckKind#DEPENDENCY} check. Immutable and thread-safe.
 */
public final class CircuitBreakerHealthCheck implements HealthCheck {

  private final String breakerName;
  private final Supplier<String> state;
  private final Supplier<? extends Map<String, ?>> details;
  private final HealthStatus openStatus;
  private final HealthStatus halfOpenStatus;
  private final boolean live;

  private CircuitBreakerHealthCheck(Builder b) {
    this.breakerName = b.breakerName;
    this.state = b.state;
    this.details = b.details;
    this.openStatus = b.openStatus;
    this.halfOpenStatus = b.halfOpenStatus;
    this.live = b.live;
  }

  /**
   * Returns a check of a Resilience4j circuit breaker, with its failure rate and call counts as
   * details.
   *
   * @param breaker the breaker
   * @return the check
   */
  public static CircuitBreakerHealthCheck of(CircuitBreaker breaker) {
    Checks.notNull("breaker", breaker);
    return builder(breaker.getName(), () -> breaker.getState().name())
        .details(() -> resilience4jDetails(breaker))
        .build();
  }

  /**
   * Returns a check of a policy's circuit breaker, named after the policy.
   *
   * <pre>{@code
   * Policy payments = Policy.builder("payments").circuitBreaker(CircuitBreakerConfig.ofDefaults()).build();
   * registry.register("payments-breaker", CircuitBreakerHealthCheck.of(payments));
   * }</pre>
   *
   * @param policy the policy
   * @return the check
   * @throws IllegalArgumentException if the policy has no circuit breaker
   */
  public static CircuitBreakerHealthCheck of(Policy policy) {
    Checks.notNull("policy", policy);
    Optional<dev.reliability.core.policy.CircuitBreaker> breaker = policy.circuitBreaker();
    Checks.check(breaker.isPresent(), "policy", "a policy with a circuit breaker", policy.name());
    // Looked up at each run: a reconfigured policy shows a new breaker that carries the state on;
    // one reconfigured without a breaker reads as disabled.
    return builder(
            policy.name(),
            () -> policy.circuitBreaker().map(b -> b.state().name()).orElse("DISABLED"))
        .details(() -> policy.circuitBreaker().map(b -> policyDetails(b)).orElse(Map.of()))
        .build();
  }

  /**
   * Returns a check of a policy's circuit breaker view, with its rates, counts and the time it
   * keeps refusing calls as details. {@link CircuitState#FORCED_CLOSED} counts as healthy.
   *
   * @param breakerName the name shown in details and messages
   * @param breaker the breaker, from {@link Policy#circuitBreaker()}
   * @return the check
   */
  public static CircuitBreakerHealthCheck of(
      String breakerName, dev.reliability.core.policy.CircuitBreaker breaker) {
    Checks.notNull("breaker", breaker);
    return builder(breakerName, () -> breaker.state().name())
        .details(() -> policyDetails(breaker))
        .build();
  }

  private static Map<String, Object> policyDetails(dev.reliability.core.policy.CircuitBreaker b) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (b.failureRate() >= 0) {
      d.put("failure_rate", (double) b.failureRate());
    }
    if (b.slowCallRate() >= 0) {
      d.put("slow_call_rate", (double) b.slowCallRate());
    }
    d.put("failure_count", b.failedCalls());
    d.put("buffered_calls", b.bufferedCalls());
    d.put("not_permitted_calls", b.rejectedCalls());
    d.put("openings", b.openings());
    b.retryAfter().ifPresent(r -> d.put("retry_after_ms", r.toMillis()));
    return d;
  }

  /**
   * Starts a check of any breaker that names its state: {@code CLOSED}, {@code OPEN}, {@code
   * HALF_OPEN}, {@code FORCED_OPEN}, {@code FORCED_CLOSED}, {@code DISABLED} or {@code
   * METRICS_ONLY} (without regard to case, {@code -} or {@code _}). Any other state is reported
   * unknown.
   *
   * @param breakerName the breaker's name, shown in details
   * @param state supplies the current state's name; called on each run
   * @return a new builder
   */
  public static Builder builder(String breakerName, Supplier<String> state) {
    return new Builder(Checks.notBlank("breakerName", breakerName), Checks.notNull("state", state));
  }

  @Override
  public HealthCheckResult check() {
    String raw = state.get();
    String name = raw == null ? "UNKNOWN" : raw.strip().replace('-', '_').toUpperCase(Locale.ROOT);
    HealthStatus status;
    String message;
    switch (name) {
      case "CLOSED":
        status = HealthStatus.HEALTHY;
        message = "circuit breaker " + breakerName + " is closed";
        break;
      case "OPEN":
      case "FORCED_OPEN":
        status = openStatus;
        message =
            "circuit breaker "
                + breakerName
                + " is "
                + (name.equals("OPEN") ? "open" : "forced open")
                + "; calls fail fast";
        break;
      case "HALF_OPEN":
        status = halfOpenStatus;
        message = "circuit breaker " + breakerName + " is half-open, probing for recovery";
        break;
      case "DISABLED":
      case "METRICS_ONLY":
      case "FORCED_CLOSED":
        status = HealthStatus.HEALTHY;
        message =
            "circuit breaker "
                + breakerName
                + " is "
                + name.toLowerCase(Locale.ROOT).replace('_', '-');
        break;
      default:
        status = HealthStatus.UNKNOWN;
        message = "circuit breaker " + breakerName + " is in an unknown state: " + raw;
    }
    HealthCheckResult.Builder b =
        HealthCheckResult.builder(status)
            .message(message)
            .detail("breaker", breakerName)
            .detail("state", name);
    if (details != null) {
      Map<String, ?> extra = details.get();
      if (extra != null) {
        b.details(extra);
      }
    }
    return b.build();
  }

  private static Map<String, Object> resilience4jDetails(CircuitBreaker breaker) {
    CircuitBreaker.Metrics m = breaker.getMetrics();
    Map<String, Object> d = new LinkedHashMap<>();
    if (m.getFailureRate() >= 0) {
      d.put("failure_rate", (double) m.getFailureRate());
    }
    if (m.getSlowCallRate() >= 0) {
      d.put("slow_call_rate", (double) m.getSlowCallRate());
    }
    d.put("failure_count", m.getNumberOfFailedCalls());
    d.put("buffered_calls", m.getNumberOfBufferedCalls());
    d.put("not_permitted_calls", m.getNumberOfNotPermittedCalls());
    return d;
  }

  @Override
  public HealthCheckKind kind() {
    return HealthCheckKind.DEPENDENCY;
  }

  /**
   * Returns whether the registry runs this check on every probe: true unless {@link
   * Builder#live(boolean)} said otherwise, because a breaker's state is in memory and a probe
   * during an incident must show the breaker open, not a cached closed.
   *
   * @return true by default
   */
  @Override
  public boolean live() {
    return live;
  }

  /** Builds a {@link CircuitBreakerHealthCheck}. Not thread-safe. */
  public static final class Builder {
    private final String breakerName;
    private final Supplier<String> state;
    private Supplier<? extends Map<String, ?>> details;
    private HealthStatus openStatus = HealthStatus.DEGRADED;
    private HealthStatus halfOpenStatus = HealthStatus.DEGRADED;
    private boolean live = true;

    private Builder(String breakerName, Supplier<String> state) {
      this.breakerName = breakerName;
      this.state = state;
    }

    /**
     * Adds details read on each run, such as the breaker's failure count.
     *
     * @param details supplies the details
     * @return this builder
     */
    public Builder details(Supplier<? extends Map<String, ?>> details) {
      this.details = Checks.notNull("details", details);
      return this;
    }

    /**
     * Sets the status of an open breaker. Default {@link HealthStatus#DEGRADED}; {@link
     * HealthStatus#UNHEALTHY} takes the instance out of rotation while the dependency is down.
     *
     * @param status the status
     * @return this builder
     */
    public Builder openStatus(HealthStatus status) {
      this.openStatus = Checks.notNull("openStatus", status);
      return this;
    }

    /**
     * Sets the status of a half-open breaker. Default {@link HealthStatus#DEGRADED}.
     *
     * @param status the status
     * @return this builder
     */
    public Builder halfOpenStatus(HealthStatus status) {
      this.halfOpenStatus = Checks.notNull("halfOpenStatus", status);
      return this;
    }

    /**
     * Sets whether the check is {@linkplain HealthCheck#live() live}: run on every probe, on the
     * probe's thread, without cache or timeout. Default true, which suits any breaker whose state
     * is read from memory; pass false when the state supplier may block (it asks another process,
     * say), so the registry caches its result and enforces a timeout.
     *
     * @param live whether the state supplier only reads memory
     * @return this builder
     */
    public Builder live(boolean live) {
      this.live = live;
      return this;
    }

    /**
     * Builds the check.
     *
     * @return the check
     */
    public CircuitBreakerHealthCheck build() {
      return new CircuitBreakerHealthCheck(this);
    }
  }
}
