package dev.reliability.core.policy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.Invoker;
import dev.reliability.core.policy.internal.PolicyEngine;
import dev.reliability.core.policy.internal.Resilience4jInstances;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A named fault-tolerance policy that a service wraps around an outgoing call: any of hedging,
 * retry, circuit breaker, client-side adaptive throttle, rate limiter, bulkhead, adaptive
 * concurrency limit and time limit, plus an optional per-call fallback, applied in one fixed order.
 *
 * <p><b>Order</b>, outermost first: <em>fallback</em> (per call) &gt; <em>hedging</em> &gt;
 * <em>retry</em> &gt; <em>circuit breaker</em> &gt; <em>adaptive throttle</em> &gt; <em>rate
 * limiter</em> &gt; <em>bulkhead</em> &gt; <em>adaptive concurrency limit</em> &gt; <em>time
 * limit</em> &gt; <em>chaos strategies</em> (off unless configured, see {@link ChaosConfig}) &gt;
 * the call. So every attempt is counted by the breaker and the throttle, takes a rate-limit permit,
 * a bulkhead permit and an adaptive-limit permit, and gets its own time limit; the fallback sees
 * the final failure after the retries. Rejections by the policy's own breaker, throttle, rate
 * limiter, bulkhead or adaptive concurrency limit are not retried (see {@link RetryConfig}).
 *
 * <p><b>Shapes.</b> One verb per shape: {@link #execute(Supplier)}, {@link #call(Callable)}
 * (checked exceptions pass through unchanged), {@link #run(Runnable)}, {@link
 * #executeAsync(Supplier)} for calls that return a {@link CompletionStage}; and the matching {@code
 * decorate} methods that return a guarded function to call later.
 *
 * <p><b>Failures</b> are the call's own exceptions, or the exception hierarchy's rejections, each
 * naming the policy and carrying a retry-after hint where one is known: {@link
 * dev.reliability.core.error.CircuitOpenException}, {@link
 * dev.reliability.core.error.RateLimitExceededException}, {@link
 * dev.reliability.core.error.BulkheadFullException}, {@link
 * dev.reliability.core.error.ThrottledException}; a time limit ends an attempt with {@link
 * dev.reliability.core.error.ServiceTimeoutException}.
 *
 * <p><b>Context</b> (request ID, MDC, OpenTelemetry context: every {@code ThreadLocalAccessor}
 * registered with Micrometer's context-propagation library) is present inside the call, its
 * retries, its fallback and the continuations of an asynchronous call, whatever thread or executor
 * runs them. It is captured only when work leaves the caller's thread.
 *
 * <p><b>Cost.</b> A synchronous call through a closed breaker, a retry and a bulkhead allocates
 * nothing and takes no lock of its own; see the benchmarks. Statistics are kept in the policy
 * ({@link #stats()}, {@link #circuitBreaker()}, ...) for metrics to read without per-call events.
 *
 * <p><b>Threads.</b> Synchronous calls run on the caller's thread unless a time limit is set; then
 * each attempt runs on the policy's executor (a virtual thread per attempt on Java 21 and later, a
 * cached daemon pool before) while the caller waits. With hedging, every run of a synchronous call
 * runs on the executor and the caller waits for the first success. Nothing holds a monitor across
 * the call, so virtual threads are not pinned.
 *
 * <pre>{@code
 * Policy policy = Policy.builder("payments")
 *     .circuitBreaker(CircuitBreakerConfig.ofDefaults())
 *     .retry(RetryConfig.builder().maxRetries(2).build())
 *     .timeLimiter(TimeLimiterConfig.of(Duration.ofSeconds(2)))
 *     .build();
 * String answer = policy.execute(() -> "paid");
 * }</pre>
 *
 * <p>Thread-safe. Close the policy when done with it: it shuts down the executor it created.
 */
public final class Policy implements AutoCloseable {

  private static final ContextSnapshotFactory DEFAULT_CONTEXTS =
      ContextSnapshotFactory.builder().clearMissing(true).build();

  static {
    // The Reactor operator (and any other step-by-step runtime) reaches a policy's engine here.
    dev.reliability.core.internal.SteppedCall.Factory.install(
        p -> ((Policy) p).engine.stepped(), p -> ((Policy) p).engine.contexts());
  }

  private final String name;

  /**
   * The generation in effect: the configuration with the engine built from it. Each call reads it
   * once and runs to its end on that engine, so a call never mixes two configurations.
   *
   * <p>Invariant: written only by {@link #reconfigure}, holding {@link #reconfiguring}, with an
   * engine built by {@code next} from the engine it replaces; so generations form one chain, each
   * carrying on from the one before, and no state is carried from a generation already replaced.
   */
  private volatile PolicyEngine engine;

  private final java.util.concurrent.locks.ReentrantLock reconfiguring =
      new java.util.concurrent.locks.ReentrantLock();

  /**
   * The user's Resilience4j instances and external components, kept across reconfigurations; NONE
   * when there are none.
   */
  private final Resilience4jInstances own;

  private final Supplier<String> trafficClass;

  private Policy(
      String name, PolicyEngine engine, Resilience4jInstances own, Supplier<String> trafficClass) {
    this.name = name;
    this.engine = engine;
    this.own = own;
    this.trafficClass = trafficClass;
  }

  /**
   * Starts a policy without components.
   *
   * @param name the policy's name: letters, digits, {@code -} and {@code _}, starting with a letter
   *     or digit; it names the policy in exceptions, logs, metrics and configuration keys
   * @return a builder
   * @throws IllegalArgumentException if the name has other characters
   */
  public static Builder builder(String name) {
    return new Builder(PolicyConfig.checkName(name));
  }

  /**
   * Returns the name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the configuration in effect, after configuration keys were applied.
   *
   * @return the configuration
   */
  public PolicyConfig config() {
    return engine.config();
  }

  /**
   * Replaces the configuration of this running policy; see {@link PolicyRegistry#reconfigure}, the
   * public way, which also tells the registry's listeners. Components the user brought as
   * Resilience4j instances or external components ({@link ExternalRateLimiter}, {@link
   * ExternalBulkhead}) stay: the new configuration's settings for them are replaced by the
   * instances' own, as at build time.
   *
   * @param config the new resolved configuration, valid by construction
   * @return the configuration it replaced
   */
  PolicyConfig reconfigure(PolicyConfig config) {
    reconfiguring.lock();
    try {
      PolicyEngine current = engine;
      PolicyConfig resolved = config;
      if (own.circuitBreaker() != null) {
        // The user's breaker decides, as when it was given to the builder.
        resolved = config.toBuilder().noCircuitBreaker().build();
      }
      PolicyEngine next = current.next(describeOwn(resolved, own), own);
      if (next.adaptiveLimit() != null) {
        next.adaptiveLimit().trafficClass(trafficClass);
      }
      engine = next; // the one write that moves every new call to the new generation
      return current.config();
    } finally {
      reconfiguring.unlock();
    }
  }

  /** The configuration with the user's Resilience4j instances described in place of the rest. */
  private static PolicyConfig describeOwn(PolicyConfig config, Resilience4jInstances own) {
    if (own.bulkhead() == null
        && own.rateLimiter() == null
        && own.retry() == null
        && own.externalRateLimiter() == null
        && own.externalBulkhead() == null) {
      return config;
    }
    PolicyConfig.Builder described = config.toBuilder();
    if (own.bulkhead() != null) {
      described.bulkhead(Resilience4jInstances.describeBulkhead(own.bulkhead()));
    }
    if (own.externalBulkhead() != null) {
      described.bulkhead(externalConfig("bulkhead", own.externalBulkhead().config()));
    }
    if (own.rateLimiter() != null) {
      described.rateLimiter(Resilience4jInstances.describeRateLimiter(own.rateLimiter()));
    }
    if (own.externalRateLimiter() != null) {
      described.rateLimiter(externalConfig("rateLimiter", own.externalRateLimiter().config()));
    }
    if (own.retry() != null) {
      described.retry(Resilience4jInstances.describeRetry(own.retry()));
    }
    return described.build();
  }

  private static <C> C externalConfig(String component, C config) {
    if (config == null) {
      throw new IllegalArgumentException(component + ".config() must be a configuration, was null");
    }
    return config;
  }

  /**
   * Runs a call.
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   * @throws RuntimeException the call's exception, or a rejection or time-out of the policy
   */
  public <T> T execute(Supplier<T> call) {
    return execute(call, null);
  }

  /**
   * Runs a call with a fallback.
   *
   * @param call the call
   * @param fallback supplies the result when the call fails in a way it handles; null for none
   * @param <T> the result type
   * @return the call's or the fallback's result
   * @throws RuntimeException the failure if the fallback does not handle it, or the fallback's own
   */
  @SuppressWarnings("unchecked")
  public <T> T execute(Supplier<T> call, Fallback<? extends T> fallback) {
    if (call == null) {
      throw new NullPointerException("call must not be null");
    }
    try {
      return (T) engine.execute(call, Invoker.SUPPLIER, fallback);
    } catch (Throwable t) {
      throw Invoker.sneakyThrow(t);
    }
  }

  /**
   * Runs a call that may throw checked exceptions; they reach the caller unchanged.
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   * @throws Exception the call's exception, or a rejection or time-out of the policy
   */
  public <T> T call(Callable<T> call) throws Exception {
    return call(call, null);
  }

  /**
   * Runs a call that may throw checked exceptions, with a fallback.
   *
   * @param call the call
   * @param fallback supplies the result when the call fails in a way it handles; null for none
   * @param <T> the result type
   * @return the call's or the fallback's result
   * @throws Exception the failure if the fallback does not handle it, or the fallback's own
   */
  @SuppressWarnings("unchecked")
  public <T> T call(Callable<T> call, Fallback<? extends T> fallback) throws Exception {
    if (call == null) {
      throw new NullPointerException("call must not be null");
    }
    try {
      return (T) engine.execute(call, Invoker.CALLABLE, fallback);
    } catch (Throwable t) {
      throw Invoker.sneakyThrow(t);
    }
  }

  /**
   * Runs a call without result.
   *
   * @param call the call
   * @throws RuntimeException the call's exception, or a rejection or time-out of the policy
   */
  public void run(Runnable call) {
    run(call, null);
  }

  /**
   * Runs a call without result, with a fallback whose value is ignored (use it to log or to
   * suppress a failure).
   *
   * @param call the call
   * @param fallback handles failures; null for none
   * @throws RuntimeException the failure if the fallback does not handle it, or the fallback's own
   */
  public void run(Runnable call, Fallback<?> fallback) {
    if (call == null) {
      throw new NullPointerException("call must not be null");
    }
    try {
      engine.execute(call, Invoker.RUNNABLE, fallback);
    } catch (Throwable t) {
      throw Invoker.sneakyThrow(t);
    }
  }

  /**
   * Runs an asynchronous call. The first attempt starts on the calling thread; retries start on the
   * policy's executor after their delay. The returned future completes with the caller's context in
   * scope, and its asynchronous continuations restore that context on any executor.
   *
   * @param call starts one attempt and returns its stage
   * @param <T> the result type
   * @return a future of the result; it fails with the call's failure or the policy's rejection or
   *     time-out (never a {@link java.util.concurrent.CompletionException} around them)
   */
  public <T> CompletableFuture<T> executeAsync(Supplier<? extends CompletionStage<T>> call) {
    return executeAsync(call, null);
  }

  /**
   * Runs an asynchronous call with a fallback.
   *
   * @param call starts one attempt and returns its stage
   * @param fallback supplies the result when the call fails in a way it handles; null for none
   * @param <T> the result type
   * @return a future of the call's or the fallback's result
   */
  public <T> CompletableFuture<T> executeAsync(
      Supplier<? extends CompletionStage<T>> call, Fallback<? extends T> fallback) {
    Checks.notNull("call", call);
    return engine.executeAsync(call, fallback);
  }

  /**
   * Returns the call guarded by this policy, to run later or hand to other code.
   *
   * @param call the call
   * @param <T> the result type
   * @return a supplier that runs {@link #execute(Supplier)}
   */
  public <T> Supplier<T> decorate(Supplier<T> call) {
    Checks.notNull("call", call);
    return () -> execute(call, null);
  }

  /**
   * Returns the call guarded by this policy, with a fallback.
   *
   * @param call the call
   * @param fallback the fallback
   * @param <T> the result type
   * @return a supplier that runs {@link #execute(Supplier, Fallback)}
   */
  public <T> Supplier<T> decorate(Supplier<T> call, Fallback<? extends T> fallback) {
    Checks.notNull("call", call);
    return () -> execute(call, fallback);
  }

  /**
   * Returns the call guarded by this policy.
   *
   * @param call the call
   * @param <T> the result type
   * @return a callable that runs {@link #call(Callable)}
   */
  public <T> Callable<T> decorateCallable(Callable<T> call) {
    Checks.notNull("call", call);
    return () -> call(call, null);
  }

  /**
   * Returns the call guarded by this policy.
   *
   * @param call the call
   * @return a runnable that runs {@link #run(Runnable)}
   */
  public Runnable decorateRunnable(Runnable call) {
    Checks.notNull("call", call);
    return () -> run(call, null);
  }

  /**
   * Returns the asynchronous call guarded by this policy.
   *
   * @param call starts one attempt and returns its stage
   * @param <T> the result type
   * @return a supplier that runs {@link #executeAsync(Supplier)}
   */
  public <T> Supplier<CompletableFuture<T>> decorateAsync(
      Supplier<? extends CompletionStage<T>> call) {
    Checks.notNull("call", call);
    return () -> executeAsync(call, null);
  }

  /**
   * Returns the call counts and latency by outcome.
   *
   * @return the statistics
   */
  public PolicyStats stats() {
    return engine.stats();
  }

  /**
   * Returns the circuit breaker, if the policy has one.
   *
   * @return the breaker, or empty
   */
  public Optional<CircuitBreaker> circuitBreaker() {
    return Optional.ofNullable(engine.circuitBreaker());
  }

  /**
   * Returns the retry statistics, if the policy retries.
   *
   * @return the retry, or empty
   */
  public Optional<Retry> retry() {
    return Optional.ofNullable(engine.retry());
  }

  /**
   * Returns the rate limiter, if the policy has one.
   *
   * @return the rate limiter, or empty
   */
  public Optional<RateLimiter> rateLimiter() {
    return Optional.ofNullable(engine.rateLimiter());
  }

  /**
   * Returns the bulkhead, if the policy has one.
   *
   * @return the bulkhead, or empty
   */
  public Optional<Bulkhead> bulkhead() {
    return Optional.ofNullable(engine.bulkhead());
  }

  /**
   * Returns the adaptive concurrency limit, if the policy has one: its limit, in-flight calls,
   * rejections and latency estimate, for metrics and health checks.
   *
   * @return the limiter, or empty
   */
  public Optional<AdaptiveLimiter> adaptiveLimit() {
    return Optional.ofNullable(engine.adaptiveLimit()).map(g -> g.limiter());
  }

  /**
   * Returns the time limiter, if the policy has one.
   *
   * @return the time limiter, or empty
   */
  public Optional<TimeLimiter> timeLimiter() {
    return Optional.ofNullable(engine.timeLimiter());
  }

  /**
   * Returns the hedging, if the policy hedges slow calls.
   *
   * @return the hedging, or empty
   */
  public Optional<Hedging> hedging() {
    return Optional.ofNullable(engine.hedging());
  }

  /**
   * Returns the client-side adaptive throttle, if the policy has one: its counts and rejection
   * probability.
   *
   * @return the throttle, or empty
   */
  public Optional<AdaptiveThrottle> throttle() {
    return Optional.ofNullable(engine.throttle());
  }

  /**
   * Returns the runtime switch of the chaos strategies, if the policy has them: turn injection on
   * and off, change rates, read what was injected.
   *
   * @return the chaos switch, or empty
   */
  public Optional<ChaosSwitch> chaos() {
    return Optional.ofNullable(engine.chaos());
  }

  /**
   * Shuts down the executor the policy created for time-limited and asynchronous work, if any (an
   * executor given to the builder is left alone). Calls after closing still run, but a time-limited
   * call then fails with {@link java.util.concurrent.RejectedExecutionException}.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "Policy[" + name + ", " + engine.config() + "]";
  }

  /**
   * Builds a {@link Policy}. Not thread-safe.
   *
   * <p>Defaults: no components, {@link PolicyListener#NONE}, {@link PolicyScheduler#system()}, a
   * default executor, the context-propagation library's global registry, no configuration source
   * (only the values set in code).
   */
  public static final class Builder {
    private final String name;
    private PolicyConfig.Builder components = PolicyConfig.builder();
    private PolicyListener listener = PolicyListener.NONE;
    private PolicyScheduler scheduler = PolicyScheduler.system();
    private Executor executor;
    private ContextSnapshotFactory contexts = DEFAULT_CONTEXTS;
    private ConfigSource configSource;
    private Map<String, RetryBudget> retryBudgets = Map.of();
    private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4jBreaker;
    private io.github.resilience4j.bulkhead.Bulkhead ownBulkhead;
    private io.github.resilience4j.ratelimiter.RateLimiter ownRateLimiter;
    private io.github.resilience4j.retry.Retry ownRetry;
    private ExternalRateLimiter externalRateLimiter;
    private ExternalBulkhead externalBulkhead;
    private Supplier<String> trafficClass;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Replaces every component with those of a configuration, such as a registry template.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(PolicyConfig config) {
      this.components = Checks.notNull("config", config).toBuilder();
      this.ownBulkhead = null;
      this.ownRateLimiter = null;
      this.ownRetry = null;
      this.externalRateLimiter = null;
      this.externalBulkhead = null;
      return this;
    }

    /**
     * Adds or replaces the circuit breaker.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      components.circuitBreaker(config);
      this.resilience4jBreaker = null;
      return this;
    }

    /**
     * Adds or replaces the circuit breaker with a Resilience4j circuit breaker the caller already
     * runs. The Resilience4j breaker keeps its own state, rules and metrics: the policy records
     * every attempt on it ({@code tryAcquirePermission}, {@code onSuccess}, {@code onError}, {@code
     * releasePermission}), so its own metrics and events count the policy's calls, and its state
     * changes, made by the policy or by anyone else, reach this policy's listener through its
     * {@code onStateTransition} event (a registered consumer makes Resilience4j publish an event
     * object per call). Which failures count is decided by its own configuration; {@link
     * Policy#circuitBreaker()} shows its state, counts and rates, and {@link
     * CircuitBreaker#resilience4j()} returns it.
     *
     * <pre>{@code
     * io.github.resilience4j.circuitbreaker.CircuitBreaker theirs =
     *     io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("inventory");
     * Policy policy = Policy.builder("inventory").circuitBreaker(theirs).build();
     * }</pre>
     *
     * @param circuitBreaker the Resilience4j circuit breaker
     * @return this builder
     */
    public Builder circuitBreaker(
        io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker) {
      this.resilience4jBreaker = Checks.notNull("circuitBreaker", circuitBreaker);
      components.noCircuitBreaker();
      return this;
    }

    /**
     * Adds or replaces the retry.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder retry(RetryConfig config) {
      components.retry(config);
      this.ownRetry = null;
      return this;
    }

    /**
     * Adds or replaces the retry with the user's own Resilience4j retry. Each call takes the
     * retry's {@code asyncContext()}, which decides after each attempt (its maximum attempts,
     * interval function, exception and result predicates); the policy waits the delay with its
     * {@link #scheduler(PolicyScheduler) scheduler} and runs the next attempt through the breaker,
     * rate limiter and bulkhead, as with its own retry. The retry's metrics and events count the
     * calls, and {@link Policy#retry()} reads its metrics. The policy's own rejections (open
     * breaker, rate limit, full bulkhead) are not retried. {@link Policy#config()} describes the
     * retry's settings as a {@link RetryConfig}.
     *
     * @param retry the Resilience4j retry, shared with whatever else uses it
     * @return this builder
     */
    public Builder retry(io.github.resilience4j.retry.Retry retry) {
      this.ownRetry = Checks.notNull("retry", retry);
      return this;
    }

    /**
     * Adds or replaces the rate limiter.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder rateLimiter(RateLimiterConfig config) {
      components.rateLimiter(config);
      this.ownRateLimiter = null;
      this.externalRateLimiter = null;
      return this;
    }

    /**
     * Adds or replaces the rate limiter with the user's own Resilience4j rate limiter. Each attempt
     * reserves a permit with {@code reservePermission(1)}, so the limiter's limit, period and
     * timeout decide; the policy waits a reservation's delay with its {@link
     * #scheduler(PolicyScheduler) scheduler} and refuses with a {@link
     * dev.reliability.core.error.RateLimitExceededException} when no permit comes within the
     * timeout. {@link Policy#rateLimiter()} reads the limiter's metrics. The limiter keeps reading
     * the system clock. {@link Policy#config()} describes its settings as a {@link
     * RateLimiterConfig}.
     *
     * @param rateLimiter the Resilience4j rate limiter, shared with whatever else uses it
     * @return this builder
     */
    public Builder rateLimiter(io.github.resilience4j.ratelimiter.RateLimiter rateLimiter) {
      this.ownRateLimiter = Checks.notNull("rateLimiter", rateLimiter);
      this.externalRateLimiter = null;
      return this;
    }

    /**
     * Adds or replaces the rate limiter with one whose permits are kept elsewhere, such as the
     * fleet-wide limiter of the {@code reliability-cluster} module. Each attempt asks it with
     * {@link ExternalRateLimiter#acquire(long)} for a permit within its configuration's {@link
     * RateLimiterConfig#maxWait()}, clipped by the request's deadline; the policy waits the time it
     * names with its {@link #scheduler(PolicyScheduler) scheduler}, and a refusal is a {@link
     * dev.reliability.core.error.RateLimitExceededException} carrying the retry-after the limiter
     * returned ({@link RejectionReason#RATE_LIMITED}). A limiter that throws refuses that call.
     * {@link Policy#rateLimiter()} returns the limiter itself and {@link Policy#config()} shows its
     * {@link RateLimiter#config()}. It is kept across reconfigurations of the policy.
     *
     * @param rateLimiter the external rate limiter, shared with whatever else uses it
     * @return this builder
     */
    public Builder rateLimiter(ExternalRateLimiter rateLimiter) {
      this.externalRateLimiter = Checks.notNull("rateLimiter", rateLimiter);
      this.ownRateLimiter = null;
      return this;
    }

    /**
     * Adds or replaces the bulkhead.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder bulkhead(BulkheadConfig config) {
      components.bulkhead(config);
      this.ownBulkhead = null;
      this.externalBulkhead = null;
      return this;
    }

    /**
     * Adds or replaces the bulkhead with the user's own Resilience4j (semaphore) bulkhead. Each
     * attempt takes a permit with {@code tryAcquirePermission} (waiting at most the bulkhead's
     * {@code maxWaitDuration}) and ends with {@code onComplete}; a refusal is a {@link
     * dev.reliability.core.error.BulkheadFullException}. The bulkhead's metrics and events count
     * the calls, and {@link Policy#bulkhead()} reads its metrics. {@link Policy#config()} describes
     * its settings as a {@link BulkheadConfig}.
     *
     * @param bulkhead the Resilience4j bulkhead, shared with whatever else uses it
     * @return this builder
     */
    public Builder bulkhead(io.github.resilience4j.bulkhead.Bulkhead bulkhead) {
      this.ownBulkhead = Checks.notNull("bulkhead", bulkhead);
      this.externalBulkhead = null;
      return this;
    }

    /**
     * Adds or replaces the bulkhead with one whose permits are kept elsewhere, such as the
     * fleet-wide bulkhead of the {@code reliability-cluster} module. Each attempt takes a permit
     * with {@link ExternalBulkhead#tryAcquire()}, without waiting, and gives it back with {@link
     * ExternalBulkhead#release()} exactly once: when the attempt ends (also by a time-out, a
     * cancelled hedge or an asynchronous completion) or when a later component refused it. A
     * refusal is a {@link dev.reliability.core.error.BulkheadFullException} ({@link
     * RejectionReason#BULKHEAD_FULL}) with the {@link BulkheadConfig#maxConcurrentCalls()} and
     * {@link BulkheadConfig#retryAfter()} of the bulkhead's {@link Bulkhead#config()}; a bulkhead
     * that throws refuses that call. {@link Policy#bulkhead()} returns the bulkhead itself. It is
     * kept across reconfigurations of the policy.
     *
     * @param bulkhead the external bulkhead, shared with whatever else uses it
     * @return this builder
     */
    public Builder bulkhead(ExternalBulkhead bulkhead) {
      this.externalBulkhead = Checks.notNull("bulkhead", bulkhead);
      this.ownBulkhead = null;
      return this;
    }

    /**
     * Adds or replaces the adaptive concurrency limit: each attempt takes a permit of a limit that
     * follows the attempts' latency (see {@link AdaptiveLimiter}), and a refused attempt ends the
     * call with {@link dev.reliability.core.error.ConcurrencyLimitExceededException}, which the
     * retry does not retry. It sits where the bulkhead does, just inside it if the policy has both.
     * An attempt's duration is its sample; a time-out or an overload failure (503, 429, 504 by the
     * error hierarchy) is a drop; other failures give the permit back without a sample.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder adaptiveLimit(AdaptiveLimitConfig config) {
      components.adaptiveLimit(config);
      return this;
    }

    /**
     * Sets how the adaptive limit finds a call's traffic class: the name of one of its partitions
     * ({@link AdaptiveLimitConfig.Builder#partition(String, double)}), read on the thread that
     * starts each attempt, such as a value of the request context. Default none: every call uses
     * the default partition. An unknown name, null, or a supplier that throws gives the default
     * partition. Keep it cheap and allocation-free: it runs on every attempt.
     *
     * @param trafficClass names the current call's traffic class
     * @return this builder
     */
    public Builder trafficClass(Supplier<String> trafficClass) {
      this.trafficClass = Checks.notNull("trafficClass", trafficClass);
      return this;
    }

    /**
     * Adds or replaces the time limit.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder timeLimiter(TimeLimiterConfig config) {
      components.timeLimiter(config);
      return this;
    }

    /**
     * Adds or replaces the hedging: when no run of a call has succeeded after the hedge delay,
     * another run starts (budget permitting) and the first success is returned; the other runs are
     * interrupted (synchronous calls, which then run on the policy's executor) or cancelled
     * (asynchronous ones). Hedging wraps the retry, so each hedge is a whole run of the retry, the
     * breaker and the rest, and the policy's statistics count each run. Only for idempotent calls.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder hedge(HedgeConfig config) {
      components.hedge(config);
      return this;
    }

    /**
     * Adds or replaces the client-side adaptive throttle, applied right after the circuit breaker:
     * each attempt is refused locally with the throttle's rejection probability, ending the call
     * with {@link dev.reliability.core.error.ThrottledException} (not retried). See {@link
     * AdaptiveThrottle}.
     *
     * @param config its settings
     * @return this builder
     */
    public Builder throttle(ThrottleConfig config) {
      components.throttle(config);
      return this;
    }

    /**
     * Adds or replaces the chaos strategies: faults, delays and substitute results injected into
     * attempts, innermost (right around the call), so the time limit, breaker, retry and fallback
     * react to them as to real ones. Off until {@link ChaosConfig#enabled()} or {@link
     * Policy#chaos()} turns them on. See {@link ChaosConfig}.
     *
     * @param config their settings
     * @return this builder
     */
    public Builder chaos(ChaosConfig config) {
      components.chaos(config);
      return this;
    }

    /**
     * Sets the listener. Default {@link PolicyListener#NONE}; combine several with {@link
     * PolicyListener#composite(PolicyListener...)}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PolicyListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * Sets the clock and timer. Default {@link PolicyScheduler#system()}; tests pass a {@code
     * ManualScheduler}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(PolicyScheduler scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor for time-limited attempts and asynchronous retries. The caller owns it.
     * Default: a virtual thread per task on Java 21 and later, otherwise a cached pool of daemon
     * threads named {@code reliability-policy-<name>-<n>} that {@link Policy#close()} shuts down.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Checks.notNull("executor", executor);
      return this;
    }

    /**
     * Sets how context is captured and restored across threads. Default: every {@code
     * ThreadLocalAccessor} of the context-propagation library's global registry (which the request
     * context, MDC and tracing modules fill through {@code ServiceLoader}), clearing thread locals
     * that were not captured.
     *
     * @param factory the snapshot factory
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

    Builder contextsIfSet(ContextSnapshotFactory factory) {
      if (factory != null) {
        this.contexts = factory;
      }
      return this;
    }

    /** The shared retry budgets by group name, from the registry that builds the policy. */
    Builder retryBudgets(Map<String, RetryBudget> groups) {
      this.retryBudgets = groups;
      return this;
    }

    /**
     * Applies configuration keys for this policy's name on build, see {@link
     * PolicyConfig#withOverrides(ConfigSource, String)}. Default none: only the values set in code.
     *
     * @param source the configuration source, such as {@link ConfigSource#standard()}
     * @return this builder
     */
    public Builder configSource(ConfigSource source) {
      this.configSource = Checks.notNull("source", source);
      return this;
    }

    /**
     * Returns the components set so far, with the shared retry budget of a group a retry names and
     * without configuration keys: a keyed policy's template with a key's own settings on top.
     */
    PolicyConfig components() {
      return RetryConfig.withGroupBudget(components.build(), retryBudgets);
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws dev.reliability.core.config.ConfigurationException if the configuration source holds
     *     invalid values
     */
    public Policy build() {
      PolicyConfig config = components.build();
      if (configSource != null) {
        config = config.withOverrides(configSource, name);
      }
      // Shared retry budgets: the group the retry names, from the registry.
      config = RetryConfig.withGroupBudget(config, retryBudgets);
      Resilience4jInstances own =
          new Resilience4jInstances(
              resilience4jBreaker,
              ownBulkhead,
              ownRateLimiter,
              ownRetry,
              externalRateLimiter,
              externalBulkhead);
      if (!own.any()) {
        own = Resilience4jInstances.NONE;
      }
      // The user's instances decide; the configuration describes them.
      config = describeOwn(config, own);
      PolicyEngine engine =
          new PolicyEngine(name, config, listener, scheduler, executor, contexts, own);
      if (engine.adaptiveLimit() != null) {
        engine.adaptiveLimit().trafficClass(trafficClass);
      }
      return new Policy(name, engine, own, trafficClass);
    }
  }
}
