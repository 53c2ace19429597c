package dev.reliability.cluster.internal.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.reliability.cluster.testing.EmbeddedHazelcast;
import dev.reliability.cluster.testing.ForkedFleet;
import dev.reliability.cluster.testing.ForkedFleet.Result;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three forked JVMs, each a Hazelcast client of three embedded members on loopback, share one
 * fleet-wide limit of {@value #LIMIT} per second while each offers {@value #OFFERED} per second:
 * the fleet's admitted count over the common window stays within 5% of the limit's (the bucket's
 * initial capacity plus its refill), and a member killed mid-run does not stop the fleet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HazelcastFleetTest {

  private static final Logger log = LoggerFactory.getLogger(HazelcastFleetTest.class);

  static final int LIMIT = 200;
  static final int OFFERED = 150;
  private static final int WORKERS = 3;
  private static final Duration READY = Duration.ofSeconds(40);

  private static EmbeddedHazelcast cluster;
  private static ForkedFleet fleet;

  @BeforeAll
  static void startClusterAndFleet() throws Exception {
    cluster = EmbeddedHazelcast.start(3);
    fleet =
        ForkedFleet.start(
            WORKERS,
            READY,
            "engine=" + cluster.workerEngine(),
            "limit=" + LIMIT,
            "period=PT1S",
            "rate=" + OFFERED,
            "threads=4",
            "timeout=PT0.5S");
  }

  @AfterAll
  static void stopFleetAndCluster() {
    if (fleet != null) {
      fleet.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Runs one round of every worker on limit {@code name}, measured from a common start; {@code
   * atStart} is given that start (epoch milliseconds) before the round begins.
   */
  private static List<Result> run(
      String name, String batching, Duration duration, LongConsumer atStart) throws Exception {
    long start = System.currentTimeMillis() + 300;
    atStart.accept(start);
    List<Result> results =
        fleet.run(
            start,
            duration.plusSeconds(20),
            "name=" + name,
            "batching=" + batching.toUpperCase(),
            "duration=" + duration);
    log.info(
        "fleet run name={} batching={} duration={} admitted={} refused={} admittedLocal={} "
            + "fallbacks={} "
            + "perSecond={} meanMicros={} maxMicros={}",
        name,
        batching,
        duration,
        results.stream().mapToLong(Result::admitted).sum(),
        results.stream().mapToLong(Result::refused).sum(),
        results.stream().mapToLong(Result::admittedLocal).sum(),
        results.stream().mapToLong(Result::fallbacks).sum(),
        results.stream().map(r -> Arrays.toString(r.perSecond())).toList(),
        results.stream().map(Result::meanMicros).toList(),
        results.stream().map(Result::maxMicros).toList());
    return results;
  }

  private static long admitted(List<Result> results) {
    return results.stream().mapToLong(Result::admitted).sum();
  }

  @Test
  @Order(1)
  void threeForkedInstancesAdmitTheSharedLimitWithinFivePercent() throws Exception {
    Duration duration = Duration.ofSeconds(5);
    List<Result> results = run("fleet-" + UUID.randomUUID(), "none", duration, start -> {});

    long expected = LIMIT + LIMIT * duration.toSeconds(); // the full bucket, then its refill
    assertThat(admitted(results))
        .isBetween(Math.round(expected * 0.95), Math.round(expected * 1.05));
    assertThat(results).allSatisfy(r -> assertThat(r.admitted()).isPositive());
    assertThat(results).allSatisfy(r -> assertThat(r.refused()).isPositive());
    assertThat(results).allSatisfy(r -> assertThat(r.admittedLocal()).isZero());
  }

  @Order(2)
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"batching", "prefetch"})
  void batchedOrPrefetchedCallsStillAdmitTheSharedLimitWithinFivePercent(String batching)
      throws Exception {
    Duration duration = Duration.ofSeconds(4);
    List<Result> results = run("fleet-" + UUID.randomUUID(), batching, duration, start -> {});

    long expected = LIMIT + LIMIT * duration.toSeconds();
    assertThat(admitted(results))
        .isBetween(Math.round(expected * 0.95), Math.round(expected * 1.05));
    assertThat(results).allSatisfy(r -> assertThat(r.admitted()).isPositive());
    assertThat(results).allSatisfy(r -> assertThat(r.admittedLocal()).isZero());
  }

  @Test
  @Order(3) // last: it leaves the cluster with two members
  void aMemberKilledMidRunDoesNotStopTheFleetAndTheLimitHoldsAfterFailover() throws Exception {
    Duration duration = Duration.ofSeconds(7);
    String name = "fleet-" + UUID.randomUUID();
    // Kill the member that owns the bucket's partition: the hot key itself must fail over.
    HazelcastInstance owner = cluster.owner(name);
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    List<Result> results;
    try {
      results =
          run(
              name,
              "none",
              duration,
              start ->
                  killer.schedule(
                      () -> owner.getLifecycleService().terminate(),
                      start + 2_000 - System.currentTimeMillis(),
                      TimeUnit.MILLISECONDS));
    } finally {
      killer.shutdownNow();
    }

    assertThat(owner.getLifecycleService().isRunning()).as("killed mid-run").isFalse();
    // Seconds 0-1 before the kill; 2-3 the kill and the failover; 4-6 after it.
    long after = 0;
    for (Result r : results) {
      assertThat(r.perSecond()[r.perSecond().length - 1])
          .as("admitted in the last second")
          .isPositive();
      for (int second = 4; second < 7; second++) {
        after += r.perSecond()[second];
      }
    }
    long expectedAfter = LIMIT * 3L;
    // The tokens that refilled while callers waited on the failover may add one bucket's capacity.
    assertThat(after).isBetween(Math.round(expectedAfter * 0.95), expectedAfter + LIMIT);
    // A caller that waited beyond the engine's time-out on the failover fell back to its local
    // share: FleetRateLimiter documents that the period of a switch may admit the shared limit
    // plus every instance's share (here, the limit again) on top of the steady count.
    boolean fellBack = results.stream().anyMatch(r -> r.fallbacks() > 0);
    long bound = LIMIT + LIMIT * duration.toSeconds() + (fellBack ? 2L * LIMIT : 0);
    assertThat(admitted(results)).isLessThanOrEqualTo(Math.round(bound * 1.05));
  }
}
