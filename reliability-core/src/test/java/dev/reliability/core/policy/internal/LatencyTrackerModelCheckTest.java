package dev.reliability.core.policy.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the latency tracker's one compare-and-set per cell: samples of the
 * same and of later windows, recorded by three threads into one bucket of one bank, must leave
 * counts that some order of the same operations, one at a time, gives: no sample of a window is
 * lost, none is counted in another window, and a cell's window never goes back.
 */
class LatencyTrackerModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingOfSamplesIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(Samples.class);
  }

  /** The tracker and its operations on one cell; public, as Lincheck makes it by reflection. */
  @Param(name = "window", gen = IntGen.class, conf = "0:2")
  public static final class Samples {
    // Windows 0 and 2 share a bank: they fight over the same cell.
    private final LatencyTracker tracker = new LatencyTracker(0, 1_000);
    private static final int BUCKET = 3;

    @Operation
    public void record(@Param(name = "window") int window) {
      tracker.recordInWindow(BUCKET, window * 2L);
    }

    @Operation
    public long count(@Param(name = "window") int window) {
      return tracker.countInWindow(BUCKET, window * 2L);
    }

    @Operation
    public long countAnotherBucket() {
      return tracker.countInWindow(BUCKET + 1, 0) + tracker.countInWindow(BUCKET + 1, 2);
    }
  }
}
