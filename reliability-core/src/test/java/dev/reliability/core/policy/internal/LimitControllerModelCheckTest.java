package dev.reliability.core.policy.internal;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.test.ManualTimeSource;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the adaptive limit's window: three threads take permits and end their
 * calls with samples while one of them wins the try-lock that ends the window. Whatever the
 * interleaving, every counted sample lands in exactly one window (the packed sum-and-count is taken
 * whole by one {@code getAndSet}), exactly one window ends once ten samples are in, no permit is
 * lost, and the limit moves by at most one step of the algorithm.
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
          // Twelve calls in flight, eight of them ended: the three threads end the rest, and
          // the one whose sample is the tenth ends the window while the others add theirs.
          for (int i = 0; i < 12; i++) {
            c.tryAcquire(0);
          }
          for (int i = 0; i < 8; i++) {
            c.onSample(0, 0, false);
          }
          Runnable caller =
              () -> {
                c.onSample(0, 0, false);
                c.onSample(0, 0, false);
              };
          Runnable last = () -> c.onSample(0, 0, false);
          Thread a = new Thread(caller);
          Thread b = new Thread(last);
          Thread d = new Thread(last);
          a.start();
          b.start();
          d.start();
          CountWindowInterleavingTest.join(a, b, d);
          int samples = 12;
          if (c.inFlight() != 0) {
            throw new AssertionError("permits still out: " + c.inFlight());
          }
          if (c.windowedSamples() + c.pendingSamples() != samples) {
            throw new AssertionError(
                "counted " + c.windowedSamples() + " ended and " + c.pendingSamples() + " pending");
          }
          // Ten samples end one window; the two after it wait for the next.
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
