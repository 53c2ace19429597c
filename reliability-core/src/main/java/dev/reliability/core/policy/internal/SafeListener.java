package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CallOutcome;
import dev.reliability.core.policy.ChaosKind;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.core.policy.PolicyListener;
import dev.reliability.core.policy.RejectionReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards one listener: a callback that throws is logged (the first time at WARN, then at DEBUG) and
 * otherwise ignored.
 *
 * <p>Internal: may change at any time.
 */
public final class SafeListener extends PolicyListener {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyListener.class);

  private final PolicyListener delegate;
  private final AtomicBoolean warned = new AtomicBoolean();

  private SafeListener(PolicyListener delegate) {
    this.delegate = delegate;
  }

  /**
   * Returns the listener guarded, or null for {@link PolicyListener#NONE}, so callers skip all
   * listener work with one null check.
   *
   * @param listener the listener
   * @return the guarded listener, or null
   */
  public static PolicyListener guard(PolicyListener listener) {
    if (listener == null || listener == PolicyListener.NONE) {
      return null;
    }
    if (listener instanceof SafeListener || listener instanceof CompositeListener) {
      return listener;
    }
    return new SafeListener(listener);
  }

  private void failed(String callback, Throwable t) {
    if (warned.compareAndSet(false, true)) {
      LOG.warn(
          "Policy listener {} failed in {}; later failures are logged at DEBUG",
          delegate,
          callback,
          t);
    } else {
      LOG.debug("Policy listener {} failed in {}", delegate, callback, t);
    }
  }

  @Override
  public Object onCallStart(String policy) {
    try {
      return delegate.onCallStart(policy);
    } catch (Throwable t) {
      failed("onCallStart", t);
      return null;
    }
  }

  @Override
  public void onAttemptStart(String policy, Object handle, int attempt, CircuitState state) {
    try {
      delegate.onAttemptStart(policy, handle, attempt, state);
    } catch (Throwable t) {
      failed("onAttemptStart", t);
    }
  }

  @Override
  public void onAttemptEnd(
      String policy, Object handle, int attempt, Throwable failure, long durationNanos) {
    try {
      delegate.onAttemptEnd(policy, handle, attempt, failure, durationNanos);
    } catch (Throwable t) {
      failed("onAttemptEnd", t);
    }
  }

  @Override
  public void onRetry(
      String policy, Object handle, int nextAttempt, Throwable failure, long delayNanos) {
    try {
      delegate.onRetry(policy, handle, nextAttempt, failure, delayNanos);
    } catch (Throwable t) {
      failed("onRetry", t);
    }
  }

  @Override
  public void onRejected(
      String policy, Object handle, RejectionReason reason, Duration retryAfter) {
    try {
      delegate.onRejected(policy, handle, reason, retryAfter);
    } catch (Throwable t) {
      failed("onRejected", t);
    }
  }

  @Override
  public void onTimeout(String policy, Object handle, int attempt, Duration timeout) {
    try {
      delegate.onTimeout(policy, handle, attempt, timeout);
    } catch (Throwable t) {
      failed("onTimeout", t);
    }
  }

  @Override
  public void onFallback(String policy, Object handle, Throwable failure) {
    try {
      delegate.onFallback(policy, handle, failure);
    } catch (Throwable t) {
      failed("onFallback", t);
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
    try {
      delegate.onCallEnd(policy, handle, outcome, failure, attempts, durationNanos);
    } catch (Throwable t) {
      failed("onCallEnd", t);
    }
  }

  @Override
  public void onStateChange(String policy, CircuitState from, CircuitState to) {
    try {
      delegate.onStateChange(policy, from, to);
    } catch (Throwable t) {
      failed("onStateChange", t);
    }
  }

  // chaos: injected events
  @Override
  public void onChaosInjected(String policy, Object handle, ChaosKind kind, String key) {
    try {
      delegate.onChaosInjected(policy, handle, kind, key);
    } catch (Throwable t) {
      failed("onChaosInjected", t);
    }
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
