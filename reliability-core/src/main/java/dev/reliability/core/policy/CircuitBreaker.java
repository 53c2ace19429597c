package dev.reliability.core.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * A policy's circuit breaker: its state and counts, read by health checks and metrics, and its
 * manual controls. Obtained from {@link Policy#circuitBreaker()}.
 *
 * <p>Two kinds stand behind it. The library's own breaker owns its state: small state objects
 * (closed with its sliding window, open, half-open with its trial calls, forced open, forced
 * closed, disabled), each transition made in one place and reported once to the policy's listener,
 * with Resilience4j's rules (a differential test pins them). A user's own Resilience4j breaker,
 * given to {@link
 * Policy.Builder#circuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker)}, keeps its
 * state and metrics: the policy records every attempt on it and reports its state changes (seen
 * through its event publisher) to the listener; see {@link #resilience4j()}.
 *
 * <p>Counts are cumulative since the policy was built, counted where the breaker records an attempt
 * (the sliding window's rates are separate). Every count and rate is that of the current state,
 * whichever it is. Reading never allocates except {@link #retryAfter()} and, for a time-based
 * window, the rates, which take a snapshot.
 *
 * <pre>{@code
 * boolean degraded = policy.circuitBreaker()
 *     .map(breaker -> breaker.state().isRefusingCalls())
 *     .orElse(false);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface CircuitBreaker {

  /**
   * Returns the current state.
   *
   * @return the state
   */
  CircuitState state();

  /**
   * Returns how long the breaker is expected to keep refusing calls: the rest of the open-state
   * wait. Empty when closed, half-open, forced or disabled.
   *
   * @return the time left, or empty
   */
  Optional<Duration> retryAfter();

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  CircuitBreakerConfig config();

  /**
   * Returns the sliding window's failure rate in percent, or -1 while it holds fewer than the
   * minimum calls.
   *
   * @return the failure rate
   */
  float failureRate();

  /**
   * Returns the sliding window's slow-call rate in percent, or -1 while it holds fewer than the
   * minimum calls.
   *
   * @return the slow-call rate
   */
  float slowCallRate();

  /**
   * Returns the number of calls in the sliding window.
   *
   * @return the buffered calls
   */
  int bufferedCalls();

  /**
   * Returns the calls the breaker counted as successes.
   *
   * @return the count
   */
  long successfulCalls();

  /**
   * Returns the calls the breaker counted as failures, time-outs included.
   *
   * @return the count
   */
  long failedCalls();

  /**
   * Returns the successful calls that were slower than the slow-call threshold.
   *
   * @return the count
   */
  long slowSuccessfulCalls();

  /**
   * Returns the failed calls that were slower than the slow-call threshold.
   *
   * @return the count
   */
  long slowFailedCalls();

  /**
   * Returns the calls the breaker refused.
   *
   * @return the count
   */
  long rejectedCalls();

  /**
   * Returns the calls whose failure the breaker ignored (client errors by default).
   *
   * @return the count
   */
  long ignoredCalls();

  /**
   * Returns the number of times the breaker opened (from closed or half-open).
   *
   * @return the count
   */
  long openings();

  /** Refuses every call until {@link #reset()}, for maintenance or a known outage. */
  void forceOpen();

  /** Lets every call through and keeps counting, but never opens, until {@link #reset()}. */
  void forceClosed();

  /** Lets every call through without counting, until {@link #reset()}. */
  void disable();

  /** Returns to the closed state with an empty window. */
  void reset();

  /**
   * Returns the user's Resilience4j circuit breaker when the policy was built with one ({@link
   * Policy.Builder#circuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker)}); empty
   * for the library's own breaker, whose state is its own and is read through this interface.
   *
   * @return the Resilience4j circuit breaker, or empty
   */
  Optional<io.github.resilience4j.circuitbreaker.CircuitBreaker> resilience4j();
}
