package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.ExternalRetryBudget;

/**
 * The state of a retry budget kept outside the process: every event goes to the user's {@link
 * ExternalRetryBudget}, which decides. The refusals are counted here, as for every other budget.
 *
 * <p>A budget that throws is logged (the first failure at warning level, later ones at debug
 * level); a throwing {@code tryAcquire} refuses the retry or hedge, a throwing {@code available}
 * reads as 0, and a throwing report is dropped: the call goes on.
 *
 * <p>Internal: may change at any time.
 */
final class ExternalBudget extends BudgetState {

  private final String name;
  private final ExternalRetryBudget external;

  /** Set after the first failure was logged at warning level; later ones go to debug. */
  private volatile boolean warned;

  ExternalBudget(String name, ExternalRetryBudget external) {
    this.name = name;
    this.external = external;
  }

  @Override
  void onCall() {
    try {
      external.onCall();
    } catch (RuntimeException e) {
      failed("onCall", e);
    }
  }

  @Override
  void onSuccess() {
    try {
      external.onSuccess();
    } catch (RuntimeException e) {
      failed("onSuccess", e);
    }
  }

  @Override
  void onFailure() {
    try {
      external.onFailure();
    } catch (RuntimeException e) {
      failed("onFailure", e);
    }
  }

  @Override
  boolean readsSuccesses() {
    return true;
  }

  @Override
  boolean tryAcquire() {
    try {
      return external.tryAcquire();
    } catch (RuntimeException e) {
      failed("tryAcquire", e);
      return false;
    }
  }

  @Override
  public double available() {
    try {
      return Math.max(0, external.available());
    } catch (RuntimeException e) {
      failed("available", e);
      return 0;
    }
  }

  private void failed(String method, RuntimeException e) {
    boolean first = !warned;
    warned = true;
    EventLog.externalFailed(name, "retry_budget", method, e, first);
  }
}
