package dev.reliability.core.policy;

import dev.reliability.core.internal.Checks;
import dev.reliability.core.policy.internal.CompositeListener;
import java.time.Duration;
import java.util.List;

/**
 * Receives what happens inside a policy: calls and their attempts, retries, rejections, time-outs,
 * fallbacks and circuit breaker state changes. Extend it and override what you need; every method
 * does nothing by default.
 *
 * <p><b>Per-call handle.</b> {@link #onCallStart(String)} may return an object, such as a tracing
 * span, that the policy passes back to every later callback of the same call. A tracer opens a span
 * per guarded call there, adds an event per attempt and retry, and ends it in {@link #onCallEnd}.
 * The policy itself builds no event object: callbacks receive the values they need.
 *
 * <p><b>Cost.</b> A policy whose listener is {@link #NONE} makes no listener call at all, so
 * listening costs nothing until a listener is set.
 *
 * <p><b>Contract.</b> Callbacks run on the thread that does the work (the caller, the executor of a
 * time-limited attempt, the thread completing an asynchronous call), synchronously and inside the
 * caller's context. They must be fast, must not block and must not call the same policy. A callback
 * that throws is caught and logged, and neither the call nor other listeners are affected.
 *
 * <pre>{@code
 * PolicyListener onOpen = new PolicyListener() {
 *   @Override
 *   public void onStateChange(String policy, CircuitState from, CircuitState to) {
 *     if (to == CircuitState.OPEN) {
 *       alerts.add(policy);
 *     }
 *   }
 * };
 * }</pre>
 */
public abstract class PolicyListener {

  /** A listener that ignores everything; the default. */
  public static final PolicyListener NONE = new PolicyListener() {};

  /** Creates a listener. */
  protected PolicyListener() {}

  /**
   * Returns a listener that forwards every callback to each of the given listeners in order, each
   * guarded on its own.
   *
   * @param listeners the listeners
   * @return the composite listener, or the only listener if there is one
   */
  public static PolicyListener composite(PolicyListener... listeners) {
    Checks.notNull("listeners", listeners);
    List<PolicyListener> list = List.of(listeners);
    if (list.size() == 1) {
      return list.get(0);
    }
    return list.isEmpty() ? NONE : new CompositeListener(list);
  }

  /**
   * A guarded call starts, before its first attempt.
   *
   * @param policy the policy's name
   * @return a handle passed to the call's later callbacks, or null
   */
  public Object onCallStart(String policy) {
    return null;
  }

  /**
   * An attempt starts: the circuit breaker, rate limiter and bulkhead let it through.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param attempt the attempt number, 1 for the first
   * @param state the circuit breaker's state, or null if the policy has none
   */
  public void onAttemptStart(String policy, Object handle, int attempt, CircuitState state) {}

  /**
   * An attempt ended.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param attempt the attempt number
   * @param failure the attempt's exception, or null if it returned a result
   * @param durationNanos how long the attempt took
   */
  public void onAttemptEnd(
      String policy, Object handle, int attempt, Throwable failure, long durationNanos) {}

  /**
   * A retry will start after a delay.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param nextAttempt the number of the coming attempt, 2 for the first retry
   * @param failure the failure being retried, or null if a result is retried
   * @param delayNanos the wait before the retry
   */
  public void onRetry(
      String policy, Object handle, int nextAttempt, Throwable failure, long delayNanos) {}

  /**
   * The policy refused an attempt without trying it.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param reason why
   * @param retryAfter when a retry may succeed, or null if unknown
   */
  public void onRejected(
      String policy, Object handle, RejectionReason reason, Duration retryAfter) {}

  /**
   * An attempt ran out of time; the caller is released.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param attempt the attempt number
   * @param timeout the time limit
   */
  public void onTimeout(String policy, Object handle, int attempt, Duration timeout) {}

  /**
   * The fallback is about to supply the result.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param failure the failure it replaces
   */
  public void onFallback(String policy, Object handle, Throwable failure) {}

  /**
   * A guarded call ended.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param outcome how it ended
   * @param failure the failure the caller gets, or null
   * @param attempts the number of attempts made, 0 if the first was refused
   * @param durationNanos how long the call took, retries and fallback included
   */
  public void onCallEnd(
      String policy,
      Object handle,
      CallOutcome outcome,
      Throwable failure,
      int attempts,
      long durationNanos) {}

  /**
   * The circuit breaker changed state. Seen on the thread of the call that observed the change; if
   * states change faster than calls observe them, an intermediate state may be skipped.
   *
   * @param policy the policy's name
   * @param from the previous state
   * @param to the new state
   */
  public void onStateChange(String policy, CircuitState from, CircuitState to) {}

  /**
   * A chaos strategy injected something into an attempt: a fault, a delay or a substitute result
   * (see {@link ChaosConfig}). Marks a rehearsal in traces and metrics. Called on the thread that
   * runs the attempt, before the fault is thrown, the delay waited or the result returned.
   *
   * @param policy the policy's name
   * @param handle what {@link #onCallStart(String)} returned
   * @param kind what was injected
   * @param key the call's key when the chaos has a key filter, else null
   */
  public void onChaosInjected(String policy, Object handle, ChaosKind kind, String key) {}
}
