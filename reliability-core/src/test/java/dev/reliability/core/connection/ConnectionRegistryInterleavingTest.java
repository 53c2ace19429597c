package dev.reliability.core.connection;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's model checker on the registry's slot and per-key counters: reservations committed,
 * released and timed out by the sweeper, in every interleaving it reaches. The capacity and the
 * per-key limit are never exceeded, no count is ever negative, and once everything has ended every
 * count is back to zero and the capacity can be taken again in full. {@code
 * -Dreliability.proofs.scale=N} explores N times as many interleavings.
 */
class ConnectionRegistryInterleavingTest {

  private static final int SCALE = Integer.getInteger("reliability.proofs.scale", 1);
  private static final int CAPACITY = 1;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void reserveCommitReleaseAndTimeoutKeepTheCountsWithinTheirLimits() {
    // Built once, outside the model checker, which need not explore the config's binding.
    ConnectionRegistryConfig config =
        ConnectionRegistryConfig.builder()
            .name("proof")
            .sweepInterval(Duration.ZERO)
            .maxConnections(CAPACITY)
            .maxConnectionsPerKey(1)
            .reservationTimeout(TIMEOUT)
            .build();
    Lincheck.runConcurrentTest(
        200 * SCALE,
        () -> {
          ManualTimeSource time = ManualTimeSource.create();
          ConnectionRegistry<FakeConnection> registry =
              ConnectionRegistry.builder(new FakeTransport())
                  .config(config)
                  .timeSource(time)
                  .build();
          SweepProbe sweeper = new SweepProbe(registry);
          // A model checker's thread that throws only ends; the test thread reports what it saw.
          String[] outOfBounds = new String[1];
          FakeConnection a = new FakeConnection("a");
          Thread committer =
              new Thread(
                  () -> {
                    Reservation<FakeConnection> r = registry.tryReserve("k");
                    check(registry, outOfBounds);
                    if (r.isGranted()) {
                      try {
                        r.commit(a);
                        check(registry, outOfBounds);
                        registry.unregister(a);
                      } catch (IllegalStateException expired) {
                        // the sweeper timed the reservation out first
                      }
                    }
                    check(registry, outOfBounds);
                  });
          Thread releaser =
              new Thread(
                  () -> {
                    Reservation<FakeConnection> r = registry.tryReserve("k");
                    check(registry, outOfBounds);
                    if (r.isGranted()) {
                      r.release();
                    }
                    check(registry, outOfBounds);
                  });
          Thread expirer =
              new Thread(
                  () -> {
                    time.advance(TIMEOUT.plusSeconds(1));
                    sweeper.sweep();
                    check(registry, outOfBounds);
                  });
          committer.start();
          releaser.start();
          expirer.start();
          join(committer, releaser, expirer);
          if (outOfBounds[0] != null) {
            throw new AssertionError("counts out of bounds: " + outOfBounds[0]);
          }
          sweeper.sweep();
          if (registry.activeCount() != 0
              || registry.reservedCount() != 0
              || registry.count("k") != 0) {
            throw new AssertionError("counts at rest: " + counts(registry));
          }
          for (int i = 0; i < CAPACITY; i++) {
            if (!registry.tryReserve("key-" + i).isGranted()) {
              throw new AssertionError("a slot leaked: " + counts(registry));
            }
          }
          registry.close();
        });
  }

  private static void check(ConnectionRegistry<?> registry, String[] outOfBounds) {
    int active = registry.activeCount();
    int reserved = registry.reservedCount();
    int key = registry.count("k");
    // Each count on its own: two counts read one after the other are not one moment's.
    if (active < 0
        || reserved < 0
        || key < 0
        || active > CAPACITY
        || reserved > CAPACITY
        || key > 1) {
      outOfBounds[0] = "active=" + active + " reserved=" + reserved + " k=" + key;
    }
  }

  private static String counts(ConnectionRegistry<?> registry) {
    return "active="
        + registry.activeCount()
        + " reserved="
        + registry.reservedCount()
        + " k="
        + registry.count("k");
  }

  private static void join(Thread... threads) {
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
