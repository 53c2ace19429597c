package dev.reliability.core.policy.internal;

import dev.reliability.core.error.ResourceExhaustedException;
import dev.reliability.core.policy.HedgeConfig;
import dev.reliability.core.policy.Hedging;
import dev.reliability.core.time.TimeSource;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hedging of one policy: its budget, its counts and its delay, fixed or the percentile of the
 * latencies of recent runs ({@link LatencyTracker}). The calls themselves are {@link
 * HedgedSyncCall} and {@link HedgedAsyncCall}.
 *
 * <p>The latencies recorded are those of the runs that ended, refusals of the policy's own
 * components aside, and, for a run cancelled because another won, the time it had run: a lower
 * bound that keeps the slow tail in the percentile.
 *
 * <p>The percentile is recomputed at most once per tenth of a window, by whichever call finds it
 * due; two calls may recompute it at the same moment, from the same cells, and both write their
 * result: a benign race, without a compare-and-set.
 *
 * <p>Internal: may change at any time.
 */
final class HedgeState implements Hedging {

  /**
   * The hedged synchronous run on the current thread, if any, to tell a cancelled run's failure.
   */
  private static final ThreadLocal<HedgedSyncCall.Run> RUN = new ThreadLocal<>();

  final HedgeConfig config;
  final int maxHedges;
  private final TimeSource time;
  private final long fixedNanos;
  private final long minNanos;
  private final long maxNanos;
  private final double percentile;
  private final int minSamples;
  private final LatencyTracker tracker;
  private final long refreshEvery;

  /** The policy's retry when its budget is shared with hedges, else null. */
  private final RetryState retryBudget;

  /** The hedge's own budget when the retry has none, else null. */
  private final TokenBudget ownBudget;

  private final LongAdder started = new LongAdder();
  private final LongAdder wins = new LongAdder();
  private final LongAdder denied = new LongAdder();

  private volatile long delay;
  private volatile long refreshAt;

  HedgeState(HedgeConfig config, RetryState retry, TimeSource time) {
    this.config = config;
    this.maxHedges = config.maxHedges();
    this.time = time;
    this.fixedNanos = config.delay().toNanos();
    this.minNanos = config.minDelay().toNanos();
    this.maxNanos = config.maxDelay().toNanos();
    this.percentile = config.delayPercentile().orElse(0.0);
    this.minSamples = config.minSamples();
    long window = config.percentileWindow().toNanos();
    this.tracker = percentile == 0.0 ? null : new LatencyTracker(time.nanoTime(), window);
    this.refreshEvery = Math.max(1, window / 10);
    this.retryBudget = retry != null && retry.hasBudget() ? retry : null;
    this.ownBudget = retryBudget == null ? new TokenBudget(config.budget()) : null;
    this.delay = fixedNanos;
    this.refreshAt = time.nanoTime();
  }

  /** Credits a new call to the hedge's own budget; the retry credits its budget itself. */
  void deposit() {
    if (ownBudget != null) {
      ownBudget.deposit();
    }
  }

  /**
   * Takes a hedge's token from the budget, counting a refusal.
   *
   * @return whether the hedge may start
   */
  boolean tryStartHedge() {
    boolean ok = retryBudget != null ? retryBudget.withdrawForHedge() : ownBudget.tryWithdraw();
    if (ok) {
      started.increment();
    } else {
      denied.increment();
    }
    return ok;
  }

  void countWin() {
    wins.increment();
  }

  /**
   * Whether a run ended by a refusal of the policy (open breaker, full bulkhead, rate limit), whose
   * quick end says nothing about the dependency's latency and is not recorded.
   */
  static boolean isRejection(Throwable failure) {
    return failure != null && AsyncCall.unwrap(failure) instanceof ResourceExhaustedException;
  }

  /** Records a run's latency, or the time a cancelled run had run. */
  void record(long nanos, long now) {
    if (tracker != null) {
      tracker.record(nanos, now);
    }
  }

  /** Returns the delay in effect at a time. */
  long delayNanos(long now) {
    if (tracker == null) {
      return fixedNanos;
    }
    if (now - refreshAt >= 0) {
      long p = tracker.percentileNanos(percentile, minSamples, now);
      delay = p < 0 ? fixedNanos : Math.min(maxNanos, Math.max(minNanos, p));
      refreshAt = now + refreshEvery;
    }
    return delay;
  }

  static void enter(HedgedSyncCall.Run run) {
    RUN.set(run);
  }

  static void exit() {
    RUN.remove();
  }

  /** Whether the hedged run on this thread was cancelled because another run won. */
  static boolean cancelledHere() {
    HedgedSyncCall.Run r = RUN.get();
    return r != null && r.cancelled;
  }

  @Override
  public HedgeConfig config() {
    return config;
  }

  @Override
  public long hedgesStarted() {
    return started.sum();
  }

  @Override
  public long hedgeWins() {
    return wins.sum();
  }

  @Override
  public long hedgesDeniedByBudget() {
    return denied.sum();
  }

  @Override
  public long delayNanos() {
    return delayNanos(time.nanoTime());
  }

  @Override
  public String toString() {
    return "Hedging[" + config + "]";
  }
}
