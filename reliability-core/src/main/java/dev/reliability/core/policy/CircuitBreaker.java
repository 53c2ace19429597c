package dev.reliability.core.policy;

import java.time.Duration;
import java.util.Optional;

/**
 * A policy's circuit breaker: its state and counts, read by health checks and metrics, and its
 * manual controls. Obtained from {@link Policy#circuitBreaker()}.
 *
 * <p>Counts are cumulative since the policy was built (the sliding window's rates are separate).
 * Reading never allocates except {@link #retryAfter()} and the window rates, which take a snapshot.
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
   * Returns the Resilience4j circuit breaker whose state machine this breaker drives, for what this
   * interface does not offer. Registering event consumers on it makes every call allocate an event.
   * While the breaker is closed with a count-based window, the window is this library's and the
   * Resilience4j breaker's metrics stay empty: read the rates from this interface.
   *
   * @return the Resilience4j circuit breaker
   */
  io.github.resilience4j.circuitbreaker.CircuitBreaker unwrap();
}
