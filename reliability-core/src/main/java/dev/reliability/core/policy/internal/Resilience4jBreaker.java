package dev.reliability.core.policy.internal;

import dev.reliability.core.error.CircuitOpenException;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.time.TimeSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A user's own Resilience4j circuit breaker inside a policy. The Resilience4j breaker owns its
 * state: every attempt is recorded on it through its public calls ({@code tryAcquirePermission},
 * {@code onSuccess}, {@code onError}, {@code releasePermission}), so its own metrics and events see
 * the policy's calls, and its state changes, made here or anywhere else, reach the policy's
 * listener through its {@code onStateTransition} event.
 *
 * <p>Rates and buffered calls are Resilience4j's metrics; cumulative counts are those of the
 * policy's calls, classified as Resilience4j classifies them (its ignore and record predicates).
 * The retry-after hint is the Resilience4j wait for the openings in a row since it last closed,
 * from the moment the opening was seen. Registering the event consumer makes Resilience4j allocate
 * an event per call, as any consumer does.
 *
 * <p>Thread-safe. Internal: may change at any time.
 */
final class Resilience4jBreaker implements PolicyBreaker {

  /** Recorded when a result counts as failure; shared, without stack trace. */
  private static final Exception RESULT_FAILURE = new ResultFailure();

  private final String name;
  private final io.github.resilience4j.circuitbreaker.CircuitBreaker r4j;
  private final io.github.resilience4j.circuitbreaker.CircuitBreakerConfig r4jConfig;
  private final CircuitBreakerConfig config;
  private final TimeSource time;
  private final long slowNanos;

  // For the retry-after hint only, written by the thread Resilience4j reports a transition on:
  // when the breaker last opened, and how many times in a row (its wait may grow with them).
  private volatile long openedAt;
  private volatile int openingsInARow;

  private final LongAdder successful = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder slowSuccessful = new LongAdder();
  private final LongAdder slowFailed = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder ignored = new LongAdder();
  private final LongAdder openings = new LongAdder();

  Resilience4jBreaker(
      String name,
      io.github.resilience4j.circuitbreaker.CircuitBreaker r4j,
      TimeSource time,
      Breaker.StateSink sink) {
    this.name = name;
    this.r4j = r4j;
    this.r4jConfig = r4j.getCircuitBreakerConfig();
    this.config = describe(r4jConfig);
    this.time = time;
    this.slowNanos = r4jConfig.getSlowCallDurationThreshold().toNanos();
    this.openedAt = time.nanoTime();
    this.openingsInARow = r4j.getState() == State.OPEN ? 1 : 0;
    r4j.getEventPublisher()
        .onStateTransition(
            event -> {
              StateTransition t = event.getStateTransition();
              State to = t.getToState();
              if (to == State.OPEN) {
                openedAt = time.nanoTime();
                openingsInARow++;
                if (t.getFromState() == State.CLOSED || t.getFromState() == State.HALF_OPEN) {
                  openings.increment();
                }
              } else if (to == State.CLOSED) {
                openingsInARow = 0;
              }
              sink.onStateChange(Breaker.map(t.getFromState()), Breaker.map(to));
            });
  }

  /**
   * Describes a Resilience4j configuration in this library's terms, each value brought into this
   * library's range. The consecutive-failure rule is off; every failure goes to Resilience4j, whose
   * own predicates decide.
   */
  static CircuitBreakerConfig describe(
      io.github.resilience4j.circuitbreaker.CircuitBreakerConfig c) {
    Duration day = Duration.ofDays(1);
    long waitMillis = c.getWaitIntervalFunctionInOpenState().apply(1);
    return CircuitBreakerConfig.builder()
        .failureThreshold(0)
        .failureRateThreshold(fraction(c.getFailureRateThreshold()))
        .slidingWindowType(
            c.getSlidingWindowType()
                    == io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType
                        .TIME_BASED
                ? CircuitBreakerConfig.WindowType.TIME_BASED
                : CircuitBreakerConfig.WindowType.COUNT_BASED)
        .slidingWindowSize(Math.max(1, c.getSlidingWindowSize()))
        .minimumCalls(Math.max(1, c.getMinimumNumberOfCalls()))
        .slowCallThreshold(between(c.getSlowCallDurationThreshold(), Duration.ofNanos(1), day))
        .slowCallRateThreshold(fraction(c.getSlowCallRateThreshold()))
        .waitInOpen(between(Duration.ofMillis(waitMillis), Duration.ofMillis(1), day))
        .halfOpenCalls(Math.max(1, c.getPermittedNumberOfCallsInHalfOpenState()))
        .maxWaitInHalfOpen(between(c.getMaxWaitDurationInHalfOpenState(), Duration.ZERO, day))
        .recordFailureWhen(failure -> true)
        .build();
  }

  private static double fraction(float percent) {
    return Math.min(1.0, Math.max(Math.ulp(1.0), percent / 100.0));
  }

  private static Duration between(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  // ---- the engine's calls

  @Override
  public boolean tryAcquire() {
    if (r4j.tryAcquirePermission()) {
      return true;
    }
    rejected.increment();
    return false;
  }

  @Override
  public void release() {
    r4j.releasePermission();
  }

  @Override
  public void onSuccess(long nanos, boolean endsCall) {
    r4j.onSuccess(nanos, TimeUnit.NANOSECONDS);
    countSuccess(nanos);
  }

  @Override
  public void onFailure(long nanos, Throwable failure, boolean callSucceeds) {
    Throwable f = failure == null ? RESULT_FAILURE : failure;
    r4j.onError(nanos, TimeUnit.NANOSECONDS, f);
    // Counted as Resilience4j has just classified it.
    Throwable cause =
        (f instanceof CompletionException || f instanceof ExecutionException)
                && f.getCause() != null
            ? f.getCause()
            : f;
    if (r4jConfig.getIgnoreExceptionPredicate().test(cause)) {
      ignored.increment();
    } else if (r4jConfig.getRecordExceptionPredicate().test(cause)) {
      failed.increment();
      if (nanos > slowNanos) {
        slowFailed.increment();
      }
    } else {
      countSuccess(nanos);
    }
  }

  private void countSuccess(long nanos) {
    successful.increment();
    if (nanos > slowNanos) {
      slowSuccessful.increment();
    }
  }

  @Override
  public void onIgnored() {
    r4j.releasePermission();
    ignored.increment();
  }

  @Override
  public boolean refusesCalls() {
    State s = r4j.getState();
    return s == State.OPEN || s == State.FORCED_OPEN;
  }

  @Override
  public CircuitOpenException rejection() {
    CircuitState s = state();
    return new CircuitOpenException(name, s.name(), retryAfter(s).orElse(null));
  }

  // ---- view

  @Override
  public CircuitState state() {
    return Breaker.map(r4j.getState());
  }

  @Override
  public Optional<Duration> retryAfter() {
    return retryAfter(state());
  }

  private Optional<Duration> retryAfter(CircuitState s) {
    if (s != CircuitState.OPEN) {
      return Optional.empty();
    }
    long wait =
        Duration.ofMillis(
                r4jConfig.getWaitIntervalFunctionInOpenState().apply(Math.max(1, openingsInARow)))
            .toNanos();
    long left = wait - (time.nanoTime() - openedAt);
    return Optional.of(Duration.ofNanos(Math.max(0, Math.min(left, wait))));
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
    return successful.sum();
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
  }

  @Override
  public void forceClosed() {
    r4j.transitionToMetricsOnlyState();
  }

  @Override
  public void disable() {
    r4j.transitionToDisabledState();
  }

  @Override
  public void reset() {
    r4j.reset();
  }

  @Override
  public Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> resilience4j() {
    return Optional.of(r4j);
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + state() + ", Resilience4j '" + r4j.getName() + "']";
  }

  /** Stands for a result that counts as a failure. */
  private static final class ResultFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ResultFailure() {
      super("result counted as failure", null, false, false);
    }
  }
}
