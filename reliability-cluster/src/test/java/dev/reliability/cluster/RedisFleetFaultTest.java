package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.cluster.health.FleetHealthCheck;
import dev.reliability.cluster.internal.redis.RedisBackend;
import dev.reliability.cluster.testing.RedisServerProcess;
import dev.reliability.health.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet engine on a real {@code redis-server} that fails under it: killed with SIGKILL and
 * restarted on the same port, or put to sleep with {@code DEBUG SLEEP}. Callers never wait beyond
 * the engine's timeout, fall back to the local share (the health check degraded, not down), and
 * return to the shared limit once the server answers again. Each test prints its measured figures
 * as one {@code FIGURE} line (in {@code target/surefire-reports/*-output.txt}).
 */
@Tag("redis")
class RedisFleetFaultTest {

  private static final Duration TIMEOUT = Duration.ofMillis(100);

  /** Room for the scheduling of a shared CI machine on top of the engine's timeout. */
  private static final Duration SLACK = Duration.ofMillis(200);

  private static final long LIMIT = 200;
  private static final int INSTANCES = 4;
  private static final long SHARE = LIMIT / INSTANCES;

  private RedisServerProcess server;
  private FleetEngine engine;
  private FleetRateLimiter limiter;
  private FleetHealthCheck health;
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
    health = FleetHealthCheck.of(engine);
  }

  @AfterEach
  void stop() {
    sleeper.shutdownNow();
    engine.close();
    server.close();
  }

  @Test
  void aKilledServerFallsBackWithinTheTimeoutAndARestartedOneIsSharedAgain() throws Exception {
    assertThat(offer(20).admitted()).isEqualTo(20);
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(health.check().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(bucketExists()).isTrue();

    try (Load load = new Load(limiter, 3)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> limiter.admitted(FleetStatus.SHARED) >= 60);

      // A stall of the machine may already have degraded the engine once: count from here.
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.status() == FleetStatus.SHARED);
      long fallbacksBefore = engine.fallbacks();
      long recoveriesBefore = engine.recoveries();
      long localBefore = limiter.admitted(FleetStatus.DEGRADED);
      server.kill();
      long killedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> limiter.admitted(FleetStatus.DEGRADED) >= localBefore + SHARE / 2);
      assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
      assertThat(health.check().status()).isEqualTo(HealthStatus.DEGRADED);

      server.restart();
      long restartedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> engine.status() == FleetStatus.SHARED);
      long sharedAt = System.nanoTime();
      Duration recovery = Duration.ofNanos(sharedAt - restartedAt);
      assertThat(health.check().status()).isEqualTo(HealthStatus.HEALTHY);
      long localAtRecovery = limiter.admitted(FleetStatus.DEGRADED);
      long sharedAtRecovery = limiter.admitted(FleetStatus.SHARED);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> limiter.admitted(FleetStatus.SHARED) >= sharedAtRecovery + 20);
      load.stop();

      assertThat(load.maxLatency()).isLessThan(TIMEOUT.plus(SLACK));
      assertThat(engine.fallbacks()).isGreaterThan(fallbacksBefore);
      assertThat(engine.recoveries()).isGreaterThan(recoveriesBefore);
      // The local bucket starts full with the share and refills it once per second, for as long as
      // the engine is degraded: from the kill to the recovery seen here, at most.
      double degradedSeconds = (sharedAt - killedAt) / 1e9;
      long admittedLocally = localAtRecovery - localBefore;
      assertThat(admittedLocally)
          .isBetween(SHARE / 2, SHARE + (long) Math.ceil(SHARE * degradedSeconds) + 1);
      assertThat(bucketExists()).isTrue();

      System.out.printf(
          "FIGURE redis-sigkill: timeout=%dms callers=3 calls=%d maxAcquire=%.1fms"
              + " meanAcquire=%.2fms admittedShared=%d admittedLocally=%d (share %d/s)"
              + " degradedFor=%dms recoveredAfterRestart=%dms%n",
          TIMEOUT.toMillis(),
          load.calls(),
          load.maxLatency().toNanos() / 1e6,
          load.meanMillis(),
          limiter.admitted(FleetStatus.SHARED),
          admittedLocally,
          SHARE,
          TimeUnit.NANOSECONDS.toMillis(sharedAt - killedAt),
          recovery.toMillis());
    }
  }

  @Test
  void aSleepingServerIsCutAtTheTimeoutAndUsedAgainWhenItWakes() {
    assertThat(offer(20).admitted()).isEqualTo(20);
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);

    CompletableFuture<Void> sleeping =
        CompletableFuture.runAsync(() -> server.debugSleep(Duration.ofSeconds(2)), sleeper);
    Offered slow = offerUntil(sleeping, 8_000, health);
    long wokeAt = System.nanoTime();

    assertThat(sleeping).isCompleted();
    assertThat(engine.fallbacks()).isPositive();
    assertThat(slow.healthSeen).contains(HealthStatus.DEGRADED);
    assertThat(slow.maxLatency()).isLessThan(TIMEOUT.plus(SLACK));
    assertThat(limiter.admitted(FleetStatus.DEGRADED)).isGreaterThanOrEqualTo(SHARE);

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> engine.status() == FleetStatus.SHARED);
    Duration recovery = Duration.ofNanos(System.nanoTime() - wokeAt);
    long sharedBefore = limiter.admitted(FleetStatus.SHARED);
    offer(20);
    assertThat(limiter.admitted(FleetStatus.SHARED)).isGreaterThan(sharedBefore);
    assertThat(engine.recoveries()).isEqualTo(engine.fallbacks());

    System.out.printf(
        "FIGURE redis-debug-sleep: timeout=%dms sleep=2000ms calls=%d maxAcquire=%.1fms"
            + " meanAcquire=%.2fms admittedLocally=%d recoveredAfterWake=%dms%n",
        TIMEOUT.toMillis(),
        slow.calls(),
        slow.maxLatency().toNanos() / 1e6,
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
  private Offered offerUntil(CompletableFuture<?> done, int maxCalls, FleetHealthCheck health) {
    Offered offered = new Offered();
    while (!done.isDone() && offered.calls() < maxCalls) {
      offered.acquire(limiter);
      offered.healthSeen.add(health.check().status());
    }
    done.join();
    return offered;
  }

  /** What the callers saw: admissions and the latency of each acquire; thread-safe. */
  private static class Offered {
    private final LongAdder calls = new LongAdder();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();
    final Set<HealthStatus> healthSeen = ConcurrentHashMap.newKeySet();

    void acquire(FleetRateLimiter limiter) {
      long t0 = System.nanoTime();
      long result = limiter.acquire(0);
      long took = System.nanoTime() - t0;
      calls.increment();
      totalNanos.add(took);
      maxNanos.accumulateAndGet(took, Math::max);
      if (result >= 0) {
        admitted.increment();
      }
      // Paces the offered load (about 1,000 calls a second per caller); waits for no state.
      LockSupport.parkNanos(1_000_000);
    }

    long calls() {
      return calls.sum();
    }

    long admitted() {
      return admitted.sum();
    }

    Duration maxLatency() {
      return Duration.ofNanos(maxNanos.get());
    }

    double meanMillis() {
      long n = calls.sum();
      return n == 0 ? 0 : totalNanos.sum() / 1e6 / n;
    }
  }

  /** Callers on their own threads, offering acquires until stopped (at most one minute). */
  private static final class Load extends Offered implements AutoCloseable {
    private final ExecutorService callers;
    private final List<Future<?>> running = new ArrayList<>();
    private volatile boolean stopped;

    Load(FleetRateLimiter limiter, int threads) {
      callers = Executors.newFixedThreadPool(threads);
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      for (int i = 0; i < threads; i++) {
        running.add(
            callers.submit(
                () -> {
                  while (!stopped && System.nanoTime() < end) {
                    acquire(limiter);
                  }
                }));
      }
    }

    void stop() throws Exception {
      stopped = true;
      for (Future<?> f : running) {
        f.get(10, TimeUnit.SECONDS);
      }
    }

    @Override
    public void close() {
      stopped = true;
      callers.shutdownNow();
    }
  }
}
