package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.test.ManualTimeSource;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the adaptive limit's window: two threads end calls with samples while
 * the one whose sample is the tenth wins the try-lock that ends the window. In every interleaving
 * explored, every counted sample lands in exactly one window (the packed sum-and-count is taken
 * whole by one {@code getAndSet}), exactly one window ends, no permit is lost, and the limit moves
 * by at most one step of the algorithm.
 */
class LimitControllerModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void everySampleLandsInExactlyOneWindowAndOneThreadEndsIt() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          ManualTimeSource time = ManualTimeSource.create();
          LimitController c =
              new LimitController(
                  "model", AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build(), time);
          // Eleven calls in flight, nine of them ended: two threads end the rest, and the one
          // whose sample is the tenth ends the window while the other adds its own.
          for (int i = 0; i < 11; i++) {
            c.tryAcquire(0);
          }
          for (int i = 0; i < 9; i++) {
            c.onSample(0, 0, false);
          }
          Runnable last = () -> c.onSample(0, 0, false);
          Thread a = new Thread(last);
          Thread b = new Thread(last);
          a.start();
          b.start();
          CountWindowInterleavingTest.join(a, b);
          int samples = 11;
          if (c.inFlight() != 0) {
            throw new AssertionError("permits still out: " + c.inFlight());
          }
          if (c.windowedSamples() + c.pendingSamples() != samples) {
            throw new AssertionError(
                "counted " + c.windowedSamples() + " ended and " + c.pendingSamples() + " pending");
          }
          // Ten samples end one window; the one after it waits for the next.
          if (c.windowedSamples() < LimitController.MIN_SAMPLES
              || c.windowedSamples() >= 2 * LimitController.MIN_SAMPLES) {
            throw new AssertionError("ended windows hold " + c.windowedSamples() + " samples");
          }
          if (c.limit() != 20 && c.limit() != 21) {
            throw new AssertionError("limit " + c.limit());
          }
        });
  }
}
