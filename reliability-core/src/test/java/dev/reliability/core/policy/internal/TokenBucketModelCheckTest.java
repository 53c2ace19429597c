package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.RateLimiterConfig;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the rate limiter's one compare-and-set on its theoretical arrival
 * time. At a fixed time, every interleaving of three threads must be linearizable: each result is
 * the one some order of the same calls gives one at a time. With the clock moving while calls are
 * in flight, a call may compute from a reading taken before another call's, which only makes it
 * wait longer; what must hold is the bound: the permits granted without waiting never exceed the
 * limit plus what the elapsed time refills.
 */
class TokenBucketModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final Duration PERIOD = Duration.ofSeconds(1);
  private static final int LIMIT = 2;

  @Test
  void everyInterleavingAtOneMomentIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(Calls.class);
  }

  @Test
  void aMovingClockNeverGrantsMoreThanTheLimitAndItsRefill() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          ManualTimeSource time = ManualTimeSource.create();
          TokenBucket bucket = new TokenBucket(config(), time);
          AtomicInteger granted = new AtomicInteger();
          Runnable caller =
              () -> {
                for (int i = 0; i < 2; i++) {
                  if (bucket.acquire(0) == 0) {
                    granted.incrementAndGet();
                  }
                }
              };
          Thread a = new Thread(caller);
          Thread b = new Thread(caller);
          Thread clock = new Thread(() -> time.advance(PERIOD.dividedBy(LIMIT)));
          a.start();
          b.start();
          clock.start();
          CountWindowInterleavingTest.join(a, b, clock);
          // One emission interval elapsed: at most one permit more than the burst.
          if (granted.get() > LIMIT + 1) {
            throw new AssertionError("granted " + granted.get() + " permits");
          }
          if (bucket.permittedCalls() != granted.get()
              || bucket.permittedCalls() + bucket.rejectedCalls() != 4) {
            throw new AssertionError(
                "counted " + bucket.permittedCalls() + " and " + bucket.rejectedCalls());
          }
        });
  }

  static RateLimiterConfig config() {
    return RateLimiterConfig.builder().limit(LIMIT).period(PERIOD).build();
  }

  /** The limiter under test and its operations; public, as Lincheck makes it by reflection. */
  public static final class Calls {
    private final TokenBucket bucket = new TokenBucket(config(), ManualTimeSource.create());

    @Operation
    public long acquireNow() {
      return bucket.acquire(0);
    }

    @Operation
    public long acquireWithinAPeriod() {
      return bucket.acquire(PERIOD.toNanos());
    }

    @Operation
    public int availablePermits() {
      return bucket.availablePermits();
    }

    @Operation
    public long nextPermitInNanos() {
      return bucket.nextPermitIn().toNanos();
    }
  }
}
