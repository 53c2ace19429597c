package dev.reliability.core.policy;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.BudgetState;
import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A limit on retries relative to calls, so that retries cannot multiply the load on a dependency
 * that is already failing (a "retry storm"). Three rules are offered, and a fourth way:
 *
 * <ul>
 *   <li>{@link #of(double, int)}, the {@link Rule#RATIO} rule: a token bucket that every call
 *       credits with {@link #ratio()} tokens and every retry takes one from; it holds at most
 *       {@link #reserve()} tokens and starts full.
 *   <li>{@link #tokenBucket(int, double)}, the {@link Rule#TOKEN_BUCKET} rule of gRPC's retry
 *       throttling: the bucket holds at most {@link #maxTokens()} and starts full; every retryable
 *       failure of an attempt takes one token, every successful attempt adds {@link #tokenRatio()};
 *       retries (and hedges) are made only while the bucket holds more than half of its capacity.
 *       Nothing is taken for a retry itself.
 *   <li>{@link #percentOfRequests(double, Duration, int)}, the {@link Rule#PERCENT_OF_REQUESTS}
 *       rule of Finagle's retry budget: over the last {@link #ttl()}, retries may be {@link
 *       #percentCanRetry()} of the calls plus {@link #minRetriesPerSecond()} times the TTL in
 *       seconds, so a quiet client can still retry a little.
 *   <li>{@link #external(String, ExternalRetryBudget)}, {@link Rule#EXTERNAL}: a budget kept by
 *       another engine, which hears of every call and attempt outcome and decides each retry; one
 *       budget for a whole fleet of instances (the {@code reliability-cluster} module).
 * </ul>
 *
 * <p>When the budget refuses, a retryable failure is not retried and the retry counts as exhausted.
 * A hedging policy draws its hedges from the same budget.
 *
 * <p><b>Per policy or shared.</b> A budget set on a {@link RetryConfig} is a description: every
 * policy built from that configuration keeps its own bucket. {@link #shared(String)} returns a
 * budget that holds its state itself: every policy whose configuration carries that one object,
 * such as all keys built from one template configuration or a group of policies calling one
 * downstream, draws on one bucket. Create it once per downstream and keep it.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.of(0.2, 10); // at most one retry per five calls
 * RetryBudget grpc = RetryBudget.tokenBucket(10, 0.1);
 * RetryBudget payments = RetryBudget.percentOfRequests(0.2, Duration.ofSeconds(10), 10)
 *     .shared("payments-api");
 * }</pre>
 *
 * <p>Immutable and thread-safe; a shared budget's state is lock-free. Two per-policy budgets are
 * equal when their rule and values are; a shared or external budget equals only itself.
 */
public final class RetryBudget {

  /** The rule a budget follows. */
  public enum Rule {
    /** Retries per call from a bucket credited on every call ({@link #of(double, int)}). */
    RATIO,
    /** gRPC's retry throttling ({@link #tokenBucket(int, double)}). */
    TOKEN_BUCKET,
    /** Finagle's percentage of recent calls ({@link #percentOfRequests(double, Duration, int)}). */
    PERCENT_OF_REQUESTS,
    /**
     * A budget kept by another engine, such as one shared by every instance of a service ({@link
     * #external(String, ExternalRetryBudget)}); not a value of configuration keys.
     */
    EXTERNAL
  }

  static {
    BudgetState.installSharedAccess(RetryBudget::state);
  }

  private final Rule rule;
  private final double ratio;
  private final int reserve;
  private final Duration ttl;
  private final String name;
  private final BudgetState state;

  /** The engine of an external budget, else null. */
  private final ExternalRetryBudget external;

  private RetryBudget(Rule rule, double ratio, int reserve, Duration ttl) {
    this.rule = rule;
    this.ratio = ratio;
    this.reserve = reserve;
    this.ttl = ttl;
    this.name = null;
    this.state = null;
    this.external = null;
  }

  private RetryBudget(RetryBudget b, String name, TimeSource time) {
    this.rule = b.rule;
    this.ratio = b.ratio;
    this.reserve = b.reserve;
    this.ttl = b.ttl;
    this.name = name;
    this.external = b.external;
    this.state =
        external != null ? BudgetState.external(name, external) : BudgetState.create(b, time);
  }

  private RetryBudget(String name, ExternalRetryBudget external) {
    this.rule = Rule.EXTERNAL;
    this.ratio = 0.0;
    this.reserve = 0;
    this.ttl = Duration.ZERO;
    this.name = name;
    this.external = external;
    this.state = BudgetState.external(name, external);
  }

  /**
   * Returns a budget of the {@link Rule#RATIO} rule.
   *
   * @param ratio the retries allowed per call, between 0.0 and 1.0
   * @param reserve the most retries that may be saved up, 1 to 1,000,000
   * @return the budget
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetryBudget of(double ratio, int reserve) {
    RetryConfig.BUDGET_RATIO.check(ratio);
    RetryConfig.BUDGET_RESERVE.check(reserve);
    return new RetryBudget(Rule.RATIO, ratio, reserve, Duration.ZERO);
  }

  /**
   * Returns a budget of gRPC's retry throttling rule ({@link Rule#TOKEN_BUCKET}). gRPC's own
   * example is {@code tokenBucket(10, 0.1)}: after ten failures in a row retries stop once half of
   * the ten tokens are gone, and come back after about ten successes per missing token.
   *
   * @param maxTokens the bucket's capacity and initial content, 1 to 1,000
   * @param tokenRatio the tokens a successful attempt adds, more than 0.0 and at most 1.0
   * @return the budget
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetryBudget tokenBucket(int maxTokens, double tokenRatio) {
    RetryConfig.BUDGET_MAX_TOKENS.check(maxTokens);
    RetryConfig.BUDGET_TOKEN_RATIO.check(tokenRatio);
    return new RetryBudget(Rule.TOKEN_BUCKET, tokenRatio, maxTokens, Duration.ZERO);
  }

  /**
   * Returns a budget of Finagle's rule ({@link Rule#PERCENT_OF_REQUESTS}). Finagle's defaults are
   * {@code percentOfRequests(0.2, Duration.ofSeconds(10), 10)}.
   *
   * @param percentCanRetry the retries allowed per call over the window, between 0.0 and 1.0
   * @param ttl the window over which calls and retries count, 1 s to 1 h
   * @param minRetriesPerSecond the floor: retries per second of the window allowed without calls, 0
   *     to 100,000
   * @return the budget
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetryBudget percentOfRequests(
      double percentCanRetry, Duration ttl, int minRetriesPerSecond) {
    RetryConfig.BUDGET_PERCENT.check(percentCanRetry);
    RetryConfig.BUDGET_TTL.check(Checks.notNull("ttl", ttl));
    RetryConfig.BUDGET_MIN_RETRIES_PER_SECOND.check(minRetriesPerSecond);
    return new RetryBudget(Rule.PERCENT_OF_REQUESTS, percentCanRetry, minRetriesPerSecond, ttl);
  }

  /**
   * Returns a budget kept by another engine ({@link Rule#EXTERNAL}): one budget for a downstream
   * shared by every instance of a service, such as the fleet-wide retry budget of the {@code
   * reliability-cluster} module. Like a {@link #shared(String)} budget, every policy configured
   * with the returned object draws on it: each call's first attempt is reported with {@link
   * ExternalRetryBudget#onCall()}, each successful attempt with {@link
   * ExternalRetryBudget#onSuccess()}, each retryable failure with {@link
   * ExternalRetryBudget#onFailure()}, and every retry and hedge asks {@link
   * ExternalRetryBudget#tryAcquire()} first. {@link #available()} reads the engine; {@link
   * #rejections()} counts the retries it refused. A budget that throws refuses the retry or hedge.
   *
   * <pre>{@code
   * RetryBudget fleet = RetryBudget.external("payments-api", fleetBudget);
   * RetryConfig retry = RetryConfig.builder().maxRetries(2).budget(fleet).build();
   * }</pre>
   *
   * @param name the name of the budget, shown in metrics ({@code budget} tag)
   * @param budget the external budget, which decides
   * @return a new shared budget on that engine
   * @throws IllegalArgumentException if the name is blank
   */
  public static RetryBudget external(String name, ExternalRetryBudget budget) {
    return new RetryBudget(Checks.notBlank("name", name), Checks.notNull("budget", budget));
  }

  /**
   * Returns a budget with this one's rule and values whose state is shared by every policy that is
   * configured with the returned object, on the system clock. For an {@link Rule#EXTERNAL} budget:
   * the same engine under another name, with its own count of refusals.
   *
   * @param name the name of the shared budget, shown in metrics ({@code budget} tag)
   * @return a new shared budget, starting full
   * @throws IllegalArgumentException if the name is blank
   */
  public RetryBudget shared(String name) {
    return shared(name, TimeSource.system());
  }

  /**
   * Returns a shared budget, as {@link #shared(String)}, on the given clock (which only the {@link
   * Rule#PERCENT_OF_REQUESTS} rule reads).
   *
   * @param name the name of the shared budget
   * @param time the clock
   * @return a new shared budget, starting full
   * @throws IllegalArgumentException if the name is blank
   */
  public RetryBudget shared(String name, TimeSource time) {
    return new RetryBudget(this, Checks.notBlank("name", name), Checks.notNull("time", time));
  }

  /**
   * Returns the rule this budget follows.
   *
   * @return the rule
   */
  public Rule rule() {
    return rule;
  }

  /**
   * Returns the retries allowed per call of the {@link Rule#RATIO} rule; for the other rules the
   * same number as {@link #tokenRatio()} or {@link #percentCanRetry()}.
   *
   * @return the ratio, between 0.0 and 1.0
   */
  public double ratio() {
    return ratio;
  }

  /**
   * Returns the most retries that may be saved up, and the bucket's initial content, of the {@link
   * Rule#RATIO} rule; for the other rules the same number as {@link #maxTokens()} or {@link
   * #minRetriesPerSecond()}.
   *
   * @return the reserve
   */
  public int reserve() {
    return reserve;
  }

  /**
   * Returns the capacity of the {@link Rule#TOKEN_BUCKET} rule.
   *
   * @return the capacity, 0 for the other rules
   */
  public int maxTokens() {
    return rule == Rule.TOKEN_BUCKET ? reserve : 0;
  }

  /**
   * Returns the tokens a successful attempt adds under the {@link Rule#TOKEN_BUCKET} rule.
   *
   * @return the ratio, 0.0 for the other rules
   */
  public double tokenRatio() {
    return rule == Rule.TOKEN_BUCKET ? ratio : 0.0;
  }

  /**
   * Returns the retries allowed per call under the {@link Rule#PERCENT_OF_REQUESTS} rule.
   *
   * @return the fraction, 0.0 for the other rules
   */
  public double percentCanRetry() {
    return rule == Rule.PERCENT_OF_REQUESTS ? ratio : 0.0;
  }

  /**
   * Returns the window of the {@link Rule#PERCENT_OF_REQUESTS} rule.
   *
   * @return the window, zero for the other rules
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * Returns the floor of the {@link Rule#PERCENT_OF_REQUESTS} rule in retries per second.
   *
   * @return the floor, 0 for the other rules
   */
  public int minRetriesPerSecond() {
    return rule == Rule.PERCENT_OF_REQUESTS ? reserve : 0;
  }

  /**
   * Returns the name of a shared budget.
   *
   * @return the name, or empty for a per-policy budget
   */
  public Optional<String> sharedName() {
    return Optional.ofNullable(name);
  }

  /**
   * Returns whether this budget's state is shared by the policies configured with it.
   *
   * @return true for a budget from {@link #shared(String)} or {@link #external(String,
   *     ExternalRetryBudget)}
   */
  public boolean isShared() {
    return state != null;
  }

  /**
   * Returns the retries a shared budget would allow now: the tokens of the {@link Rule#RATIO} and
   * {@link Rule#TOKEN_BUCKET} rules, the retries left in the window of the {@link
   * Rule#PERCENT_OF_REQUESTS} rule, the engine's {@link ExternalRetryBudget#available()} for an
   * {@link Rule#EXTERNAL} budget.
   *
   * @return the available retries, or -1 for a per-policy budget (ask the policy's {@link Retry})
   */
  public double available() {
    return state == null ? -1 : state.available();
  }

  /**
   * Returns the retries a shared budget refused, over all the policies that share it.
   *
   * @return the count, 0 for a per-policy budget
   */
  public long rejections() {
    return state == null ? 0 : state.rejections();
  }

  /** Returns the state of a shared budget, or null for a per-policy budget. */
  private BudgetState state() {
    return state;
  }

  @Override
  public boolean equals(Object o) {
    if (state != null) {
      return o == this;
    }
    return o instanceof RetryBudget b
        && b.state == null
        && b.rule == rule
        && Double.compare(b.ratio, ratio) == 0
        && b.reserve == reserve
        && b.ttl.equals(ttl);
  }

  @Override
  public int hashCode() {
    return state != null ? System.identityHashCode(this) : Objects.hash(rule, ratio, reserve, ttl);
  }

  @Override
  public String toString() {
    String shared = name == null ? "" : ", shared=" + name;
    return switch (rule) {
      case EXTERNAL -> "RetryBudget[rule=external, shared=" + name + ", engine=" + external + "]";
      case RATIO -> "RetryBudget[ratio=" + ratio + ", reserve=" + reserve + shared + "]";
      case TOKEN_BUCKET ->
          "RetryBudget[rule=token-bucket, maxTokens="
              + reserve
              + ", tokenRatio="
              + ratio
              + shared
              + "]";
      case PERCENT_OF_REQUESTS ->
          "RetryBudget[rule=percent-of-requests, percentCanRetry="
              + ratio
              + ", ttl="
              + ttl
              + ", minRetriesPerSecond="
              + reserve
              + shared
              + "]";
    };
  }
}
