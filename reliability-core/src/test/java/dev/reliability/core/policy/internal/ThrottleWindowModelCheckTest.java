package dev.reliability.core.policy.internal;

import dev.reliability.test.ManualTimeSource;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the throttle window's one compare-and-set, the rotation of a slot to
 * a new bucket. At one moment (the first calls race to open the bucket, over an old bucket with
 * counts), every interleaving of three threads must be linearizable and leave each slot holding a
 * bucket of its own epoch; with the clock moving by a bucket while calls are in flight, no count is
 * lost. {@code -Dreliability.proofs.scale=N} runs N times as many scenarios.
 */
class ThrottleWindowModelCheckTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int BUCKETS = 5;
  private static final Duration BUCKET = WINDOW.dividedBy(BUCKETS);

  @Test
  void everyInterleavingAtOneMomentIsLinearizable() {
    new ModelCheckingOptions()
        .iterations(10 * SCALE)
        .invocationsPerIteration(300 * SCALE)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(1)
        .check(Calls.class);
  }

  @Test
  void aClockMovingByABucketLosesNoCount() {
    Lincheck.runConcurrentTest(
        300 * SCALE,
        () -> {
          ManualTimeSource time = ManualTimeSource.create();
          ThrottleWindow window = new ThrottleWindow(WINDOW, BUCKETS, time);
          time.advance(BUCKET.minusMillis(1));
          Runnable caller =
              () -> {
                for (int i = 0; i < 2; i++) {
                  window.add(window.epoch(), ThrottleWindow.REQUEST);
                  window.add(window.epoch(), ThrottleWindow.ACCEPT);
                }
              };
          Thread a = new Thread(caller);
          Thread b = new Thread(caller);
          Thread clock = new Thread(() -> time.advance(BUCKET));
          a.start();
          b.start();
          clock.start();
          CountWindowInterleavingTest.join(a, b, clock);
          long epoch = window.epoch();
          if (window.requests(epoch) != 4 || window.accepts(epoch) != 4) {
            throw new AssertionError(
                "counted " + window.requests(epoch) + " requests, " + window.accepts(epoch));
          }
          checkSlots(window);
        });
  }

  /** Every slot holds the empty bucket or one whose epoch is its index modulo the buckets. */
  static void checkSlots(ThrottleWindow window) {
    try {
      Field f = ThrottleWindow.class.getDeclaredField("ring");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      AtomicReferenceArray<ThrottleWindow.Bucket> ring =
          (AtomicReferenceArray<ThrottleWindow.Bucket>) f.get(window);
      for (int i = 0; i < ring.length(); i++) {
        long epoch = ring.get(i).epoch;
        if (epoch != Long.MIN_VALUE && Math.floorMod(epoch, (long) ring.length()) != i) {
          throw new AssertionError("slot " + i + " holds the bucket of epoch " + epoch);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The window under test and its operations; public, as Lincheck makes it by reflection. */
  public static final class Calls {
    private final ManualTimeSource time = ManualTimeSource.create();
    private final ThrottleWindow window = new ThrottleWindow(WINDOW, BUCKETS, time);

    public Calls() {
      // An old bucket with counts in the slot the calls will rotate: none of it may show.
      window.add(window.epoch(), ThrottleWindow.REQUEST);
      window.add(window.epoch(), ThrottleWindow.ACCEPT);
      time.advance(WINDOW);
    }

    @Operation
    public void request() {
      window.add(window.epoch(), ThrottleWindow.REQUEST);
    }

    @Operation
    public void accept() {
      window.add(window.epoch(), ThrottleWindow.ACCEPT);
    }

    @Operation
    public void takeBack() {
      window.add(window.epoch(), -ThrottleWindow.REQUEST);
    }

    @Operation
    public long requests() {
      return window.requests(window.epoch());
    }

    @Operation
    public long accepts() {
      return window.accepts(window.epoch());
    }

    @Operation
    public double rejectionProbability() {
      return window.rejectionProbability(window.epoch(), 2.0, 0);
    }

    @Validate
    public void slotsHoldTheirOwnEpochs() {
      checkSlots(window);
    }
  }
}
