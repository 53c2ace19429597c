package dev.reliability.core.policy.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * gRPC's retry throttling, the {@code TOKEN_BUCKET} rule of {@link
 * dev.reliability.core.policy.RetryBudget}: a bucket of at most {@code maxTokens}, full at the
 * start, kept in thousandths of a token. A retryable failure takes one token, a successful attempt
 * adds {@code tokenRatio}; a retry or a hedge is allowed while the bucket holds more than half of
 * its capacity, and takes nothing itself.
 *
 * <p><b>Compare-and-set invariant:</b> the content stays between 0 and the capacity: a failure
 * moves it from {@code v > 0} to {@code max(0, v - 1 token)}, a success from {@code v < cap} to
 * {@code min(cap, v + ratio)}, each in one compare-and-set of the value it read (a lost race reads
 * again), and a full or empty bucket is left without a write. {@code
 * ThrottlingBudgetModelCheckTest} checks it with Lincheck.
 *
 * <p>Internal: may change at any time.
 */
final class ThrottlingBudget extends BudgetState {

  private static final long MILLI = 1000;

  private final AtomicLong milli;
  private final long capMilli;
  private final long thresholdMilli;
  private final long ratioMilli;

  ThrottlingBudget(int maxTokens, double tokenRatio) {
    this.capMilli = maxTokens * MILLI;
    this.thresholdMilli = capMilli / 2;
    this.ratioMilli = Math.max(1, Math.round(tokenRatio * MILLI));
    this.milli = new AtomicLong(capMilli);
  }

  @Override
  void onCall() {}

  @Override
  boolean readsSuccesses() {
    return true;
  }

  @Override
  void onSuccess() {
    while (true) {
      long v = milli.get();
      if (v >= capMilli) {
        return;
      }
      if (milli.compareAndSet(v, Math.min(capMilli, v + ratioMilli))) {
        return;
      }
    }
  }

  @Override
  void onFailure() {
    while (true) {
      long v = milli.get();
      if (v <= 0) {
        return;
      }
      if (milli.compareAndSet(v, Math.max(0, v - MILLI))) {
        return;
      }
    }
  }

  @Override
  boolean tryAcquire() {
    return milli.get() > thresholdMilli;
  }

  @Override
  void carryFrom(BudgetState previous) {
    if (previous instanceof ThrottlingBudget p) {
      milli.set(Math.min(capMilli, p.milli.get()));
    }
  }

  @Override
  public double available() {
    return milli.get() / (double) MILLI;
  }
}
