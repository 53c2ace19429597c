package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.test.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CountWindowTest {

  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 50_000;

  @Test
  void refusesASizeItCannotCount() {
    assertThatThrownBy(() -> new CountWindow(0, 1, 50, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
    assertThatThrownBy(() -> new CountWindow(CountWindow.MAX_SIZE + 1, 1, 50, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
  }

  @Test
  void holdsTheLargestWindowsCountsWithoutOverflow() {
    int size = CountWindow.MAX_SIZE;
    CountWindow window = new CountWindow(size, size, 100, 100);
    boolean tripped = false;
    for (int i = 0; i < size; i++) {
      tripped = window.record(CountWindow.FAILURE | CountWindow.SLOW);
    }
    long counts = window.counts();
    assertThat(CountWindow.calls(counts)).isEqualTo(size);
    assertThat(CountWindow.failures(counts)).isEqualTo(size);
    assertThat(CountWindow.slowCalls(counts)).isEqualTo(size);
    assertThat(tripped).isTrue();
  }

  @Test
  void concurrentCallsKeepTheCountsThoseOfTheSlots() throws Exception {
    int size = 64;
    CountWindow window = new CountWindow(size, size, 50, 100);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int seed = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    int mix = (i * 31 + seed) % 4;
                    window.record(
                        switch (mix) {
                          case 0 -> CountWindow.SUCCESS;
                          case 1 -> CountWindow.FAILURE;
                          case 2 -> CountWindow.SUCCESS | CountWindow.SLOW;
                          default -> CountWindow.FAILURE | CountWindow.SLOW;
                        });
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long mixed = window.counts();
    assertThat(CountWindow.calls(mixed)).isEqualTo(size);
    assertThat(CountWindow.failures(mixed)).isBetween(0, size);
    assertThat(CountWindow.slowCalls(mixed)).isBetween(0, size);

    // Had a race lost or doubled a change of the counts, they would no longer return to the
    // slots' contents once every slot holds the same outcome again.
    for (int i = 0; i < size; i++) {
      window.record(CountWindow.SUCCESS);
    }
    long after = window.counts();
    assertThat(CountWindow.calls(after)).isEqualTo(size);
    assertThat(CountWindow.failures(after)).isZero();
    assertThat(CountWindow.slowCalls(after)).isZero();
    assertThat(window.failureRate(after)).isZero();
  }

  @Test
  void concurrentFailuresOpenTheBreakerOnceAndEveryLaterCallIsRefused() throws Exception {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.builder()
            .failureThreshold(0)
            .slidingWindowType(CircuitBreakerConfig.WindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumCalls(20)
            .failureRateThreshold(0.5)
            .build();
    AtomicInteger changes = new AtomicInteger();
    Breaker breaker =
        new Breaker(
            "shared",
            config,
            ManualTimeSource.create(),
            (from, to) -> changes.incrementAndGet(),
            new Stats());
    RuntimeException failure = new IllegalStateException("down");
    AtomicInteger permitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 5_000; i++) {
                    if (breaker.tryAcquire()) {
                      permitted.incrementAndGet();
                      breaker.onFailure(1_000, failure, false);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.openings()).isEqualTo(1);
    assertThat(changes).hasValue(1);
    // At least the window's minimum. More when a thread was descheduled between taking a slot and
    // writing it: until it writes, the others, whose failures replace failures, find the window
    // one call short of its minimum.
    assertThat(permitted.get()).isBetween(20, THREADS * 5_000);
    assertThat(breaker.failedCalls()).isEqualTo(permitted.get());
    assertThat(breaker.rejectedCalls()).isEqualTo(THREADS * 5_000L - permitted.get());
    assertThat(breaker.failureRate()).isEqualTo(100f);
  }
}
