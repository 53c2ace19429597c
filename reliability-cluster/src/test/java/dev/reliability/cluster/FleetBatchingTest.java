package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetBatchingTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine engine =
      FleetEngines.builder(backend).scheduler(scheduler).timeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void close() {
    engine.close();
  }

  private int acquireFromThreads(FleetRateLimiter limiter, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return limiter.acquire(0);
                }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Long> a : answers) {
        admitted += a.get(10, TimeUnit.SECONDS) == 0 ? 1 : 0;
      }
      return admitted;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void requestBatchingSharesRoundTripsAndStaysExact() throws Exception {
    FleetRateLimiter limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder("batched")
                .limit(5)
                .period(Duration.ofHours(1))
                .batching(FleetBatching.BATCHING)
                .build());
    backend.fault(Fault.SLOW).slowBy(Duration.ofMillis(100));

    int admitted = acquireFromThreads(limiter, 8);

    assertThat(admitted).isEqualTo(5);
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(backend.bucketRoundTrips()).isLessThan(8);
  }

  @Test
  void withoutBatchingEachAcquireIsARoundTrip() {
    FleetRateLimiter limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder("plain").limit(100).period(Duration.ofSeconds(1)).build());

    limiter.acquire(0); // creates the bucket on the engine
    int before = backend.bucketRoundTrips();
    for (int i = 0; i < 30; i++) {
      limiter.acquire(0);
    }

    assertThat(backend.bucketRoundTrips() - before).isEqualTo(30);
  }

  @Test
  void prefetchSpendsTokensLocallyBetweenSettlements() {
    FleetRateLimiter limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder("prefetched")
                .limit(100)
                .period(Duration.ofSeconds(1))
                .batching(FleetBatching.PREFETCH)
                .prefetch(10, Duration.ofSeconds(1))
                .build());

    for (int i = 0; i < 30; i++) {
      assertThat(limiter.acquire(0)).isZero();
    }

    assertThat(backend.bucketRoundTrips()).isLessThanOrEqualTo(6);
  }

  @Test
  void prefetchNeverExceedsTheFleetLimitAndWastesAtMostInstancesTimesPrefetchTokens() {
    FleetEngine other = FleetEngines.builder(backend).scheduler(scheduler).build();
    try {
      FleetRateLimitConfig config =
          FleetRateLimitConfig.builder("prefetched")
              .limit(20)
              .period(Duration.ofHours(1))
              .batching(FleetBatching.PREFETCH)
              .prefetch(5, Duration.ofMinutes(1))
              .build();
      FleetRateLimiter here = engine.rateLimiter(config);
      FleetRateLimiter there = other.rateLimiter(config);

      int admitted = 0;
      for (int i = 0; i < 100; i++) {
        admitted += here.acquire(0) == 0 ? 1 : 0;
        admitted += there.acquire(0) == 0 ? 1 : 0;
      }

      assertThat(admitted).isBetween(20 - 2 * 4, 20);
      // Unspent tokens expire with the pool; later refusals carry the shared bucket's retry-after.
      scheduler.advance(Duration.ofMinutes(1));
      assertThat(here.acquire(0)).isNegative();
    } finally {
      other.close();
    }
  }

  @Test
  void prefetchSettingsDoNotChooseTheBatching() {
    FleetRateLimitConfig config =
        FleetRateLimitConfig.builder("p")
            .batching(FleetBatching.BATCHING)
            .prefetch(20, Duration.ofMillis(50))
            .build();

    assertThat(config.batching()).isEqualTo(FleetBatching.BATCHING);
    assertThat(config.prefetchTokens()).isEqualTo(20);
    assertThat(config.prefetchDelay()).isEqualTo(Duration.ofMillis(50));
  }
}
