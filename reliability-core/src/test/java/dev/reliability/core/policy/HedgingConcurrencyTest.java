package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Hedged calls from several threads on the system timer, with runs that end around the hedge delay
 * so that successes, hedge timers and interrupts race: every call ends with a value, no run is left
 * behind, and the counts agree. Bounded: 400 calls of at most 3 ms each.
 */
class HedgingConcurrencyTest {

  private static final int CALLERS = 8;
  private static final int CALLS_EACH = 50;

  @Test
  void racingRunsAndTimersEndEveryCallOnceAndLeaveNoRunBehind() throws Exception {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newCachedThreadPool();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    AtomicInteger runsStarted = new AtomicInteger();
    try (Policy policy =
        Policy.builder("search")
            .hedge(
                HedgeConfig.builder()
                    .delay(Duration.ofMillis(1))
                    .maxHedges(2)
                    .budget(RetryBudget.of(1.0, 1_000))
                    .build())
            .executor(pool)
            .build()) {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      AtomicInteger ok = new AtomicInteger();
      for (int c = 0; c < CALLERS; c++) {
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < CALLS_EACH; i++) {
                    String v =
                        policy.execute(
                            () -> {
                              runsStarted.incrementAndGet();
                              LockSupport.parkNanos(
                                  ThreadLocalRandom.current().nextLong(3_000_000));
                              return "ok";
                            });
                    if ("ok".equals(v)) {
                      ok.incrementAndGet();
                    }
                  }
                },
                callers));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      Hedging hedging = policy.hedging().orElseThrow();
      int calls = CALLERS * CALLS_EACH;
      assertThat(ok.get()).isEqualTo(calls);
      assertThat(hedging.hedgesStarted()).isBetween(0L, 2L * calls);
      assertThat(hedging.hedgeWins()).isBetween(0L, hedging.hedgesStarted());
      await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0);
      assertThat(runsStarted.get()).isLessThanOrEqualTo(calls + (int) hedging.hedgesStarted());
    } finally {
      callers.shutdownNow();
      pool.shutdownNow();
    }
  }
}
