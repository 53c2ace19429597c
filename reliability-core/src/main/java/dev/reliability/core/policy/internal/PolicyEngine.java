package dev.reliability.core.policy.internal;

import dev.reliability.core.context.Deadline;
import dev.reliability.core.context.RequestContext;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.DeadlineExceededException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.policy.AdaptiveLimiter;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.Bulkhead;
import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.ChaosSwitch;
import dev.reliability.core.policy.CircuitBreaker;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.Fallback;
import dev.reliability.core.policy.Hedging;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.PolicyScheduler;
import dev.reliability.core.policy.PolicyStats;
import dev.reliability.core.policy.RateLimiter;
import dev.reliability.core.policy.RejectionReason;
import dev.reliability.core.policy.Retry;
import dev.reliability.core.policy.TimeLimiter;
import dev.reliability.core.time.TimeSource;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Runs guarded calls through the components of one policy, in the order fallback, hedging, retry,
 * circuit breaker, adaptive throttle, rate limiter, bulkhead, adaptive concurrency limit, time
 * limit, chaos strategies (which wrap the call itself).
 *
 * <p>The synchronous path of a closed breaker and a successful call reads the clock twice, asks
 * each component once, and adds to the calling thread's own statistics cell with plain writes: no
 * allocation, no lock, and one compare-and-set (the cursor of the closed breaker's window), no
 * listener work when the listener is {@link PolicyListener#NONE}, no context capture unless the
 * attempt moves to another thread.
 *
 * <p>Internal: may change at any time.
 */
public final class PolicyEngine implements AutoCloseable {

  /** Returned by {@link #afterAttempt} when the attempt's value ends the call. */
  static final long RETURN_VALUE = Long.MIN_VALUE;

  /** Returned by {@link #afterAttempt} when a value the retry wanted to retry ends the call. */
  static final long RETURN_RETRIED_VALUE = Long.MIN_VALUE + 1;

  final String name;
  final PolicyConfig config;
  final PolicyListener listener;
  final PolicyScheduler scheduler;
  final TimeSource time;
  final Executor executor;
  private final ExecutorService ownedExecutor;
  final ContextSnapshotFactory contexts;

  final Stats stats;
  final PolicyBreaker breaker;
  private final CircuitBreakerConfig breakerConfig;
  private final boolean breakerResultRule;

  /**
   * Whether a returned value may count as a failure, be retried or be a refusal to the throttle.
   */
  private final boolean valueRules;

  final RetryState retry;

  /** The client-side adaptive throttle, or null; asked right after the breaker. */
  final AdaptiveThrottle throttle;

  final Limiter rateLimiter;
  final long rateLimiterMaxWait;
  final BulkheadPermits bulkhead;
  final int bulkheadMax;

  /** The bulkhead's retry-after hint in nanoseconds, -1 for none. */
  final long bulkheadRetryAfterNanos;

  final TimeLimit timeLimit;

  /** The adaptive concurrency limit, just inside the bulkhead; null if the policy has none. */
  final AdaptiveGate adaptive;

  /** The hedging, outside the retry: each run is a whole run of the chain below; or null. */
  final HedgeState hedge;

  /** The chaos strategies, innermost around the call; or null. */
  final ChaosState chaos;

  /**
   * Whether {@link #execute} may take its direct path: no listener, rate limiter, time limit or
   * rule on returned values, so that a first attempt's success needs nothing else.
   */
  private final boolean direct;

  /**
   * Creates the engine.
   *
   * @param name the policy's name
   * @param config the resolved configuration
   * @param listener the listener, {@link PolicyListener#NONE} for none
   * @param scheduler the clock and timer
   * @param executor the executor for time-limited attempts and asynchronous retries, or null for
   *     the default (which the engine then owns)
   * @param contexts the context snapshot factory
   */
  public PolicyEngine(
      String name,
      PolicyConfig config,
      PolicyListener listener,
      PolicyScheduler scheduler,
      Executor executor,
      ContextSnapshotFactory contexts) {
    this(name, config, listener, scheduler, executor, contexts, Resilience4jInstances.NONE);
  }

  /**
   * Creates the engine with some components taken from the user's Resilience4j instances; each one
   * given replaces the component the configuration describes (a user's circuit breaker also
   * replaces the configured breaker's settings: the engine reads them from the instance).
   *
   * @param name the policy's name
   * @param config the resolved configuration
   * @param listener the listener, {@link PolicyListener#NONE} for none
   * @param scheduler the clock and timer
   * @param executor the executor for time-limited attempts and asynchronous retries, or null for
   *     the default (which the engine then owns)
   * @param contexts the context snapshot factory
   * @param own the user's Resilience4j instances
   */
  public PolicyEngine(
      String name,
      PolicyConfig config,
      PolicyListener listener,
      PolicyScheduler scheduler,
      Executor executor,
      ContextSnapshotFactory contexts,
      Resilience4jInstances own) {
    this(name, config, SafeListener.guard(listener), scheduler, executor, contexts, own, null);
  }

  /**
   * Builds the engine of a new configuration of the same policy, which carries on from this one:
   * same name, listener, scheduler, executor (its ownership moves to the new engine, which {@link
   * #close()} then shuts down) and statistics; the circuit breaker's state and counts, the retry's
   * counts and budget, the counts of the rate limiter and bulkhead go on in the new components; a
   * throttle or adaptive limit whose settings are unchanged is the same object, and so is the
   * adapter of each of the user's own components (Resilience4j or external) in {@code own}. This
   * engine is not changed except that its breaker stops reporting transitions; calls in flight on
   * it finish on it.
   *
   * @param config the new resolved configuration
   * @param own the user's Resilience4j instances, kept as they are
   * @return the new engine
   */
  public PolicyEngine next(PolicyConfig config, Resilience4jInstances own) {
    return new PolicyEngine(name, config, listener, scheduler, executor, contexts, own, this);
  }

  private PolicyEngine(
      String name,
      PolicyConfig config,
      PolicyListener guardedListener,
      PolicyScheduler scheduler,
      Executor executor,
      ContextSnapshotFactory contexts,
      Resilience4jInstances own,
      PolicyEngine previous) {
    this.name = name;
    this.config = config;
    this.listener = guardedListener;
    this.scheduler = scheduler;
    this.time = scheduler.timeSource();
    this.contexts = contexts;
    Executor e = executor;
    ExecutorService owned = null;
    if (previous != null) {
      owned = previous.ownedExecutor;
    } else if (e == null) {
      e = DefaultExecutors.create(name);
      owned = e instanceof ExecutorService s ? s : null;
    }
    this.executor = e;
    this.ownedExecutor = owned;
    this.stats = previous == null ? new Stats() : previous.stats;

    if (own.circuitBreaker() != null) {
      this.breaker =
          previous != null && previous.breaker instanceof Resilience4jBreaker kept
              ? kept
              : new Resilience4jBreaker(name, own.circuitBreaker(), time, this::onStateChange);
      this.breakerConfig = breaker.config();
    } else {
      this.breakerConfig = config.circuitBreaker().orElse(null);
      Breaker before = previous != null && previous.breaker instanceof Breaker b ? b : null;
      this.breaker =
          breakerConfig == null
              ? null
              : new Breaker(name, breakerConfig, time, this::onStateChange, new Stats(), before);
    }
    this.breakerResultRule = breakerConfig != null && breakerConfig.hasFailureResultRule();
    RetryState retryBefore = previous == null ? null : previous.retry;
    if (own.retry() != null) {
      this.retry =
          retryBefore instanceof Resilience4jRetry kept
              ? kept
              : new Resilience4jRetry(own.retry(), stats);
    } else {
      RetryState r = config.retry().map(c -> new RetryState(c, stats, time)).orElse(null);
      if (r != null && retryBefore != null && !(retryBefore instanceof Resilience4jRetry)) {
        r.carryOn(retryBefore);
      }
      this.retry = r;
    }
    AdaptiveThrottle throttleBefore = previous == null ? null : previous.throttle;
    this.throttle =
        config
            .throttle()
            .map(
                t ->
                    throttleBefore != null && throttleBefore.config().equals(t)
                        ? throttleBefore
                        : AdaptiveThrottle.create(name, t, time))
            .orElse(null);
    this.valueRules =
        breakerResultRule
            || (retry != null && retry.hasResultRule)
            || (throttle != null && throttle.config().hasRejectedResultRule());
    Limiter limiterBefore = previous == null ? null : previous.rateLimiter;
    if (own.externalRateLimiter() != null) {
      // The user's external limiter is kept as it is: its permits live in its engine.
      this.rateLimiter =
          limiterBefore instanceof ExternalLimiter kept
                  && kept.external == own.externalRateLimiter()
              ? kept
              : new ExternalLimiter(name, own.externalRateLimiter());
    } else if (own.rateLimiter() != null) {
      this.rateLimiter =
          limiterBefore instanceof Resilience4jRateLimiter kept
              ? kept
              : new Resilience4jRateLimiter(own.rateLimiter());
    } else {
      TokenBucket bucket = config.rateLimiter().map(r -> new TokenBucket(r, time)).orElse(null);
      if (bucket != null && limiterBefore instanceof TokenBucket b) {
        bucket = b.config().equals(bucket.config()) ? b : bucket.carryOn(b);
      }
      this.rateLimiter = bucket;
    }
    this.rateLimiterMaxWait =
        config.rateLimiter().map(r -> r.maxWait().toNanos()).orElse(0L).longValue();
    BulkheadImpl bulkheadBefore =
        previous != null && previous.bulkhead instanceof BulkheadImpl b ? b : null;
    if (own.externalBulkhead() != null) {
      // The user's external bulkhead is kept as it is: calls in flight give their permits back
      // to it from whichever generation they started on.
      this.bulkhead =
          previous != null
                  && previous.bulkhead instanceof ExternalPermits kept
                  && kept.external == own.externalBulkhead()
              ? kept
              : new ExternalPermits(name, own.externalBulkhead());
    } else if (own.bulkhead() != null) {
      this.bulkhead =
          bulkheadBefore != null && bulkheadBefore.config == null
              ? bulkheadBefore
              : new BulkheadImpl(own.bulkhead());
    } else {
      BulkheadImpl h = config.bulkhead().map(b -> new BulkheadImpl(name, b)).orElse(null);
      if (h != null && bulkheadBefore != null && bulkheadBefore.config != null) {
        // Same settings: the same bulkhead, permits and all. Other settings: a new bulkhead for
        // new calls, while calls in flight give their permits back to the old one.
        h = bulkheadBefore.config.equals(h.config) ? bulkheadBefore : h.carryOn(bulkheadBefore);
      }
      this.bulkhead = h;
    }
    this.bulkheadMax = config.bulkhead().map(b -> b.maxConcurrentCalls()).orElse(0).intValue();
    this.bulkheadRetryAfterNanos =
        config
            .bulkhead()
            .map(b -> b.retryAfter())
            .filter(d -> !d.isZero())
            .map(Duration::toNanos)
            .orElse(-1L)
            .longValue();
    this.timeLimit =
        config
            .timeLimiter()
            .map(t -> new TimeLimit(name, t, this, this.executor, scheduler))
            .orElse(null);
    AdaptiveGate gateBefore = previous == null ? null : previous.adaptive;
    this.adaptive =
        config
            .adaptiveLimit()
            .map(
                a ->
                    gateBefore != null && gateBefore.limiter().config().equals(a)
                        ? gateBefore
                        : new AdaptiveGate(name, a, time))
            .orElse(null);
    this.hedge = config.hedge().map(c -> new HedgeState(c, retry, time)).orElse(null);
    this.chaos =
        config
            .chaos()
            .map(
                c ->
                    new ChaosState(
                        name,
                        c,
                        this.listener,
                        scheduler,
                        this.executor,
                        contexts,
                        previous == null ? null : previous.chaos))
            .orElse(null);
    this.direct =
        this.listener == null
            && rateLimiter == null
            && timeLimit == null
            && !valueRules
            && hedge == null;
  }

  private void onStateChange(CircuitState from, CircuitState to) {
    EventLog.stateChanged(name, from, to);
    if (listener != null) {
      listener.onStateChange(name, from, to);
    }
  }

  // ------------------------------------------------------------------ synchronous

  /**
   * Runs a call synchronously.
   *
   * @param fn the function
   * @param shape its {@link Invoker} shape
   * @param fallback the fallback, or null
   * @return the result
   * @throws Throwable what the call or the policy ended with
   */
  public Object execute(Object fn, int shape, Fallback<?> fallback) throws Throwable {
    if (!direct || RequestContext.currentDeadline() != null) {
      return executeGeneral(fn, shape, fallback);
    }
    // The direct path: the first attempt of a policy without listener, rate limiter, time limit
    // or value rules, in a method small enough to inline into the caller. It does what the
    // general loop does for that attempt, and hands anything but a success over to it.
    final ChaosState c = chaos;
    if (c != null && c.isEnabled()) {
      return executeGeneral(fn, shape, fallback);
    }
    final long start = time.nanoTime();
    final RetryState r = retry;
    if (r != null) {
      r.deposit();
    }
    final PolicyBreaker b = breaker;
    if (b != null && !b.tryAcquire()) {
      return rejectFirst(b.rejection(), RejectionReason.CIRCUIT_OPEN, start, fallback);
    }
    final AdaptiveThrottle th = throttle;
    if (th != null && !th.tryAcquire()) {
      return rejectThrottledFirst(start, fallback);
    }
    final BulkheadPermits h = bulkhead;
    if (h != null && !h.tryAcquire()) {
      return rejectBulkheadFirst(start, fallback);
    }
    final AdaptiveGate g = adaptive;
    final AdaptiveLimiter.Partition permit = g == null ? null : g.partition();
    if (permit != null && !permit.tryAcquire()) {
      return rejectAdaptiveFirst(permit, start, fallback);
    }
    final Object v;
    try {
      v = Invoker.invoke(fn, shape);
    } catch (Throwable t) {
      return failedFirst(fn, shape, fallback, start, t, permit);
    }
    if (h != null) {
      h.release();
    }
    final long nanos = time.nanoTime() - start;
    if (permit != null) {
      permit.onSuccess(nanos);
    }
    if (b != null) {
      b.onSuccess(nanos, true);
    }
    if (th != null) {
      th.onAccepted();
    }
    if (r != null) {
      r.onSuccess();
    }
    stats.success(nanos);
    return v;
  }

  /** The direct path's breaker rejection of the first attempt, as the general loop ends it. */
  private Object rejectFirst(
      Throwable failure, RejectionReason rejection, long start, Fallback<?> fallback)
      throws Throwable {
    announceRejection(null, rejection, failure);
    return fail(failure, rejection, start, null, 1, 0, fallback);
  }

  /** The direct path's bulkhead rejection of the first attempt, as the general loop ends it. */
  private Object rejectBulkheadFirst(long start, Fallback<?> fallback) throws Throwable {
    throttleNotSent();
    releaseBreaker();
    return rejectFirst(
        new BulkheadFullException(name, bulkheadMax, bulkheadRetryAfterNanos),
        RejectionReason.BULKHEAD_FULL,
        start,
        fallback);
  }

  /** The direct path's adaptive-limit rejection of the first attempt. */
  private Object rejectAdaptiveFirst(
      AdaptiveLimiter.Partition permit, long start, Fallback<?> fallback) throws Throwable {
    if (bulkhead != null) {
      bulkhead.releaseUnused();
    }
    throttleNotSent();
    releaseBreaker();
    return rejectFirst(
        adaptive.rejection(name, permit), RejectionReason.CONCURRENCY_LIMITED, start, fallback);
  }

  /** The direct path's throttle rejection of the first attempt, as the general loop ends it. */
  private Object rejectThrottledFirst(long start, Fallback<?> fallback) throws Throwable {
    releaseBreaker();
    return rejectFirst(throttle.rejection(), RejectionReason.THROTTLED, start, fallback);
  }

  /** The direct path's failed first attempt: recorded, then retried by the general loop. */
  private Object failedFirst(
      Object fn,
      int shape,
      Fallback<?> fallback,
      long start,
      Throwable error,
      AdaptiveLimiter.Partition permit)
      throws Throwable {
    if (bulkhead != null) {
      bulkhead.release();
    }
    long now = time.nanoTime();
    if (permit != null) {
      AdaptiveGate.release(permit, error, now - start);
    }
    return attempts(
        fn, shape, fallback, start, null, null, 1, error, now - start, now, Long.MAX_VALUE);
  }

  /** Runs a call through the general loop: any combination of components, listener included. */
  private Object executeGeneral(Object fn, int shape, Fallback<?> fallback) throws Throwable {
    if (hedge != null) {
      Object v;
      try {
        v = HedgedSyncCall.execute(this, hedge, fn, shape);
      } catch (Throwable failure) {
        return hedgedFallback(failure, fallback);
      }
      return v;
    }
    return runUnhedged(fn, shape, fallback, true);
  }

  /** One run of a hedged call: the chain below the hedging, on the thread the hedge gave it. */
  Object runUnhedged(Object fn, int shape, boolean deposit) throws Throwable {
    return runUnhedged(fn, shape, null, deposit);
  }

  /**
   * A hedged call's fallback, after every run failed; the runs were counted one by one.
   *
   * @throws Throwable the failure if the fallback does not handle it, or the fallback's own
   */
  Object hedgedFallback(Throwable failure, Fallback<?> fallback) throws Throwable {
    if (fallback == null || !fallback.handles(failure)) {
      throw failure;
    }
    try {
      return fallback.apply(failure);
    } catch (Throwable t) {
      if (t != failure) {
        t.addSuppressed(failure);
      }
      throw t;
    }
  }

  /**
   * Returns the time after which a hedged call starts no hedge: the retry's longest duration from
   * the call's start or the request's deadline, whichever comes first, or never.
   */
  long hedgeDeadline(long start) {
    long own =
        retry != null && retry.maxDurationNanos > 0
            ? start + retry.maxDurationNanos
            : Long.MAX_VALUE;
    // Nor past the request's deadline.
    return Math.min(own, due(start));
  }

  private Object runUnhedged(Object fn, int shape, Fallback<?> fallback, boolean deposit)
      throws Throwable {
    final long start = time.nanoTime();
    final PolicyListener l = listener;
    final Object handle = l == null ? null : l.onCallStart(name);
    if (chaos != null) {
      // The chaos strategies wrap the call itself, innermost, when on and the key matches.
      Object wrapped = chaos.wrap(fn, shape, handle);
      if (wrapped != fn) {
        fn = wrapped;
        shape = Invoker.CALLABLE;
      }
    }
    final ContextSnapshot snapshot = timeLimit == null ? null : contexts.captureAll();
    final long due = due(start);
    if (due != Long.MAX_VALUE && due - start <= 0) {
      // Expired at the start: no attempt, no permit taken, nothing for the breaker or budget.
      return expiredAtStart(start, due, handle, fallback);
    }
    if (retry != null && deposit) {
      retry.deposit();
    }
    return attempts(fn, shape, fallback, start, handle, snapshot, 0, null, 0, 0, due);
  }

  // ------------------------------------------------------------------ the request's deadline

  /**
   * Returns the request's deadline as a time of this engine's clock, or {@link Long#MAX_VALUE} when
   * the calling thread's context has none.
   *
   * @param now the current time of this engine's clock
   */
  long due(long now) {
    Deadline d = RequestContext.currentDeadline();
    if (d == null) {
      return Long.MAX_VALUE;
    }
    // The deadline may be on another clock: only the time it leaves is carried over.
    return now + d.remainingNanos();
  }

  /** The failure of a call given up because the request's deadline passed at {@code due}. */
  DeadlineExceededException deadlineExceeded(long due, long now) {
    return new DeadlineExceededException(name, Duration.ofNanos(Math.max(0, now - due)));
  }

  /** Ends a call whose deadline had passed before it started: rejected, never attempted. */
  Object expiredAtStart(long start, long due, Object handle, Fallback<?> fallback)
      throws Throwable {
    Throwable failure = deadlineExceeded(due, start);
    announceRejection(handle, RejectionReason.DEADLINE_EXCEEDED, failure);
    return fail(failure, RejectionReason.DEADLINE_EXCEEDED, start, handle, 1, 0, fallback);
  }

  /** Notes that a call with a deadline ended without another retry, with the time it had left. */
  void noteDeadline(long due, long now, int attempts, Throwable failure) {
    if (due != Long.MAX_VALUE) {
      EventLog.retryStoppedByDeadline(name, attempts, due - now, failure);
    }
  }

  /**
   * The general loop of attempts.
   *
   * @param done the attempts already made (0, or 1 when the direct path made the first)
   * @param doneError the failure of the attempt already made, if any
   * @param doneNanos its duration
   * @param doneEnd the time it ended
   * @param due the request's deadline on this engine's clock, {@link Long#MAX_VALUE} for none
   */
  private Object attempts(
      Object fn,
      int shape,
      Fallback<?> fallback,
      long start,
      Object handle,
      ContextSnapshot snapshot,
      int done,
      Throwable doneError,
      long doneNanos,
      long doneEnd,
      long due)
      throws Throwable {
    final PolicyListener l = listener;
    final RetryState r = retry;
    long deadline = Long.MAX_VALUE;
    if (r != null && r.maxDurationNanos > 0) {
      deadline = start + r.maxDurationNanos;
    }
    // No retry starts, and no backoff is waited, past the request's deadline.
    deadline = Math.min(deadline, due);
    int attempt = 0;
    long previousDelay = 0;
    long stop = 0;
    // The user's Resilience4j retry keeps each call's attempts in a context; ours needs none.
    final Object retryCall = r == null ? null : r.begin();
    Throwable failure;
    RejectionReason rejection = null;
    if (done > 0) {
      // The direct path's first attempt failed: what the loop below does after an attempt.
      attempt = done;
      long next =
          afterAttempt(
              null, doneError, attempt, doneNanos, doneEnd, previousDelay, deadline, retryCall);
      failure = doneError;
      if (next < 0) {
        return fail(failure, null, start, handle, attempt, next, fallback);
      }
      announceRetry(handle, attempt + 1, doneError, next);
      try {
        scheduler.sleepNanos(next);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        doneError.addSuppressed(e);
        return fail(failure, null, start, handle, attempt, 0, fallback);
      }
      previousDelay = next;
    }
    while (true) {
      attempt++;
      long attemptStart = attempt == 1 ? start : time.nanoTime();
      if (breaker != null && !breaker.tryAcquire()) {
        failure = breaker.rejection();
        rejection = RejectionReason.CIRCUIT_OPEN;
        break;
      }
      if (throttle != null && !throttle.tryAcquire()) {
        releaseBreaker();
        failure = throttle.rejection();
        rejection = RejectionReason.THROTTLED;
        break;
      }
      if (rateLimiter != null) {
        // The wait for a permit never goes past the request's deadline.
        long maxWait =
            due == Long.MAX_VALUE
                ? rateLimiterMaxWait
                : Math.max(0, Math.min(rateLimiterMaxWait, due - attemptStart));
        long wait = rateLimiter.acquire(maxWait);
        if (wait < 0) {
          throttleNotSent();
          releaseBreaker();
          failure = new RateLimitExceededException(name, -wait);
          rejection = RejectionReason.RATE_LIMITED;
          break;
        }
        if (wait > 0) {
          try {
            scheduler.sleepNanos(wait);
          } catch (InterruptedException e) {
            throttleNotSent();
            releaseBreaker();
            Thread.currentThread().interrupt();
            failure = e;
            break;
          }
          attemptStart = time.nanoTime();
        }
      }
      if (bulkhead != null
          && !(due == Long.MAX_VALUE
              ? bulkhead.tryAcquire()
              // The wait for a permit never goes past the request's deadline.
              : bulkhead.tryAcquireWithin(Math.max(0, due - time.nanoTime()), scheduler))) {
        throttleNotSent();
        releaseBreaker();
        failure = new BulkheadFullException(name, bulkheadMax, bulkheadRetryAfterNanos);
        rejection = RejectionReason.BULKHEAD_FULL;
        break;
      }
      // The adaptive concurrency limit, just inside the bulkhead.
      AdaptiveLimiter.Partition permit = adaptive == null ? null : adaptive.partition();
      if (permit != null && !permit.tryAcquire()) {
        if (bulkhead != null) {
          bulkhead.releaseUnused();
        }
        throttleNotSent();
        releaseBreaker();
        failure = adaptive.rejection(name, permit);
        rejection = RejectionReason.CONCURRENCY_LIMITED;
        break;
      }
      if (timeLimit != null && !timeLimit.tryAcquire()) {
        // The time limit's own bound on attempts in flight acts as a bulkhead in front of the
        // executor: refused like one, never retried, and not a failure for the breaker.
        if (bulkhead != null) {
          bulkhead.releaseUnused();
        }
        if (permit != null) {
          permit.onIgnored();
        }
        throttleNotSent();
        releaseBreaker();
        failure = timeLimit.rejection();
        rejection = RejectionReason.BULKHEAD_FULL;
        break;
      }
      if (l != null) {
        l.onAttemptStart(name, handle, attempt, breaker == null ? null : breaker.state());
      }
      Object v = null;
      Throwable error = null;
      if (timeLimit == null) {
        try {
          v = Invoker.invoke(fn, shape);
        } catch (Throwable t) {
          error = t;
        }
        if (bulkhead != null) {
          bulkhead.release();
        }
      } else {
        try {
          long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - time.nanoTime();
          if (left < timeLimit.timeoutNanos) {
            // The time limit never outlasts the request's deadline; at least 1 ns, so an attempt
            // started right at the deadline ends by it rather than not being armed.
            v =
                timeLimit.invoke(
                    fn, shape, snapshot, bulkhead, l, handle, attempt, Math.max(1, left), true);
          } else {
            v = timeLimit.invoke(fn, shape, snapshot, bulkhead, l, handle, attempt);
          }
        } catch (Throwable t) {
          error = t;
        }
      }
      long now = time.nanoTime();
      long nanos = now - attemptStart;
      if (permit != null) {
        AdaptiveGate.release(permit, error, nanos);
      }
      if (l != null) {
        l.onAttemptEnd(name, handle, attempt, error, nanos);
      }
      if (error == null && !valueRules) {
        // The common success: what afterAttempt does for it, one call level less, so that the
        // JIT inlines the breaker's bookkeeping (and removes its allocations) more reliably.
        if (breaker != null) {
          breaker.onSuccess(nanos, true);
        }
        if (throttle != null) {
          throttle.onAccepted();
        }
        if (r != null) {
          // A budget that reads successes (token bucket, external) hears of this one too.
          r.onSuccess();
        }
        return succeed(v, start, now, handle, attempt, false);
      }
      long next = afterAttempt(v, error, attempt, nanos, now, previousDelay, deadline, retryCall);
      if (next == RETURN_VALUE || next == RETURN_RETRIED_VALUE) {
        return succeed(v, start, now, handle, attempt, next == RETURN_RETRIED_VALUE);
      }
      failure = error;
      if (next < 0) {
        stop = next;
        if (next == RetryState.EXHAUSTED) {
          noteDeadline(due, now, attempt, error);
        }
        break;
      }
      announceRetry(handle, attempt + 1, error, next);
      try {
        scheduler.sleepNanos(next);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (error == null) {
          return succeed(v, start, time.nanoTime(), handle, attempt, true);
        }
        error.addSuppressed(e);
        break;
      }
      previousDelay = next;
    }
    if (rejection != null) {
      announceRejection(handle, rejection, failure);
    }
    return fail(failure, rejection, start, handle, attempt, stop, fallback);
  }

  private void releaseBreaker() {
    if (breaker != null) {
      breaker.release();
    }
  }

  /** Takes back the throttle's request of an attempt a later local limit refused. */
  void throttleNotSent() {
    if (throttle != null) {
      throttle.onNotSent();
    }
  }

  /**
   * Records an attempt on the breaker and decides what comes next.
   *
   * @param retryCall what the retry's {@link RetryState#begin} returned for this call
   * @return a delay of zero or more to retry, {@link #RETURN_VALUE} or {@link
   *     #RETURN_RETRIED_VALUE} to end the call with the value, or {@link RetryState#NOT_RETRYABLE}
   *     or {@link RetryState#EXHAUSTED} to end it with the failure
   */
  long afterAttempt(
      Object value,
      Throwable error,
      int attempt,
      long nanos,
      long now,
      long previousDelay,
      long deadline,
      Object retryCall) {
    return afterAttempt(
        value, error, attempt, nanos, now, previousDelay, deadline, retryCall, true);
  }

  /**
   * Records an attempt on the breaker and decides what comes next; a failure is retried only if
   * {@code mayRetry} (a stream that already emitted elements is not).
   */
  long afterAttempt(
      Object value,
      Throwable error,
      int attempt,
      long nanos,
      long now,
      long previousDelay,
      long deadline,
      Object retryCall,
      boolean mayRetry) {
    final RetryState r = retry;
    if (throttle != null) {
      if (error == null) {
        throttle.recordResult(value);
      } else {
        throttle.record(error);
      }
    }
    if (error == null) {
      long next = RETURN_VALUE;
      if (r != null && r.hasResultRule) {
        next = r.afterValue(retryCall, value, attempt, previousDelay, now, deadline);
        if (next >= 0 && deadline != Long.MAX_VALUE && now + next >= deadline) {
          // A user's Resilience4j retry knows no deadline: its backoff is checked here.
          next = RETURN_RETRIED_VALUE;
        }
      }
      if (r != null && next == RETURN_VALUE) {
        r.onSuccess();
      }
      if (breaker != null) {
        boolean ends = next < 0;
        if (breakerResultRule && breakerConfig.isFailureResult(value)) {
          breaker.onFailure(nanos, null, ends);
        } else {
          breaker.onSuccess(nanos, ends);
        }
      }
      return next;
    }
    if (hedge != null && HedgeState.cancelledHere()) {
      // A hedged run interrupted because another run won: not the dependency's failure, no retry.
      if (breaker != null) {
        breaker.onIgnored();
      }
      return RetryState.NOT_RETRYABLE;
    }
    if (breaker != null) {
      boolean own = error instanceof OwnTimeoutException o && o.isFrom(this);
      if (error instanceof DeadlineExceededException) {
        // The caller's deadline cut the attempt short: it says nothing about the dependency.
        breaker.onIgnored();
      } else if (own || breakerConfig.isFailure(error)) {
        breaker.onFailure(nanos, error, false);
      } else {
        breaker.onIgnored();
      }
    }
    if (r == null || !mayRetry) {
      return RetryState.NOT_RETRYABLE;
    }
    if (breaker != null && breaker.refusesCalls()) {
      return RetryState.NOT_RETRYABLE;
    }
    long next = r.afterFailure(retryCall, error, attempt, previousDelay, now, deadline);
    if (next >= 0 && deadline != Long.MAX_VALUE && now + next >= deadline) {
      // A user's Resilience4j retry knows no deadline: its backoff is checked here.
      return RetryState.EXHAUSTED;
    }
    return next;
  }

  void announceRetry(Object handle, int nextAttempt, Throwable failure, long delay) {
    if (listener != null) {
      listener.onRetry(name, handle, nextAttempt, failure, delay);
    }
    EventLog.retryScheduled(name, nextAttempt, failure, delay);
  }

  void announceRejection(Object handle, RejectionReason reason, Throwable rejection) {
    if (listener == null && !EventLog.LOG.isDebugEnabled()) {
      // Nobody reads the hint: no Optional or Duration on the path every call of an outage takes.
      return;
    }
    Duration retryAfter =
        rejection instanceof dev.reliability.core.error.ReliabilityException re
            ? re.retryAfter().orElse(null)
            : null;
    if (listener != null) {
      listener.onRejected(name, handle, reason, retryAfter);
    }
    EventLog.rejected(name, reason, retryAfter);
  }

  /**
   * Ends a call that succeeded: statistics, retry outcome, listener.
   *
   * @param end the time the call ended, already read by the caller (one clock read less per call)
   */
  Object succeed(
      Object value, long start, long end, Object handle, int attempt, boolean retriedValue) {
    long total = end - start;
    stats.success(total);
    if (retry != null && (attempt > 1 || retriedValue)) {
      retry.record(CallOutcome.SUCCESS, attempt, 0, retriedValue);
    }
    if (listener != null) {
      listener.onCallEnd(name, handle, CallOutcome.SUCCESS, null, attempt, total);
    }
    return value;
  }

  /** Ends a call that failed: retry statistics, fallback, outcome. */
  Object fail(
      Throwable failure,
      RejectionReason rejection,
      long start,
      Object handle,
      int attempt,
      long stop,
      Fallback<?> fallback)
      throws Throwable {
    int attempts = rejection != null ? attempt - 1 : attempt;
    if (retry != null) {
      retry.record(CallOutcome.FAILURE, attempt, stop, false);
      if (stop == RetryState.EXHAUSTED) {
        EventLog.exhausted(name, attempt, failure);
      }
    }
    if (fallback != null && fallback.handles(failure)) {
      if (listener != null) {
        listener.onFallback(name, handle, failure);
      }
      Object v;
      try {
        v = fallback.apply(failure);
      } catch (Throwable t) {
        if (t != failure) {
          t.addSuppressed(failure);
        }
        end(CallOutcome.FAILURE, t, start, handle, attempts);
        throw t;
      }
      end(CallOutcome.FALLBACK, null, start, handle, attempts);
      return v;
    }
    end(
        rejection != null ? CallOutcome.REJECTED : CallOutcome.FAILURE,
        failure,
        start,
        handle,
        attempts);
    throw failure;
  }

  private void end(
      CallOutcome outcome, Throwable failure, long start, Object handle, int attempts) {
    long total = time.nanoTime() - start;
    stats.record(outcome, total);
    if (listener != null) {
      listener.onCallEnd(name, handle, outcome, failure, attempts, total);
    }
  }

  // ------------------------------------------------------------------ asynchronous

  /**
   * Runs an asynchronous call.
   *
   * @param supplier starts one attempt
   * @param fallback the fallback, or null
   * @param <T> the result type
   * @return a future completed with the caller's context in scope
   */
  public <T> CompletableFuture<T> executeAsync(
      Supplier<? extends CompletionStage<? extends T>> supplier, Fallback<? extends T> fallback) {
    ContextSnapshot snapshot = contexts.captureAll();
    ContextFuture<T> result = new ContextFuture<>(snapshot);
    if (hedge != null) {
      new HedgedAsyncCall<>(this, hedge, supplier, fallback, snapshot, result).start();
      return result;
    }
    new AsyncCall<>(this, supplier, fallback, snapshot, result).start();
    return result;
  }

  /**
   * Starts a call driven step by step by an asynchronous runtime, such as the Reactor operator.
   *
   * @return the call
   * @throws UnsupportedOperationException if the policy hedges or has chaos strategies
   */
  public dev.reliability.core.internal.SteppedCall stepped() {
    return new EngineSteps(this);
  }

  /**
   * Returns how context is captured and restored across threads.
   *
   * @return the snapshot factory
   */
  public ContextSnapshotFactory contexts() {
    return contexts;
  }

  // ------------------------------------------------------------------ views

  /**
   * Returns the configuration this engine was built from.
   *
   * @return the configuration
   */
  public PolicyConfig config() {
    return config;
  }

  /**
   * Returns the call statistics.
   *
   * @return the statistics
   */
  public PolicyStats stats() {
    return stats;
  }

  /**
   * Returns the circuit breaker, or null.
   *
   * @return the breaker
   */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /**
   * Returns the retry, or null.
   *
   * @return the retry
   */
  public Retry retry() {
    return retry;
  }

  /**
   * Returns the client-side adaptive throttle, or null.
   *
   * @return the throttle
   */
  public AdaptiveThrottle throttle() {
    return throttle;
  }

  /**
   * Returns the rate limiter, or null.
   *
   * @return the rate limiter
   */
  public RateLimiter rateLimiter() {
    return rateLimiter instanceof ExternalLimiter x ? x.view() : rateLimiter;
  }

  /**
   * Returns the bulkhead, or null.
   *
   * @return the bulkhead
   */
  public Bulkhead bulkhead() {
    return bulkhead == null ? null : bulkhead.view();
  }

  /**
   * Returns the adaptive concurrency limit, or null.
   *
   * @return the adaptive limit's gate
   */
  public AdaptiveGate adaptiveLimit() {
    return adaptive;
  }

  /**
   * Returns the time limiter, or null.
   *
   * @return the time limiter
   */
  public TimeLimiter timeLimiter() {
    return timeLimit;
  }

  /**
   * Returns the hedging, or null.
   *
   * @return the hedging
   */
  public Hedging hedging() {
    return hedge;
  }

  /**
   * Returns the chaos strategies' switch, or null.
   *
   * @return the chaos switch
   */
  public ChaosSwitch chaos() {
    return chaos;
  }

  /**
   * Returns the executor time-limited attempts and asynchronous retries run on.
   *
   * @return the executor
   */
  public Executor executor() {
    return executor;
  }

  /** Shuts down the default executor if the engine created one. */
  @Override
  public void close() {
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }
}
