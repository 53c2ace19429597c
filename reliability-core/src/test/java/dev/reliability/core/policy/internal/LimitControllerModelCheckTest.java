package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.test.ManualTimeSource;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the adaptive limit's window: two threads end calls with samples while
 * the one whose sample completes the window wins the try-lock that ends it. In every interleaving
 * explored, every counted sample lands in exactly one window (the packed sum-and-count is taken
 * whole by one {@code getAndSet}), exactly one window ends, no permit is lost, and the limit moves
 * by at most one step of the algorithm.
 */
class LimitControllerModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final int WINDOW = 2;

  @Test
  void everySampleLandsInExactlyOneWindowAndOneThreadEndsIt() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          ManualTimeSource time = ManualTimeSource.create();
          // Windows of two samples keep the case small enough to explore every interleaving.
          LimitController c =
              new LimitController(
                  "model",
                  AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build(),
                  time,
                  WINDOW);
          // Three calls in flight, one of them ended: two threads end the rest, and the one whose
          // sample completes the window ends it while the other adds its own.
          for (int i = 0; i < 3; i++) {
            c.tryAcquire(0);
          }
          c.onSample(0, 0, false);
          Runnable last = () -> c.onSample(0, 0, false);
          Thread a = new Thread(last);
          Thread b = new Thread(last);
          a.start();
          b.start();
          CountWindowInterleavingTest.join(a, b);
          if (c.inFlight() != 0) {
            throw new AssertionError("permits still out: " + c.inFlight());
          }
          if (c.windowedSamples() + c.pendingSamples() != 3) {
            throw new AssertionError(
                "counted " + c.windowedSamples() + " ended and " + c.pendingSamples() + " pending");
          }
          // One window of at least two samples ended; nothing more can end a second one.
          if (c.windowedSamples() < WINDOW) {
            throw new AssertionError("ended windows hold " + c.windowedSamples() + " samples");
          }
          if (c.limit() != 20 && c.limit() != 21) {
            throw new AssertionError("limit " + c.limit());
          }
        });
  }
}
