package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.internal.redis.RedisBackend;
import dev.reliability.cluster.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet-wide bulkhead on a real {@code redis-server}: two instances share its permits, a live
 * instance keeps its leases by renewing them, a crashed one's permits come back after the lease's
 * time to live, and a killed server leaves each instance its local share until it is back.
 */
@Tag("redis")
class RedisFleetBulkheadTest {

  private static final Duration TTL = Duration.ofMillis(600);
  private static final int MAX = 4;

  private RedisServerProcess server;
  private final List<FleetEngine> engines = new ArrayList<>();

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
  }

  @AfterEach
  void stop() {
    engines.forEach(FleetEngine::close);
    server.close();
  }

  private FleetBulkhead instance(String id) {
    FleetEngine engine =
        FleetEngine.redis(server.uri())
            .name("bulkhead")
            .instanceId(id)
            .timeout(Duration.ofMillis(100))
            .expectedInstances(2)
            .recoveryInterval(Duration.ofMillis(200))
            .build();
    engines.add(engine);
    return engine.bulkhead(
        FleetBulkheadConfig.builder("legacy-db").maxConcurrentCalls(MAX).leaseTtl(TTL).build());
  }

  @Test
  void aLiveInstanceKeepsItsPermitsAndACrashedOnesComeBackAfterTheLeaseTtl() {
    FleetBulkhead a = instance("a");
    FleetBulkhead b = instance("b");
    for (int i = 0; i < MAX; i++) {
      assertThat(a.tryAcquire()).isTrue();
    }

    // Three times the lease's time to live: a's renewals keep every permit taken.
    await()
        .during(TTL.multipliedBy(3))
        .atMost(TTL.multipliedBy(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !b.tryAcquire());

    long crashedAt = System.nanoTime();
    engines.get(0).close(); // no release, no more renewals: as if the instance had crashed
    await().atMost(TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(20)).until(b::tryAcquire);
    Duration freedAfter = Duration.ofNanos(System.nanoTime() - crashedAt);

    assertThat(freedAfter).isLessThan(TTL.multipliedBy(3));
    assertThat(engines.get(1).status()).isEqualTo(FleetStatus.SHARED);
    System.out.printf(
        "FIGURE redis-bulkhead-crash: leaseTtl=%dms permitsBackAfter=%dms%n",
        TTL.toMillis(), freedAfter.toMillis());
  }

  @Test
  void aKilledServerLeavesEachInstanceItsLocalShareUntilItIsBack() {
    FleetBulkhead a = instance("a");
    assertThat(a.tryAcquire()).isTrue();
    a.release();

    server.kill();
    long start = System.nanoTime();
    int taken = 0;
    for (int i = 0; i < MAX; i++) {
      if (a.tryAcquire()) {
        taken++;
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(engines.get(0).status()).isEqualTo(FleetStatus.DEGRADED);
    assertThat(taken).isEqualTo(MAX / 2);
    assertThat(a.localPermitsHeld()).isEqualTo(MAX / 2);
    assertThat(took).isLessThan(Duration.ofMillis(100).plusMillis(150));
    for (int i = 0; i < taken; i++) {
      a.release();
    }

    server.restart();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> engines.get(0).status() == FleetStatus.SHARED);
    assertThat(a.tryAcquire()).isTrue();
    assertThat(a.leasesHeld()).isEqualTo(1);
    assertThat(server.command("ZCARD", RedisBackend.KEY_PREFIX + "lease:{legacy-db}"))
        .isEqualTo(1L);
  }
}
