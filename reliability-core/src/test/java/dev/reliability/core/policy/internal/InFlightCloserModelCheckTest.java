package dev.reliability.core.policy.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the in-flight count of a keyed policy's entry: one integer that
 * counts calls and holds the retired bit. In no interleaving of calls and retirements may the close
 * action run twice, run while a call is in flight, fail to run once the holder is retired and idle,
 * or let a call enter after it ran. (A linearizability check against one-call-at-a-time does not
 * apply: a call that enters while an earlier one is still in flight after the retirement is allowed
 * by design, and only delays the close.)
 */
class InFlightCloserModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);

  @Test
  void noInterleavingClosesTwiceOrUnderACall() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          AtomicInteger closes = new AtomicInteger();
          AtomicInteger inCall = new AtomicInteger();
          InFlightCloser closer =
              new InFlightCloser(
                  () -> {
                    if (inCall.get() != 0) {
                      throw new AssertionError("closed while a call was in flight");
                    }
                    closes.incrementAndGet();
                  },
                  true);
          Runnable call =
              () -> {
                if (closer.enter()) {
                  inCall.incrementAndGet();
                  if (closes.get() != 0) {
                    throw new AssertionError("a call entered after the close");
                  }
                  inCall.decrementAndGet();
                  closer.exit();
                }
              };
          Thread a =
              new Thread(
                  () -> {
                    // The creating thread's call, entered by the constructor.
                    inCall.incrementAndGet();
                    inCall.decrementAndGet();
                    closer.exit();
                    call.run();
                  });
          Thread b = new Thread(call);
          Thread c = new Thread(closer::retire);
          a.start();
          b.start();
          c.start();
          CountWindowInterleavingTest.join(a, b, c);
          if (closes.get() != 1 || !closer.closed() || closer.inFlight() != 0) {
            throw new AssertionError("closed " + closes.get() + " times");
          }
        });
  }

  @Test
  void retiredWhileTwoCallsComeAndGoItClosesOnceAfterTheLastOne() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          AtomicInteger closes = new AtomicInteger();
          AtomicInteger inCall = new AtomicInteger();
          AtomicInteger entered = new AtomicInteger();
          InFlightCloser closer =
              new InFlightCloser(
                  () -> {
                    if (inCall.get() != 0) {
                      throw new AssertionError("closed while a call was in flight");
                    }
                    closes.incrementAndGet();
                  },
                  false);
          Runnable call =
              () -> {
                if (closer.enter()) {
                  entered.incrementAndGet();
                  inCall.incrementAndGet();
                  inCall.decrementAndGet();
                  closer.exit();
                }
              };
          Thread a = new Thread(call);
          Thread b = new Thread(call);
          Thread c =
              new Thread(
                  () -> {
                    closer.retire();
                    closer.retire();
                  });
          a.start();
          b.start();
          c.start();
          CountWindowInterleavingTest.join(a, b, c);
          if (closes.get() != 1 || !closer.closed()) {
            throw new AssertionError("closed " + closes.get() + " times");
          }
          if (closer.enter()) {
            throw new AssertionError("a call entered after the close");
          }
        });
  }
}
