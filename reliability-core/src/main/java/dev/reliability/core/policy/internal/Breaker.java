package dev.reliability.core.policy.internal;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CircuitBreaker;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.time.TimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A policy's circuit breaker: Resilience4j's state machine and window, driven through its low-level
 * calls ({@code tryAcquirePermission}, {@code onSuccess}, {@code onError}, {@code
 * releasePermission}), plus the consecutive-failure rule, the half-open time limit, cumulative
 * counts and state-change detection.
 *
 * <p>No Resilience4j event consumer is registered (one would make every call allocate an event);
 * state changes are detected by comparing the observed state after each operation, which costs two
 * reads on the hot path.
 *
 * <p>Internal: may change at any time.
 */
final class Breaker implements CircuitBreaker {

  /** Receives observed state changes. */
  interface StateSink {
    void onStateChange(CircuitState from, CircuitState to);
  }

  private static final VarHandle OBSERVED;

  static {
    try {
      OBSERVED =
          MethodHandles.lookup().findVarHandle(Breaker.class, "observed", CircuitState.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Recorded on Resilience4j when a result counts as a failure; shared, without stack trace. */
  private static final Exception RESULT_FAILURE = new ResultFailure();

  private final String name;
  private final CircuitBreakerConfig config;
  private final io.github.resilience4j.circuitbreaker.CircuitBreaker r4j;
  private final TimeSource time;
  private final StateSink sink;
  private final Stats stats;
  private final int failureThreshold;
  private final long slowNanos;
  private final long waitInOpenNanos;
  private final long maxWaitInHalfOpenNanos;

  @SuppressWarnings("unused") // accessed through OBSERVED
  private volatile CircuitState observed = CircuitState.CLOSED;

  private volatile long openedAt;
  private volatile long halfOpenedAt;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();

  private final LongAdder failed = new LongAdder();
  private final LongAdder slowSuccessful = new LongAdder();
  private final LongAdder slowFailed = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder ignored = new LongAdder();
  private final LongAdder openings = new LongAdder();
  private final LongAdder extraSuccesses = new LongAdder();
  private final LongAdder missingSuccesses = new LongAdder();

  Breaker(String name, CircuitBreakerConfig config, TimeSource time, StateSink sink, Stats stats) {
    this.name = name;
    this.config = config;
    this.time = time;
    this.sink = sink;
    this.stats = stats;
    this.failureThreshold = config.failureThreshold();
    this.slowNanos = config.slowCallThreshold().toNanos();
    this.waitInOpenNanos = config.waitInOpen().toNanos();
    this.maxWaitInHalfOpenNanos = config.maxWaitInHalfOpen().toNanos();
    this.r4j =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            name, resilience4jConfig(config, time));
  }

  static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig resilience4jConfig(
      CircuitBreakerConfig c, TimeSource time) {
    return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
        .failureRateThreshold((float) (c.failureRateThreshold() * 100.0))
        .slowCallRateThreshold((float) (c.slowCallRateThreshold() * 100.0))
        .slowCallDurationThreshold(c.slowCallThreshold())
        .slidingWindow(
            c.slidingWindowSize(),
            c.minimumCalls(),
            c.slidingWindowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
                ? SlidingWindowType.COUNT_BASED
                : SlidingWindowType.TIME_BASED,
            // The lock-free time window reads the system clock; this one reads ours.
            SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
        .waitDurationInOpenState(c.waitInOpen())
        .permittedNumberOfCallsInHalfOpenState(c.halfOpenCalls())
        .maxWaitDurationInHalfOpenState(Duration.ZERO)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .writableStackTraceEnabled(false)
        .clock(new TimeSourceClock(time))
        .build();
  }

  // ---- hot path

  /** Asks for a permission; counts and observes a refusal. */
  boolean tryAcquire() {
    if (maxWaitInHalfOpenNanos > 0
        && observed == CircuitState.HALF_OPEN
        && time.nanoTime() - halfOpenedAt >= maxWaitInHalfOpenNanos) {
      tripFrom(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN);
    }
    if (r4j.tryAcquirePermission()) {
      if (observed != CircuitState.CLOSED) {
        observe();
      }
      return true;
    }
    rejected.increment();
    observe();
    return false;
  }

  /** Gives back a permission that was not used: the call was refused further in. */
  void release() {
    r4j.releasePermission();
  }

  /**
   * Records a success.
   *
   * @param nanos the attempt's duration
   * @param endsCall whether the call returns this attempt's result as its success
   */
  void onSuccess(long nanos, boolean endsCall) {
    r4j.onSuccess(nanos, TimeUnit.NANOSECONDS);
    if (!endsCall) {
      extraSuccesses.increment();
    }
    if (nanos > slowNanos) {
      slowSuccessful.increment();
    }
    if (failureThreshold > 0 && consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    if (r4j.getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED
        || observed != CircuitState.CLOSED) {
      observe();
    }
  }

  /**
   * Records a failure.
   *
   * @param nanos the attempt's duration
   * @param failure the failure, or null when a result counts as failure
   * @param callSucceeds whether the call still returns this attempt's result as a success
   */
  void onFailure(long nanos, Throwable failure, boolean callSucceeds) {
    r4j.onError(nanos, TimeUnit.NANOSECONDS, failure == null ? RESULT_FAILURE : failure);
    failed.increment();
    if (callSucceeds) {
      missingSuccesses.increment();
    }
    if (nanos > slowNanos) {
      slowFailed.increment();
    }
    if (failureThreshold > 0) {
      io.github.resilience4j.circuitbreaker.CircuitBreaker.State s = r4j.getState();
      if (s == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED) {
        if (consecutiveFailures.incrementAndGet() == failureThreshold) {
          tripFrom(s);
        }
      } else if (s == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN) {
        tripFrom(s);
      }
    }
    observe();
  }

  /** Records an attempt whose failure the breaker does not count. */
  void onIgnored() {
    r4j.releasePermission();
    ignored.increment();
  }

  /** Returns whether the breaker refuses every call now: open or forced open. */
  boolean refusesCalls() {
    CircuitState s = observed;
    return s == CircuitState.OPEN || s == CircuitState.FORCED_OPEN;
  }

  /** Builds the rejection for a refused call. */
  CircuitOpenException rejection() {
    CircuitState s = state();
    return new CircuitOpenException(name, s.name(), retryAfter().orElse(null));
  }

  private void tripFrom(io.github.resilience4j.circuitbreaker.CircuitBreaker.State expected) {
    if (r4j.getState() != expected) {
      return;
    }
    try {
      r4j.transitionToOpenState();
    } catch (IllegalStateTransitionException raced) {
      // another thread moved the breaker first
    }
    observe();
  }

  /** Compares Resilience4j's state with the last observed one and reports a change once. */
  void observe() {
    CircuitState now = map(r4j.getState());
    CircuitState prev = observed;
    if (now != prev && OBSERVED.compareAndSet(this, prev, now)) {
      long t = time.nanoTime();
      if (now == CircuitState.OPEN) {
        openedAt = t;
        if (prev == CircuitState.CLOSED || prev == CircuitState.HALF_OPEN) {
          openings.increment();
        }
      } else if (now == CircuitState.HALF_OPEN) {
        halfOpenedAt = t;
      }
      consecutiveFailures.set(0);
      sink.onStateChange(prev, now);
    }
  }

  static CircuitState map(io.github.resilience4j.circuitbreaker.CircuitBreaker.State s) {
    switch (s) {
      case CLOSED:
        return CircuitState.CLOSED;
      case OPEN:
        return CircuitState.OPEN;
      case HALF_OPEN:
        return CircuitState.HALF_OPEN;
      case FORCED_OPEN:
        return CircuitState.FORCED_OPEN;
      case METRICS_ONLY:
        return CircuitState.FORCED_CLOSED;
      default:
        return CircuitState.DISABLED;
    }
  }

  // ---- view

  @Override
  public CircuitState state() {
    return map(r4j.getState());
  }

  @Override
  public Optional<Duration> retryAfter() {
    if (state() != CircuitState.OPEN) {
      return Optional.empty();
    }
    long left = waitInOpenNanos - (time.nanoTime() - openedAt);
    return Optional.of(Duration.ofNanos(Math.max(0, Math.min(left, waitInOpenNanos))));
  }

  @Override
  public CircuitBreakerConfig config() {
    return config;
  }

  @Override
  public float failureRate() {
    return r4j.getMetrics().getFailureRate();
  }

  @Override
  public float slowCallRate() {
    return r4j.getMetrics().getSlowCallRate();
  }

  @Override
  public int bufferedCalls() {
    return r4j.getMetrics().getNumberOfBufferedCalls();
  }

  @Override
  public long successfulCalls() {
    return Math.max(
        0,
        stats.calls(dev.reliability.core.policy.CallOutcome.SUCCESS)
            + extraSuccesses.sum()
            - missingSuccesses.sum());
  }

  @Override
  public long failedCalls() {
    return failed.sum();
  }

  @Override
  public long slowSuccessfulCalls() {
    return slowSuccessful.sum();
  }

  @Override
  public long slowFailedCalls() {
    return slowFailed.sum();
  }

  @Override
  public long rejectedCalls() {
    return rejected.sum();
  }

  @Override
  public long ignoredCalls() {
    return ignored.sum();
  }

  @Override
  public long openings() {
    return openings.sum();
  }

  @Override
  public void forceOpen() {
    r4j.transitionToForcedOpenState();
    observe();
  }

  @Override
  public void forceClosed() {
    r4j.transitionToMetricsOnlyState();
    observe();
  }

  @Override
  public void disable() {
    r4j.transitionToDisabledState();
    observe();
  }

  @Override
  public void reset() {
    r4j.reset();
    observe();
  }

  @Override
  public io.github.resilience4j.circuitbreaker.CircuitBreaker unwrap() {
    return r4j;
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + state() + "]";
  }

  /** Stands for a result that counts as a failure. */
  private static final class ResultFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ResultFailure() {
      super("result counted as failure", null, false, false);
    }
  }
}
