package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.ExternalRetryBudget;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The state of a {@link RetryBudget}: one per policy, or one shared by the policies configured with
 * a shared budget. A retry asks {@link #tryRetry()}; the engine reports each call ({@link
 * #onCall()}), each successful attempt ({@link #onSuccess()}) and each retryable failure ({@link
 * #onFailure()}); each rule reads the events it needs. Lock-free and thread-safe in every subclass.
 *
 * <p>Internal: may change at any time.
 */
public abstract class BudgetState {

  private static volatile Function<RetryBudget, BudgetState> sharedAccess;

  private final LongAdder rejections = new LongAdder();

  BudgetState() {}

  /**
   * Lets this package read the state of a shared {@link RetryBudget}; called once by that class.
   *
   * @param access returns a budget's shared state, or null for a per-policy budget
   */
  public static void installSharedAccess(Function<RetryBudget, BudgetState> access) {
    if (sharedAccess == null) {
      sharedAccess = access;
    }
  }

  /**
   * Creates the state of a budget kept by an external engine.
   *
   * @param name the budget's name, for the log
   * @param engine the external budget, which decides
   * @return a state that hands every event to the engine
   */
  public static BudgetState external(String name, ExternalRetryBudget engine) {
    return new ExternalBudget(name, engine);
  }

  /**
   * Creates a new state for a budget.
   *
   * @param budget the budget's rule and values
   * @param time the clock, read by the percent-of-requests rule only
   * @return a new state, full
   */
  public static BudgetState create(RetryBudget budget, TimeSource time) {
    return switch (budget.rule()) {
      // Always shared: its state was made with the budget, by external(name, engine).
      case EXTERNAL -> sharedAccess.apply(budget);
      case RATIO -> new TokenBudget(budget);
      case TOKEN_BUCKET -> new ThrottlingBudget(budget.maxTokens(), budget.tokenRatio());
      case PERCENT_OF_REQUESTS ->
          new WindowBudget(
              budget.percentCanRetry(), budget.ttl(), budget.minRetriesPerSecond(), time);
    };
  }

  /**
   * Returns the state a policy uses: the shared one of a shared budget, else a new one.
   *
   * @param budget the budget
   * @param time the policy's clock
   * @return the state
   */
  static BudgetState forPolicy(RetryBudget budget, TimeSource time) {
    BudgetState s = budget.isShared() ? sharedAccess.apply(budget) : null;
    return s != null ? s : create(budget, time);
  }

  /** Reports a new call (not a retry, not a hedge). */
  abstract void onCall();

  /** Reports an attempt that succeeded. Only a rule that reads it overrides this. */
  void onSuccess() {}

  /** Reports an attempt that failed and that the retry would retry. */
  void onFailure() {}

  /**
   * Takes over what a budget of the policy's previous configuration held, when it follows the same
   * rule: the tokens, up to this budget's capacity. Called before this state takes any call; the
   * percent-of-requests rule starts a new window (its floor applies at once).
   *
   * @param previous the previous state, another object than this one
   */
  void carryFrom(BudgetState previous) {}

  /** Whether {@link #onSuccess()} does anything, so the engine can skip it. */
  boolean readsSuccesses() {
    return false;
  }

  /**
   * Asks for one retry or hedge, without counting a refusal.
   *
   * @return whether the budget allows it
   */
  abstract boolean tryAcquire();

  /**
   * Asks for one retry, counting a refusal.
   *
   * @return whether the budget allows it
   */
  final boolean tryRetry() {
    if (tryAcquire()) {
      return true;
    }
    rejections.increment();
    return false;
  }

  /**
   * Returns the retries the budget would allow now.
   *
   * @return the tokens or retries left, 0 or more
   */
  public abstract double available();

  /**
   * Returns the retries refused by {@link #tryRetry()}.
   *
   * @return the count
   */
  public final long rejections() {
    return rejections.sum();
  }
}
