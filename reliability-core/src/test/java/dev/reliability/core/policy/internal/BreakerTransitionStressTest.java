package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.CircuitState;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Two threads trip the breaker while a third resets it and lets the open wait pass, so that every
 * kind of transition races with the others. Each transition must reach the listener once, one
 * report at a time, in an order that is a path the breaker can take, ending in the state the
 * breaker is in, with one opening counted per reported opening; and no call may fail for a
 * transition another thread made first (the breaker that drove Resilience4j's state machine threw
 * Resilience4j's {@code IllegalStateTransitionException} from a permission request that raced with
 * a reset). Bounded in rounds and in time.
 */
class BreakerTransitionStressTest {

  private static final int ROUNDS = Integer.getInteger("reliability.stress.rounds", 2_000);
  private static final int STEPS = 200;
  private static final long MAX_NANOS =
      TimeUnit.SECONDS.toNanos(Long.getLong("reliability.stress.seconds", 4L));
  private static final Duration WAIT = Duration.ofSeconds(1);
  private static final int SPINS = 2_000;

  /** The transitions this breaker makes by itself or by {@link Breaker#reset()}. */
  private static final Set<String> EDGES =
      Set.of(
          "CLOSED -> OPEN",
          "OPEN -> HALF_OPEN",
          "HALF_OPEN -> OPEN",
          "HALF_OPEN -> CLOSED",
          "OPEN -> CLOSED");

  private static final RuntimeException FAILURE = new IllegalStateException("failed");

  @Test
  void eachTransitionIsReportedOnceInAnOrderThatIsAPath() throws Exception {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.builder()
            .failureThreshold(1)
            .waitInOpen(WAIT)
            .halfOpenCalls(1)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    long deadline = System.nanoTime() + MAX_NANOS;
    int rounds = 0;
    try {
      while (rounds < ROUNDS && System.nanoTime() < deadline) {
        rounds++;
        ManualTimeSource time = ManualTimeSource.create();
        ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
        AtomicInteger inSink = new AtomicInteger();
        AtomicReference<String> overlap = new AtomicReference<>();
        Breaker breaker =
            new Breaker(
                "stress",
                config,
                time,
                (from, to) -> {
                  if (inSink.incrementAndGet() != 1) {
                    overlap.compareAndSet(null, from + " -> " + to);
                  }
                  reports.add(from + " -> " + to);
                  // A listener that takes a moment, so that reports made from different threads
                  // would overlap if they could.
                  for (int spin = 0; spin < SPINS; spin++) {
                    Thread.onSpinWait();
                  }
                  inSink.decrementAndGet();
                },
                new Stats());
        CyclicBarrier start = new CyclicBarrier(3);
        Runnable tripper =
            () -> {
              await(start);
              for (int i = 0; i < STEPS; i++) {
                if (breaker.tryAcquire()) {
                  breaker.onFailure(1, FAILURE, false);
                }
              }
            };
        Runnable resetter =
            () -> {
              await(start);
              for (int i = 0; i < STEPS; i++) {
                if (i % 3 == 0) {
                  time.advance(WAIT.plusMillis(1));
                } else {
                  breaker.reset();
                }
              }
            };
        List<Future<?>> running = new ArrayList<>();
        running.add(pool.submit(tripper));
        running.add(pool.submit(tripper));
        running.add(pool.submit(resetter));
        for (Future<?> f : running) {
          f.get(10, TimeUnit.SECONDS);
        }

        assertThat(overlap.get()).as("a report made while another was under way").isNull();
        List<String> path = new ArrayList<>(reports);
        assertThat(path).isNotEmpty().allMatch(EDGES::contains);
        String at = "CLOSED";
        for (String step : path) {
          assertThat(step).as("the report after one ending in %s", at).startsWith(at + " -> ");
          at = step.substring(step.indexOf("-> ") + 3);
        }
        assertThat(breaker.state()).isEqualTo(CircuitState.valueOf(at));
        assertThat(breaker.openings())
            .isEqualTo(path.stream().filter(s -> s.endsWith("-> OPEN")).count());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(rounds).isPositive();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
