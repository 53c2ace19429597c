package dev.reliability.core.policy.internal;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Every interleaving, by Lincheck's model checker, of calls that share one slot while a reader
 * looks at the counts.
 */
class CountWindowInterleavingTest {

  private static final int INVOCATIONS = 500 * Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void callsSharingASlotNeverShowCountsNoRealWindowHolds() {
    Lincheck.runConcurrentTest(
        INVOCATIONS,
        () -> {
          CountWindow window = new CountWindow(1, 1, 100, 100);
          window.record(CountWindow.SUCCESS);
          long[] seen = new long[2];
          Thread failure = new Thread(() -> window.record(CountWindow.FAILURE | CountWindow.SLOW));
          Thread success = new Thread(() -> window.record(CountWindow.SUCCESS));
          Thread reader =
              new Thread(
                  () -> {
                    seen[0] = window.counts();
                    seen[1] = window.counts();
                  });
          failure.start();
          success.start();
          reader.start();
          join(failure, success, reader);
          for (long c : seen) {
            check(CountWindowStressTest.possible(c, 1), c);
          }
          check(CountWindow.calls(window.counts()) == 1, window.counts());
        });
  }

  // AssertJ's assertions are objects whose equals throws, which the model checker calls.
  static void check(boolean holds, long counts) {
    if (!holds) {
      throw new AssertionError(CountWindowStressTest.describe(counts));
    }
  }

  static void join(Thread... threads) {
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
