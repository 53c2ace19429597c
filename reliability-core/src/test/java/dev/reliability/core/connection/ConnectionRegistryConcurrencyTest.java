package dev.reliability.core.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many threads reserve, commit, release, send, close and unregister at once (a bounded number of
 * operations each), while a sweeper runs: the holders never exceed the global or per-key capacity,
 * and everything returns to zero.
 */
class ConnectionRegistryConcurrencyTest {

  private static final int CAPACITY = 64;
  private static final int PER_KEY = 6;
  private static final int KEYS = 16;
  private static final int THREADS = 8;
  private static final int OPS_PER_THREAD = 30_000;

  @Test
  void capacityIsExactAndCountsReturnToZero() throws Exception {
    ManualTimeSource time = ManualTimeSource.create();
    FakeTransport transport = new FakeTransport();
    ConnectionRegistry<FakeConnection> registry =
        ConnectionRegistry.builder(transport)
            .config(
                ConnectionRegistryTest.config()
                    .maxConnections(CAPACITY)
                    .maxConnectionsPerKey(PER_KEY)
                    .heartbeat(Duration.ofSeconds(1), 100)
                    .idleTimeout(Duration.ZERO)
                    .maxAge(Duration.ZERO)
                    .reservationTimeout(Duration.ofHours(1))
                    .sendTimeout(Duration.ofHours(1))
                    .build())
            .timeSource(time)
            .build();

    // Incremented after a grant and decremented before giving the slot back, so it never counts
    // more than the registry holds: if it exceeds a capacity, the registry granted too many.
    AtomicInteger held = new AtomicInteger();
    AtomicIntegerArray heldPerKey = new AtomicIntegerArray(KEYS);
    AtomicInteger maxHeld = new AtomicInteger();
    AtomicInteger grants = new AtomicInteger();
    AtomicInteger refusals = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(THREADS + 1);
    CountDownLatch churned = new CountDownLatch(THREADS);

    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads.add(
          new Thread(
              () -> {
                try {
                  churn(registry, thread, held, heldPerKey, maxHeld, grants, refusals);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  churned.countDown();
                  done.countDown();
                }
              },
              "churn-" + t));
    }
    threads.add(
        new Thread(
            () -> {
              try {
                // Pings go out every second, but no more than 50s pass, so nothing expires
                // behind the churning threads' backs (100 missed pongs, 1h reservations and send
                // timeout).
                while (!stop.get()) {
                  if (time.nanoTime() < Duration.ofSeconds(50).toNanos()) {
                    time.advance(Duration.ofMillis(100));
                  }
                  registry.sweep();
                  registry.statistics();
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              } finally {
                done.countDown();
              }
            },
            "sweeper"));
    threads.forEach(Thread::start);
    assertThat(churned.await(60, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(failure.get()).isNull();
    assertThat(maxHeld.get()).isLessThanOrEqualTo(CAPACITY);
    assertThat(grants.get()).isGreaterThan(1_000);
    assertThat(refusals.get()).isPositive();
    assertThat(registry.activeCount()).isZero();
    assertThat(registry.reservedCount()).isZero();
    ConnectionStatistics stats = registry.statistics();
    assertThat(stats.perKey()).isEmpty();
    assertThat(stats.accepted()).isEqualTo(grants.get());
    assertThat(stats.rejectedTotal()).isEqualTo(refusals.get());

    // No slot was lost: exactly the capacity can be taken again.
    for (int i = 0; i < CAPACITY; i++) {
      assertThat(registry.tryReserve(null).isGranted()).isTrue();
    }
    assertThat(registry.tryReserve(null).rejectReason()).isEqualTo(RejectReason.REGISTRY_FULL);
    registry.shutdown(Duration.ZERO);
    registry.close();
  }

  private static void churn(
      ConnectionRegistry<FakeConnection> registry,
      int thread,
      AtomicInteger held,
      AtomicIntegerArray heldPerKey,
      AtomicInteger maxHeld,
      AtomicInteger grants,
      AtomicInteger refusals) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Object[]> mine = new ArrayList<>();
    int serial = 0;
    for (int op = 0; op < OPS_PER_THREAD || !mine.isEmpty(); op++) {
      boolean acquire = op < OPS_PER_THREAD && (mine.isEmpty() || random.nextInt(100) < 55);
      if (acquire) {
        int key = random.nextInt(KEYS);
        Reservation<FakeConnection> r = registry.tryReserve("k" + key);
        if (!r.isGranted()) {
          refusals.incrementAndGet();
          continue;
        }
        grants.incrementAndGet();
        int now = held.incrementAndGet();
        maxHeld.accumulateAndGet(now, Math::max);
        int perKey = heldPerKey.incrementAndGet(key);
        if (perKey > PER_KEY) {
          throw new AssertionError("key k" + key + " holds " + perKey + " > " + PER_KEY);
        }
        if (random.nextBoolean()) {
          FakeConnection c = new FakeConnection("t" + thread + "-" + serial++);
          mine.add(new Object[] {key, r.commit(c), true});
        } else {
          mine.add(new Object[] {key, r, false});
        }
      } else {
        Object[] slot = mine.remove(random.nextInt(mine.size()));
        int key = (Integer) slot[0];
        heldPerKey.decrementAndGet(key);
        held.decrementAndGet();
        if ((Boolean) slot[2]) {
          RegisteredConnection<?> c = (RegisteredConnection<?>) slot[1];
          c.send("x");
          boolean removed =
              switch (random.nextInt(3)) {
                case 0 -> c.unregister();
                case 1 -> c.close(CloseStatus.of(1000, ""));
                default -> registry.unregister((FakeConnection) c.connection());
              };
          assertThat(removed).as("%s %s", c, registry.statistics().closed()).isTrue();
          assertThat(c.unregister()).isFalse();
        } else {
          assertThat(((Reservation<?>) slot[1]).release()).isTrue();
        }
      }
    }
  }
}
