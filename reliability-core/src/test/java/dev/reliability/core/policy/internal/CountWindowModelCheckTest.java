package dev.reliability.core.policy.internal;

import java.lang.reflect.Field;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker runs random scenarios of calls on a window of two slots, from three
 * threads, under every interleaving it can reach: a reader in the middle of them never sees counts
 * that no window of two real outcomes holds, and once the calls end the counts are exactly those of
 * the slots. {@code -Dreliability.proofs.scale=N} runs N times as many scenarios.
 */
class CountWindowModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final int SIZE = 2;

  @Test
  void everyInterleavingKeepsTheCountsThoseOfARealWindow() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(SequentialWindow.class)
        .check(Calls.class);
  }

  /** The window under test and its operations; public, as Lincheck makes it by reflection. */
  public static final class Calls {
    private final CountWindow window = new CountWindow(SIZE, SIZE, 100, 100);

    @Operation
    public void success() {
      window.record(CountWindow.SUCCESS);
    }

    @Operation
    public void failure() {
      window.record(CountWindow.FAILURE);
    }

    @Operation
    public void slowFailure() {
      window.record(CountWindow.FAILURE | CountWindow.SLOW);
    }

    @Operation
    public boolean countsArePossible() {
      return CountWindowStressTest.possible(window.counts(), SIZE);
    }

    /** Once every call has returned, the counts are the sum of the slots, and no slot is busy. */
    @Validate
    public void countsAreThoseOfTheSlotsOnceCallsEnd() throws ReflectiveOperationException {
      Field f = CountWindow.class.getDeclaredField("slots");
      f.setAccessible(true);
      int calls = 0;
      int failures = 0;
      int slow = 0;
      for (int held : (int[]) f.get(window)) {
        if (held > (CountWindow.FAILURE | CountWindow.SLOW)) {
          throw new AssertionError("a slot is still busy: " + held);
        }
        calls += held & 1;
        failures += (held >>> 1) & 1;
        slow += (held >>> 2) & 1;
      }
      long c = window.counts();
      if (CountWindow.calls(c) != calls
          || CountWindow.failures(c) != failures
          || CountWindow.slowCalls(c) != slow) {
        throw new AssertionError(
            CountWindowStressTest.describe(c)
                + " but the slots hold calls="
                + calls
                + " failures="
                + failures
                + " slow="
                + slow);
      }
    }
  }

  /**
   * The sequential view the operations must match: recording returns nothing and the counts are
   * always possible.
   */
  public static final class SequentialWindow {
    public void success() {}

    public void failure() {}

    public void slowFailure() {}

    public boolean countsArePossible() {
      return true;
    }
  }
}
