package dev.reliability.cluster.internal.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.FleetBulkhead;
import dev.reliability.cluster.FleetBulkheadConfig;
import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetRetryBudget;
import dev.reliability.cluster.FleetRetryBudgetConfig;
import dev.reliability.cluster.FleetStatus;
import dev.reliability.cluster.testing.EmbeddedHazelcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet-wide bulkhead and retry budget on the Hazelcast engine: one {@link FleetEngine} per
 * member of a three-member cluster and one on a client, as three instances of a service would have.
 */
class HazelcastFleetLimitsTest {

  private static EmbeddedHazelcast cluster;
  private static List<FleetEngine> engines;

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedHazelcast.start(3);
    List<FleetEngine> built = new ArrayList<>();
    for (var member : cluster.members()) {
      built.add(engine(FleetEngine.hazelcast(member)));
    }
    built.add(engine(FleetEngine.hazelcast(cluster.newClient())));
    engines = built;
  }

  private static FleetEngine engine(FleetEngine.Builder builder) {
    // A generous time-out: these tests are about the shared path, not the fallback.
    return builder.name("limits").timeout(Duration.ofSeconds(5)).expectedInstances(4).build();
  }

  @AfterAll
  static void stopCluster() {
    if (engines != null) {
      engines.forEach(FleetEngine::close);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aFleetBulkheadNeverHoldsMoreThanItsLimitAcrossInstances() throws Exception {
    int max = 3;
    List<FleetBulkhead> bulkheads = new ArrayList<>();
    for (FleetEngine engine : engines) {
      bulkheads.add(
          engine.bulkhead(
              FleetBulkheadConfig.builder("downstream-db").maxConcurrentCalls(max).build()));
    }
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        FleetBulkhead bulkhead = bulkheads.get(t % bulkheads.size());
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    if (bulkhead.tryAcquire()) {
                      // Counted after the grant, uncounted before the release.
                      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                      granted.incrementAndGet();
                      inFlight.decrementAndGet();
                      bulkhead.release();
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
    assertThat(engines).allSatisfy(e -> assertThat(e.status()).isEqualTo(FleetStatus.SHARED));
    assertThat(peak.get()).isBetween(1, max);
    assertThat(granted.get()).isPositive();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> bulkheads.stream().allMatch(b -> b.localPermitsHeld() == 0));
  }

  @Test
  void aFleetRetryBudgetCountsTheCallsAndRetriesOfEveryInstance() {
    List<FleetRetryBudget> budgets = new ArrayList<>();
    for (FleetEngine engine : engines) {
      budgets.add(
          engine.retryBudget(
              FleetRetryBudgetConfig.builder("partner-api")
                  .ratio(0.1)
                  .minRetriesPerSecond(0)
                  .window(Duration.ofSeconds(60))
                  .syncInterval(Duration.ofMillis(100))
                  .build()));
    }
    for (int i = 0; i < 100; i++) {
      budgets.get(0).onCall();
      budgets.get(1).onCall();
    }
    FleetRetryBudget other = budgets.get(3);
    // The counts travel on each instance's background sync: a real wait, polled.
    await().atMost(Duration.ofSeconds(20)).until(() -> other.fleetCalls() == 200);
    int retries = 0;
    while (other.tryAcquire()) {
      retries++;
    }
    assertThat(retries).isEqualTo(20); // 10% of the fleet's 200 calls, though it made none
    await().atMost(Duration.ofSeconds(20)).until(() -> budgets.get(2).fleetRetries() == 20);
    assertThat(budgets.get(2).tryAcquire()).isFalse();
  }
}
