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
 * A policy's circuit breaker: Resilience4j's state machine, driven through its low-level calls
 * ({@code tryAcquirePermission}, {@code onSuccess}, {@code onError}, {@code releasePermission},
 * {@code transitionToOpenState}), plus the consecutive-failure rule, the half-open time limit,
 * cumulative counts and state-change detection.
 *
 * <p>In the closed state a count-based window is a {@link CountWindow}, which applies
 * Resilience4j's rule without its window's lock (a lock per call, and a queue node whenever two
 * calls meet there); when it trips, the breaker moves Resilience4j to open. Every other state, and
 * time-based windows, are Resilience4j's own. Resilience4j's metrics therefore stay empty while
 * such a breaker is closed; this class's rates read the window that applies.
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

  private static final io.github.resilience4j.circuitbreaker.CircuitBreaker.State CLOSED =
      io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED;

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

  /** Makes the closed state's windows; null when Resilience4j's window counts in every state. */
  private final java.util.function.Supplier<CountWindow> windows;

  /** The closed state's window, or null when Resilience4j's window counts in every state. */
  private volatile CountWindow window;

  /** The window the breaker left the closed state with, for the rates while it is open. */
  private volatile CountWindow lastClosed;

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
    if (config.slidingWindowType() == CircuitBreakerConfig.WindowType.COUNT_BASED
        && config.slidingWindowSize() <= CountWindow.MAX_SIZE) {
      int size = config.slidingWindowSize();
      int minimumCalls = config.minimumCalls();
      float failureRate = r4j.getCircuitBreakerConfig().getFailureRateThreshold();
      float slowRate = r4j.getCircuitBreakerConfig().getSlowCallRateThreshold();
      this.windows = () -> new CountWindow(size, minimumCalls, failureRate, slowRate);
      this.window = windows.get();
    } else {
      this.windows = null;
    }
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
    final CountWindow w = window;
    // Counted in the closed state's own window: the state was read just now, and a trip observes
    // the change itself, so only the observed state needs a look below.
    final boolean counted = w != null && r4j.getState() == CLOSED;
    if (counted) {
      if (w.record(
          nanos > slowNanos ? CountWindow.SUCCESS | CountWindow.SLOW : CountWindow.SUCCESS)) {
        tripFrom(CLOSED);
      }
    } else {
      r4j.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
    if (!endsCall) {
      extraSuccesses.increment();
    }
    if (nanos > slowNanos) {
      slowSuccessful.increment();
    }
    if (failureThreshold > 0 && consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    if (observed != CircuitState.CLOSED || (!counted && r4j.getState() != CLOSED)) {
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
    final CountWindow w = window;
    boolean tripped = false;
    if (w != null && r4j.getState() == CLOSED) {
      tripped =
          w.record(
              nanos > slowNanos ? CountWindow.FAILURE | CountWindow.SLOW : CountWindow.FAILURE);
    } else {
      r4j.onError(nanos, TimeUnit.NANOSECONDS, failure == null ? RESULT_FAILURE : failure);
    }
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
        if (consecutiveFailures.incrementAndGet() == failureThreshold || tripped) {
          tripFrom(s);
        }
      } else if (s == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN) {
        tripFrom(s);
      }
    } else if (tripped) {
      tripFrom(CLOSED);
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
    // The hint as retryAfter() computes it, in nanoseconds: no Optional and no Duration per call.
    long left = -1;
    if (s == CircuitState.OPEN) {
      left = Math.max(0, Math.min(waitInOpenNanos - (time.nanoTime() - openedAt), waitInOpenNanos));
    }
    return new CircuitOpenException(name, s.name(), left);
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
      if (windows != null) {
        // A fresh window on leaving the closed state, so that the calls that end while the breaker
        // closes again cannot trip it on the old failures; another on entering it, without the
        // calls that ended in between.
        lastClosed = prev == CircuitState.CLOSED ? window : null;
        window = windows.get();
      }
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
    CountWindow w = countingWindow();
    return w == null ? r4j.getMetrics().getFailureRate() : w.failureRate(w.counts());
  }

  @Override
  public float slowCallRate() {
    CountWindow w = countingWindow();
    return w == null ? r4j.getMetrics().getSlowCallRate() : w.slowCallRate(w.counts());
  }

  @Override
  public int bufferedCalls() {
    CountWindow w = countingWindow();
    return w == null ? r4j.getMetrics().getNumberOfBufferedCalls() : CountWindow.calls(w.counts());
  }

  /** The window whose rates apply now, or null for Resilience4j's. */
  private CountWindow countingWindow() {
    if (windows == null) {
      return null;
    }
    io.github.resilience4j.circuitbreaker.CircuitBreaker.State s = r4j.getState();
    if (s == CLOSED) {
      return window;
    }
    return s == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN ? lastClosed : null;
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
    if (windows != null) {
      window = windows.get();
      lastClosed = null;
    }
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
