package dev.reliability.cluster;

import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * The compare-and-set loops of the fleet-wide limits under every interleaving Lincheck tries: the
 * retry budget's shared path never lets two retries spend one allowance (its unsent retries grow
 * only from the value the allowance was judged with), and the bulkhead's local permits are given
 * back at most once each (the held count never goes below zero, a release beyond it is a no-op),
 * and a prefetched token is spent at most once and never after its pool expired. (A prefetching
 * limiter as a whole is not linearizable, by design: tokens another thread is taking are invisible
 * for a moment, so it may refuse early; {@code FleetBatchingTest} checks it never admits more.)
 */
class FleetLimitsLincheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void retryBudgetDecisionsAreLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(100 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .check(Budget.class);
  }

  @Test
  void localBulkheadPermitsAreLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(100 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .check(LocalBulkhead.class);
  }

  @Test
  void prefetchedTokensAreSpentAtMostOnceAndNeverAfterTheyExpire() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(100 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .check(Pool.class);
  }

  private static FleetEngine engine() {
    ManualScheduler scheduler = ManualScheduler.create();
    return FleetEngines.builder(new InMemoryFleetBackend(scheduler.timeSource()))
        .scheduler(scheduler)
        .build();
  }

  /** A budget of one retry per two calls plus one; no sync runs (the scheduler stands still). */
  public static final class Budget {
    private final FleetRetryBudget budget =
        engine()
            .retryBudget(
                FleetRetryBudgetConfig.builder("b")
                    .ratio(0.5)
                    .minRetriesPerSecond(1)
                    .window(Duration.ofSeconds(1))
                    .syncInterval(Duration.ofSeconds(1))
                    .build());

    @Operation
    public void onCall() {
      budget.onCall();
    }

    @Operation
    public boolean tryAcquire() {
      return budget.tryAcquire();
    }

    @Operation
    public long retries() {
      return budget.fleetRetries();
    }
  }

  /** A degraded bulkhead: every permit is local, two of them. */
  public static final class LocalBulkhead {
    private final FleetBulkhead bulkhead;

    public LocalBulkhead() {
      FleetEngine engine = engine();
      engine.reportFailure("down");
      bulkhead =
          engine.bulkhead(
              FleetBulkheadConfig.builder("db").maxConcurrentCalls(2).localShare(2).build());
    }

    @Operation
    public boolean tryAcquire() {
      return bulkhead.tryAcquire();
    }

    @Operation
    public void release() {
      bulkhead.release();
    }

    @Operation
    public int held() {
      return bulkhead.localPermitsHeld();
    }
  }

  /** A pool of prefetched tokens that expires at 100 (time moves by the test's operations). */
  public static final class Pool {
    private final TokenPool pool = new TokenPool();

    public Pool() {
      pool.add(2, 100);
    }

    @Operation
    public boolean takeBefore() {
      return pool.take(50);
    }

    @Operation
    public boolean takeAfter() {
      return pool.take(150);
    }

    @Operation
    public void addMore() {
      pool.add(1, 100);
    }

    @Operation
    public long tokens() {
      return pool.tokens();
    }
  }
}
