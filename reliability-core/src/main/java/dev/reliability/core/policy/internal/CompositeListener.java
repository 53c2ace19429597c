package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.RejectionReason;
import java.time.Duration;
import java.util.List;

/**
 * Forwards every callback to several listeners, each guarded on its own; the per-call handle is an
 * array of the listeners' handles.
 *
 * <p>Internal: may change at any time.
 */
public final class CompositeListener extends PolicyListener {

  private final PolicyListener[] listeners;

  /**
   * Creates the composite.
   *
   * @param listeners the listeners, in call order
   */
  public CompositeListener(List<PolicyListener> listeners) {
    this.listeners =
        listeners.stream()
            .map(SafeListener::guard)
            .filter(l -> l != null)
            .toArray(PolicyListener[]::new);
  }

  private Object handle(Object handle, int i) {
    return handle instanceof Object[] a && a.length == listeners.length ? a[i] : null;
  }

  @Override
  public Object onCallStart(String policy) {
    Object[] handles = new Object[listeners.length];
    for (int i = 0; i < listeners.length; i++) {
      handles[i] = listeners[i].onCallStart(policy);
    }
    return handles;
  }

  @Override
  public void onAttemptStart(String policy, Object handle, int attempt, CircuitState state) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onAttemptStart(policy, handle(handle, i), attempt, state);
    }
  }

  @Override
  public void onAttemptEnd(
      String policy, Object handle, int attempt, Throwable failure, long durationNanos) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onAttemptEnd(policy, handle(handle, i), attempt, failure, durationNanos);
    }
  }

  @Override
  public void onRetry(
      String policy, Object handle, int nextAttempt, Throwable failure, long delayNanos) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onRetry(policy, handle(handle, i), nextAttempt, failure, delayNanos);
    }
  }

  @Override
  public void onRejected(
      String policy, Object handle, RejectionReason reason, Duration retryAfter) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onRejected(policy, handle(handle, i), reason, retryAfter);
    }
  }

  @Override
  public void onTimeout(String policy, Object handle, int attempt, Duration timeout) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onTimeout(policy, handle(handle, i), attempt, timeout);
    }
  }

  @Override
  public void onFallback(String policy, Object handle, Throwable failure) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onFallback(policy, handle(handle, i), failure);
    }
  }

  @Override
  public void onCallEnd(
      String policy,
      Object handle,
      CallOutcome outcome,
      Throwable failure,
      int attempts,
      long durationNanos) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onCallEnd(policy, handle(handle, i), outcome, failure, attempts, durationNanos);
    }
  }

  @Override
  public void onStateChange(String policy, CircuitState from, CircuitState to) {
    for (PolicyListener l : listeners) {
      l.onStateChange(policy, from, to);
    }
  }

  // chaos: injected events
  @Override
  public void onChaosInjected(String policy, Object handle, ChaosKind kind, String key) {
    for (int i = 0; i < listeners.length; i++) {
      listeners[i].onChaosInjected(policy, handle(handle, i), kind, key);
    }
  }

  @Override
  public String toString() {
    return "CompositeListener" + List.of(listeners);
  }
}
