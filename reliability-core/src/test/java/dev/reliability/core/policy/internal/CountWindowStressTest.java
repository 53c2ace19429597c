package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many threads on a window much smaller than the calls in flight, where two calls often share a
 * slot: the shape in which the window once read a negative failure count as two million failures
 * and opened a breaker that could never trip. Bounded in calls and in time.
 */
class CountWindowStressTest {

  private static final int THREADS = 8;
  private static final int SIZE = 10;
  private static final long CALLS_PER_THREAD = Long.getLong("reliability.stress.calls", 400_000L);
  private static final long MAX_NANOS =
      TimeUnit.SECONDS.toNanos(Long.getLong("reliability.stress.seconds", 4L));

  @Test
  void countsStayThoseOfARealWindowWhenCallsShareSlots() throws Exception {
    CountWindow window = new CountWindow(SIZE, SIZE, 100, 100);
    AtomicReference<String> impossible = new AtomicReference<>();
    AtomicInteger trips = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    run(
        i -> {
          int outcome = i % 50 == 0 ? CountWindow.FAILURE : CountWindow.SUCCESS;
          if (window.record(outcome)) {
            trips.incrementAndGet();
          }
          long c = window.counts();
          if (!possible(c, SIZE)) {
            impossible.compareAndSet(null, describe(c));
          }
          calls.incrementAndGet();
        });
    assertThat(impossible.get()).isNull();
    assertThat(trips).hasValue(0);
    assertThat(possible(window.counts(), SIZE)).isTrue();
    assertThat(calls.get()).isPositive();
  }

  @Test
  void breakerThatCannotTripStaysClosedUnderEightThreadsOnAWindowOfTen() throws Exception {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.builder()
            .failureThreshold(0)
            .slidingWindowType(CircuitBreakerConfig.WindowType.COUNT_BASED)
            .slidingWindowSize(SIZE)
            .minimumCalls(SIZE)
            .failureRateThreshold(1.0)
            .build();
    AtomicInteger changes = new AtomicInteger();
    Breaker breaker =
        new Breaker(
            "healthy",
            config,
            ManualTimeSource.create(),
            (from, to) -> changes.incrementAndGet(),
            new Stats());
    RuntimeException failure = new IllegalStateException("one in fifty");
    AtomicReference<Float> worstRate = new AtomicReference<>(0f);
    run(
        i -> {
          if (breaker.tryAcquire()) {
            if (i % 50 == 0) {
              breaker.onFailure(1_000, failure, false);
            } else {
              breaker.onSuccess(1_000, true);
            }
          }
          float rate = breaker.failureRate();
          worstRate.accumulateAndGet(rate, Math::max);
        });
    assertThat(changes).hasValue(0);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.openings()).isZero();
    assertThat(worstRate.get()).isLessThanOrEqualTo(100f);
  }

  /** Whether packed counts are those of some window of {@code size} slots. */
  static boolean possible(long c, int size) {
    int calls = CountWindow.calls(c);
    int failures = CountWindow.failures(c);
    int slow = CountWindow.slowCalls(c);
    return c >= 0 && calls <= size && failures <= calls && slow <= calls;
  }

  static String describe(long c) {
    return "calls="
        + CountWindow.calls(c)
        + " failures="
        + CountWindow.failures(c)
        + " slow="
        + CountWindow.slowCalls(c)
        + " raw="
        + Long.toHexString(c);
  }

  interface Call {
    void run(long i);
  }

  private static void run(Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      long deadline = System.nanoTime() + MAX_NANOS;
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t * 7;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (long i = 0; i < CALLS_PER_THREAD; i++) {
                    call.run(i + offset);
                    if ((i & 1023) == 0 && System.nanoTime() - deadline > 0) {
                      break;
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
  }
}
