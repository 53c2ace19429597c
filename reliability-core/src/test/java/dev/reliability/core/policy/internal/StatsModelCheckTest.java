package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.CallOutcome;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the statistics: successes go to cells that threads claim with a
 * compare-and-set and then own, the other outcomes to striped adders. Every interleaving of three
 * threads must read as a sequential counter: a read returns a count the calls reached at some
 * moment during the read, and once the calls end the sums are exact. Each call takes one
 * nanosecond, so the time sums are counters too (with calls of different lengths a read can, like a
 * {@link java.util.concurrent.atomic.LongAdder}'s, lag a call in progress).
 */
class StatsModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everyInterleavingReadsAsASequentialCounter() {
    new ModelCheckingOptions()
        .iterations(5 * SCALE)
        .invocationsPerIteration(200 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(SequentialStats.class)
        .check(Calls.class);
  }

  /** The statistics under test and their operations; public, as Lincheck makes it by reflection. */
  public static final class Calls {
    private final Stats stats = new Stats();

    @Operation
    public void success() {
      stats.record(CallOutcome.SUCCESS, 1);
    }

    @Operation
    public void failure() {
      stats.record(CallOutcome.FAILURE, 1);
    }

    @Operation
    public long successes() {
      return stats.calls(CallOutcome.SUCCESS);
    }

    @Operation
    public long failures() {
      return stats.calls(CallOutcome.FAILURE);
    }

    /** Counts and times agree once every call has returned. */
    @Validate
    public void sumsAgreeOnceCallsEnd() {
      if (stats.calls(CallOutcome.SUCCESS) != stats.totalNanos(CallOutcome.SUCCESS)
          || stats.calls(CallOutcome.FAILURE) != stats.totalNanos(CallOutcome.FAILURE)) {
        throw new AssertionError("counts and times differ at rest");
      }
    }
  }

  /** What the statistics must read as: plain counters. */
  public static final class SequentialStats {
    private long successes;
    private long failures;

    public void success() {
      successes++;
    }

    public void failure() {
      failures++;
    }

    public long successes() {
      return successes;
    }

    public long failures() {
      return failures;
    }
  }
}
