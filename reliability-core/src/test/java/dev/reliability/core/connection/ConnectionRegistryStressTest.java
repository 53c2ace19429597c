package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Threads that take, commit, release and close the only slot of a registry as fast as they can,
 * reading the counts after every step: no count a reader sees exceeds the capacity or falls below
 * zero, because a slot is taken before its count rises and freed only after its count falls.
 * Complements {@link ConnectionRegistryInterleavingTest}: this ordering needs more steps than the
 * model checker reaches within its bounded budget. Bounded in calls and in time.
 */
class ConnectionRegistryStressTest {

  private static final int THREADS = 2;
  private static final long CALLS_PER_THREAD =
      Long.getLong("reliability.stress.calls", 10_000_000L);
  private static final long MAX_NANOS =
      TimeUnit.SECONDS.toNanos(Long.getLong("reliability.stress.seconds", 3L));

  @Test
  void countsNeverExceedTheCapacityWhileTheSlotChangesHands() throws Exception {
    ConnectionRegistry<FakeConnection> registry =
        ConnectionRegistry.builder(new FakeTransport())
            .config(
                ConnectionRegistryConfig.builder()
                    .name("stress")
                    .sweepInterval(Duration.ZERO)
                    .maxConnections(1)
                    .maxConnectionsPerKey(1)
                    .build())
            .timeSource(ManualTimeSource.create())
            .build();
    AtomicReference<String> outOfBounds = new AtomicReference<>();
    AtomicLong granted = new AtomicLong();
    long deadline = System.nanoTime() + MAX_NANOS;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      threads.add(
          new Thread(
              () -> {
                for (long i = 0; i < CALLS_PER_THREAD && outOfBounds.get() == null; i++) {
                  Reservation<FakeConnection> r = registry.tryReserve("k");
                  check(registry, outOfBounds);
                  if (r.isGranted()) {
                    granted.incrementAndGet();
                    if ((i & 1) == 0) {
                      r.release();
                    } else {
                      FakeConnection c = new FakeConnection("c" + id);
                      r.commit(c);
                      check(registry, outOfBounds);
                      registry.unregister(c);
                    }
                    check(registry, outOfBounds);
                  }
                  if ((i & 1023) == 0 && System.nanoTime() - deadline > 0) {
                    break;
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }

    assertThat(outOfBounds.get()).isNull();
    assertThat(granted.get()).isPositive();
    assertThat(registry.activeCount()).isZero();
    assertThat(registry.reservedCount()).isZero();
    assertThat(registry.count("k")).isZero();
    registry.close();
  }

  private static void check(ConnectionRegistry<?> registry, AtomicReference<String> outOfBounds) {
    int active = registry.activeCount();
    int reserved = registry.reservedCount();
    int key = registry.count("k");
    // Each count on its own: two counts read one after the other are not one moment's.
    if (active < 0 || reserved < 0 || key < 0 || active > 1 || reserved > 1 || key > 1) {
      outOfBounds.compareAndSet(null, "active=" + active + " reserved=" + reserved + " k=" + key);
    }
  }
}
