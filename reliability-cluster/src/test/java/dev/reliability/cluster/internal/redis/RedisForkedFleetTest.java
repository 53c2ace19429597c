package dev.reliability.cluster.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.testing.ForkedFleet;
import dev.reliability.cluster.testing.ForkedFleet.Result;
import dev.reliability.cluster.testing.RedisServerProcess;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three forked JVMs share one fleet-wide limit of {@value #LIMIT} per second on one {@code
 * redis-server} while each offers {@value #OFFERED} per second: the fleet's admitted count over the
 * common window stays within 5% of the limit's (the full bucket, then its refill), with and without
 * batching; and the server killed with SIGKILL mid-run and restarted on its port leaves every
 * instance serving on its local share, then on the shared limit again, no caller waiting beyond the
 * engine's timeout. Each run prints a {@code FIGURE} line.
 */
@Tag("redis")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisForkedFleetTest {

  static final int LIMIT = 200;
  static final int OFFERED = 150;
  private static final int WORKERS = 3;
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private static RedisServerProcess server;
  private static ForkedFleet fleet;

  @BeforeAll
  static void startServerAndFleet() throws Exception {
    server = RedisServerProcess.start();
    fleet =
        ForkedFleet.start(
            WORKERS,
            Duration.ofSeconds(40),
            "engine=" + server.uri(),
            "limit=" + LIMIT,
            "period=PT1S",
            "rate=" + OFFERED,
            "threads=4",
            "instances=" + WORKERS,
            "timeout=" + TIMEOUT);
  }

  @AfterAll
  static void stopFleetAndServer() {
    if (fleet != null) {
      fleet.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static List<Result> run(
      String figure, String batching, Duration duration, LongConsumer atStart) throws Exception {
    long start = System.currentTimeMillis() + 300;
    atStart.accept(start);
    List<Result> results =
        fleet.run(
            start,
            duration.plusSeconds(20),
            "name=fleet-" + UUID.randomUUID(),
            "batching=" + batching.toUpperCase(),
            "duration=" + duration);
    System.out.printf(
        "FIGURE %s: workers=%d limit=%d/s offered=%d/s duration=%ds batching=%s admitted=%d"
            + " refused=%d admittedLocal=%d fallbacks=%d perSecond=%s meanMicros=%s maxMicros=%s%n",
        figure,
        WORKERS,
        LIMIT,
        OFFERED * WORKERS,
        duration.toSeconds(),
        batching,
        admitted(results),
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
    List<Result> results = run("redis-3-jvms", "none", duration, start -> {});

    long expected = LIMIT + LIMIT * duration.toSeconds();
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
    List<Result> results = run("redis-3-jvms-" + batching, batching, duration, start -> {});

    long expected = LIMIT + LIMIT * duration.toSeconds();
    assertThat(admitted(results))
        .isBetween(Math.round(expected * 0.95), Math.round(expected * 1.05));
    assertThat(results).allSatisfy(r -> assertThat(r.admittedLocal()).isZero());
  }

  @Test
  @Order(3)
  void aServerKilledMidRunLeavesTheLocalSharesThenTheSharedLimitAgain() throws Exception {
    Duration duration = Duration.ofSeconds(7);
    ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
    List<Result> results;
    try {
      results =
          run(
              "redis-3-jvms-sigkill",
              "none",
              duration,
              start -> {
                faults.schedule(
                    server::kill,
                    start + 2_000 - System.currentTimeMillis(),
                    TimeUnit.MILLISECONDS);
                faults.schedule(
                    server::restart,
                    start + 3_000 - System.currentTimeMillis(),
                    TimeUnit.MILLISECONDS);
              });
    } finally {
      faults.shutdown();
      faults.awaitTermination(10, TimeUnit.SECONDS);
    }

    // Seconds 0-1 shared; at 2 s killed (each instance on its local share); at 3 s restarted
    // (shared again after the next probe, within the 1 s recovery interval and Lettuce's
    // reconnect delay of at most 1 s).
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.fallbacks()).as("switched to the local share").isPositive();
              assertThat(r.admittedLocal()).as("admitted on the local share").isPositive();
              assertThat(r.perSecond()[6]).as("admitted in the last second").isPositive();
              assertThat(r.maxMicros())
                  .as("longest acquire, micros")
                  .isLessThan(TIMEOUT.plusMillis(300).toNanos() / 1_000);
            });
    long shared = 0;
    long firstThreeSeconds = 0;
    for (Result r : results) {
      shared += r.admitted() - r.admittedLocal();
      firstThreeSeconds += r.perSecond()[0] + r.perSecond()[1] + r.perSecond()[2];
    }
    assertThat(shared)
        .as("admitted on the shared bucket after the restart")
        .isGreaterThan(firstThreeSeconds);
    // The documented excess of a switch: the shared limit plus every instance's share, per switch,
    // and a restarted server's bucket starts full once more.
    long bound = LIMIT + LIMIT * duration.toSeconds() + 2L * LIMIT + LIMIT;
    assertThat(admitted(results)).isLessThanOrEqualTo(Math.round(bound * 1.05));
  }
}
