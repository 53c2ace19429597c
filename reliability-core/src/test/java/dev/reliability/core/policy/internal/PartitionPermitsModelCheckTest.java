package dev.reliability.core.policy.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the adaptive limiter's permit counting: one compare-and-set over the
 * packed in-flight counts of every partition. Every interleaving of three threads acquiring and
 * releasing in the default partition and two reserved ones must be linearizable (each result is the
 * one some order of the same calls gives one at a time, so the limit and the reservations are
 * exact), and no interleaving may admit more calls than the limit or let a count go negative.
 */
class PartitionPermitsModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final int LIMIT = 4;

  /** Default partition, then two reserving a quarter each: one permit each under a limit of 4. */
  static PartitionPermits permits() {
    return new PartitionPermits(new double[] {0.0, 0.25, 0.25});
  }

  @Test
  void everyInterleavingIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(Calls.class);
  }

  @Test
  void noInterleavingAdmitsBeyondTheLimitOrTakesAReservation() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          PartitionPermits p = permits();
          AtomicInteger admittedDefault = new AtomicInteger();
          Runnable defaults =
              () -> {
                for (int i = 0; i < 3; i++) {
                  if (p.tryAcquire(0, LIMIT)) {
                    admittedDefault.incrementAndGet();
                  }
                }
              };
          Thread a = new Thread(defaults);
          Thread b = new Thread(defaults);
          Thread c =
              new Thread(
                  () -> {
                    if (!p.tryAcquire(1, LIMIT)) {
                      throw new AssertionError("the reserved permit of partition 1 was taken");
                    }
                    p.release(1);
                    p.release(1);
                  });
          a.start();
          b.start();
          c.start();
          CountWindowInterleavingTest.join(a, b, c);
          // Two reservations of one permit each are kept from the default partition.
          if (admittedDefault.get() != LIMIT - 2) {
            throw new AssertionError("default partition admitted " + admittedDefault.get());
          }
          if (p.total() != admittedDefault.get() || p.inFlight(1) != 0) {
            throw new AssertionError("counted " + p.total() + " and " + p.inFlight(1));
          }
        });
  }

  /** The counts under test and their operations; public, as Lincheck makes it by reflection. */
  @Param(name = "slot", gen = IntGen.class, conf = "0:2")
  public static final class Calls {
    private final PartitionPermits permits = permits();

    @Operation
    public boolean acquire(@Param(name = "slot") int slot) {
      return permits.tryAcquire(slot, LIMIT);
    }

    @Operation
    public boolean release(@Param(name = "slot") int slot) {
      return permits.release(slot);
    }

    @Operation
    public int total() {
      return permits.total();
    }
  }
}
