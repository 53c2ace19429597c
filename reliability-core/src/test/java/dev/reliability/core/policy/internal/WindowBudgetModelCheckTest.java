package dev.reliability.core.policy.internal;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the percent-of-requests rule: calls, retries and reads by three
 * threads, racing to seal the window of a slice that just ended and to publish its successor, must
 * give results that some order of the same calls, one at a time, gives; so no deposit or withdrawal
 * is lost or counted twice when the window moves, and no retry is granted past the budget.
 */
class WindowBudgetModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration SLICE = TTL.dividedBy(WindowBudget.SLICES);

  @Test
  void everyInterleavingWhileTheWindowMovesOnIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(Budget.class);
  }

  @Test
  void everyInterleavingWithTheClockMovingIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(MovingBudget.class);
  }

  @Test
  void aClockMovingOnWhileCallsAndRetriesAreInFlightLosesNone() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          ManualTimeSource time = ManualTimeSource.create();
          WindowBudget budget = new WindowBudget(0.5, TTL, 0, time);
          budget.onCall();
          budget.onCall();
          // Two calls and a retry in each thread: one retry earned and one spent, whichever slice.
          Runnable caller =
              () -> {
                budget.onCall();
                budget.onCall();
                budget.tryAcquire();
              };
          Thread a = new Thread(caller);
          Thread b = new Thread(caller);
          Thread clock = new Thread(() -> time.advance(SLICE));
          a.start();
          b.start();
          clock.start();
          CountWindowInterleavingTest.join(a, b, clock);
          // Six calls earned three retries, two were spent: exactly one is left.
          if (budget.available() != 1.0) {
            throw new AssertionError("left " + budget.available() + " retries, not 1.0");
          }
        });
  }

  /** The budget and its operations; public, as Lincheck makes it by reflection. */
  public static class Budget {
    final ManualTimeSource time = ManualTimeSource.create();
    // Half a retry per call, no floor.
    final WindowBudget budget = new WindowBudget(0.5, TTL, 0, time);

    public Budget() {
      // One retry earned in the first slice, one in the last slice of the window; then the
      // clock enters the next slice, so the first operations race to move the window on, and
      // the first slice's retry leaves it.
      budget.onCall();
      budget.onCall();
      time.advance(SLICE.multipliedBy(WindowBudget.SLICES));
      budget.onCall();
      budget.onCall();
      time.advance(SLICE);
    }

    @Operation
    public void call() {
      budget.onCall();
    }

    @Operation
    public boolean tryAcquire() {
      return budget.tryAcquire();
    }

    @Operation
    public double available() {
      return budget.available();
    }
  }

  /** The same with the clock moving by a slice as one more operation. */
  public static final class MovingBudget extends Budget {

    @Operation
    public void nextSlice() {
      time.advance(SLICE);
    }
  }
}
