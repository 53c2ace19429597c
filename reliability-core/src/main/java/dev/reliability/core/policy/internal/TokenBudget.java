package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.RetryBudget;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token bucket of a {@link RetryBudget} of the ratio rule, kept in thousandths of a token:
 * every call deposits the ratio, every extra run takes one token. Also the hedge's own budget.
 *
 * <p><b>Compare-and-set invariant:</b> the content stays between 0 and the reserve; a deposit moves
 * it from {@code v < cap} to {@code min(cap, v + ratio)}, a withdrawal from {@code v >= 1} token to
 * {@code v - 1} token, each in one compare-and-set of the value it read, so two threads never take
 * the same token. {@code TokenBudgetModelCheckTest} checks it with Lincheck.
 *
 * <p>Internal: may change at any time.
 */
final class TokenBudget extends BudgetState {

  private static final long MILLI = 1000;

  private final AtomicLong milli;
  private final long depositMilli;
  private final long capMilli;

  TokenBudget(RetryBudget budget) {
    this.capMilli = budget.reserve() * MILLI;
    this.depositMilli = Math.round(budget.ratio() * MILLI);
    this.milli = new AtomicLong(capMilli);
  }

  @Override
  void onCall() {
    deposit();
  }

  @Override
  boolean tryAcquire() {
    return tryWithdraw();
  }

  /** Credits one call's share. Reads only while the bucket is full. */
  void deposit() {
    if (depositMilli == 0) {
      return;
    }
    while (true) {
      long v = milli.get();
      if (v >= capMilli) {
        return;
      }
      if (milli.compareAndSet(v, Math.min(capMilli, v + depositMilli))) {
        return;
      }
    }
  }

  /**
   * Takes one token.
   *
   * @return whether there was one
   */
  boolean tryWithdraw() {
    while (true) {
      long v = milli.get();
      if (v < MILLI) {
        return false;
      }
      if (milli.compareAndSet(v, v - MILLI)) {
        return true;
      }
    }
  }

  /** Returns the tokens available. */
  @Override
  void carryFrom(BudgetState previous) {
    if (previous instanceof TokenBudget p) {
      milli.set(Math.min(capMilli, p.milli.get()));
    }
  }

  @Override
  public double available() {
    return milli.get() / (double) MILLI;
  }
}
