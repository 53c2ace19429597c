package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.internal.redis.RedisBackend;
import dev.reliability.cluster.testing.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet engine on a real {@code redis-server} that fails under it: killed with SIGKILL and
 * restarted on the same port, or put to sleep with {@code DEBUG SLEEP}. Callers never wait beyond
 * the engine's timeout, fall back to the local share, and return to the shared limit once the
 * server answers again. Each test prints its measured figures as one {@code FIGURE} line (in {@code
 * target/surefire-reports/*-output.txt}).
 */
@Tag("redis")
class RedisFleetFaultTest {

  private static final Duration TIMEOUT = Duration.ofMillis(100);

  /** Room for the scheduling of a shared CI machine on top of the engine's timeout. */
  private static final Duration SLACK = Duration.ofMillis(150);

  private static final long LIMIT = 200;
  private static final int INSTANCES = 4;
  private static final long SHARE = LIMIT / INSTANCES;

  private RedisServerProcess server;
  private FleetEngine engine;
  private FleetRateLimiter limiter;
  private final ExecutorService sleeper = Executors.newSingleThreadExecutor();

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
    engine =
        FleetEngine.redis(server.uri())
            .name("faults")
            .timeout(TIMEOUT)
            .expectedInstances(INSTANCES)
            .recoveryInterval(Duration.ofMillis(200))
            .build();
    limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder("partner")
                .limit(LIMIT)
                .period(Duration.ofSeconds(1))
                .build());
  }

  @AfterEach
  void stop() {
    sleeper.shutdownNow();
    engine.close();
    server.close();
  }

  @Test
  void aKilledServerFallsBackWithinTheTimeoutAndARestartedOneIsSharedAgain() {
    assertThat(offer(20).admitted).isEqualTo(20);
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(bucketExists()).isTrue();

    server.kill();
    long killedAt = System.nanoTime();
    Offered degraded = offer(400);

    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
    assertThat(engine.fallbacks()).isEqualTo(1);
    assertThat(degraded.maxLatency).isLessThan(TIMEOUT.plus(SLACK));
    // The local bucket starts full with the share and refills it once per second.
    long refill = (long) Math.ceil(SHARE * degraded.seconds());
    assertThat(limiter.admitted(FleetStatus.DEGRADED))
        .isBetween(SHARE, SHARE + refill + 1)
        .isEqualTo(degraded.admitted);

    server.restart();
    long restartedAt = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> engine.status() == FleetStatus.SHARED);
    Duration recovery = Duration.ofNanos(System.nanoTime() - restartedAt);

    long sharedBefore = limiter.admitted(FleetStatus.SHARED);
    assertThat(offer(20).admitted).isEqualTo(20);
    assertThat(limiter.admitted(FleetStatus.SHARED)).isEqualTo(sharedBefore + 20);
    assertThat(bucketExists()).isTrue();
    assertThat(engine.recoveries()).isEqualTo(1);

    System.out.printf(
        "FIGURE redis-sigkill: timeout=%dms calls=%d maxAcquire=%.1fms meanAcquire=%.2fms"
            + " admittedLocally=%d in %.2fs (share %d/s) downFor=%dms recoveredAfterRestart=%dms%n",
        TIMEOUT.toMillis(),
        degraded.calls,
        degraded.maxLatency.toNanos() / 1e6,
        degraded.meanMillis(),
        degraded.admitted,
        degraded.seconds(),
        SHARE,
        TimeUnit.NANOSECONDS.toMillis(restartedAt - killedAt),
        recovery.toMillis());
  }

  @Test
  void aSleepingServerIsCutAtTheTimeoutAndUsedAgainWhenItWakes() {
    assertThat(offer(20).admitted).isEqualTo(20);
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);

    CompletableFuture<Void> sleeping =
        CompletableFuture.runAsync(() -> server.debugSleep(Duration.ofSeconds(2)), sleeper);
    Offered slow = offerUntil(sleeping, 8_000);
    long wokeAt = System.nanoTime();

    assertThat(sleeping).isCompleted();
    assertThat(engine.fallbacks()).isEqualTo(1);
    assertThat(slow.maxLatency).isLessThan(TIMEOUT.plus(SLACK));
    assertThat(limiter.admitted(FleetStatus.DEGRADED)).isGreaterThanOrEqualTo(SHARE);

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> engine.status() == FleetStatus.SHARED);
    Duration recovery = Duration.ofNanos(System.nanoTime() - wokeAt);
    long sharedBefore = limiter.admitted(FleetStatus.SHARED);
    offer(20);
    assertThat(limiter.admitted(FleetStatus.SHARED)).isEqualTo(sharedBefore + 20);
    assertThat(engine.recoveries()).isEqualTo(1);

    System.out.printf(
        "FIGURE redis-debug-sleep: timeout=%dms sleep=2000ms calls=%d maxAcquire=%.1fms"
            + " meanAcquire=%.2fms admittedLocally=%d recoveredAfterWake=%dms%n",
        TIMEOUT.toMillis(),
        slow.calls,
        slow.maxLatency.toNanos() / 1e6,
        slow.meanMillis(),
        limiter.admitted(FleetStatus.DEGRADED),
        recovery.toMillis());
  }

  private boolean bucketExists() {
    return Long.valueOf(1)
        .equals(
            server.command("EXISTS", RedisBackend.KEY_PREFIX + "bucket:" + limiter.bucketName()));
  }

  /** Offers {@code calls} acquires, about one per millisecond. */
  private Offered offer(int calls) {
    Offered offered = new Offered();
    for (int i = 0; i < calls; i++) {
      offered.acquire(limiter);
    }
    return offered;
  }

  /** Offers acquires, about one per millisecond, until {@code done} or {@code maxCalls}. */
  private Offered offerUntil(CompletableFuture<?> done, int maxCalls) {
    Offered offered = new Offered();
    while (!done.isDone() && offered.calls < maxCalls) {
      offered.acquire(limiter);
    }
    done.join();
    return offered;
  }

  /** What the callers saw: admissions and the latency of each acquire. */
  private static final class Offered {
    private final long start = System.nanoTime();
    private int calls;
    private long admitted;
    private long totalNanos;
    private Duration maxLatency = Duration.ZERO;

    void acquire(FleetRateLimiter limiter) {
      long t0 = System.nanoTime();
      long result = limiter.acquire(0);
      long took = System.nanoTime() - t0;
      calls++;
      totalNanos += took;
      if (took > maxLatency.toNanos()) {
        maxLatency = Duration.ofNanos(took);
      }
      if (result >= 0) {
        admitted++;
      }
      // Paces the offered load (about 1,000 calls a second); waits for no state.
      LockSupport.parkNanos(1_000_000);
    }

    double seconds() {
      return (System.nanoTime() - start) / 1e9;
    }

    double meanMillis() {
      return calls == 0 ? 0 : totalNanos / 1e6 / calls;
    }
  }
}
