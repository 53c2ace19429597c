package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit against a simulated server with 16 workers at 10 ms each and 64 closed-loop
 * clients (the anchor), on a manual clock.
 */
class AdaptiveLimiterTest {

  private static final Duration SERVICE = Duration.ofMillis(10);
  private static final long UNLOADED_NANOS = SERVICE.toNanos();

  private final ManualTimeSource time = ManualTimeSource.create();

  @Test
  void settlesNearTheKneeWithAdmittedP99WithinTwiceUnloadedAndFullGoodput() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);
    LimitSimulation sim = new LimitSimulation(time, LimitSimulation.of(limiter), 16, SERVICE, 64);
    sim.run(Duration.ofSeconds(5));

    Duration measured = Duration.ofSeconds(20);
    LimitSimulation.Result adaptive = sim.run(measured);

    ManualTimeSource fixedTime = ManualTimeSource.create();
    LimitSimulation.Result bestFixed =
        new LimitSimulation(fixedTime, LimitSimulation.fixed(16), 16, SERVICE, 64).run(measured);

    System.out.println("adaptive: " + adaptive.summary(measured));
    System.out.println("fixed 16: " + bestFixed.summary(measured));
    assertThat(adaptive.limitPercentile(0.01)).isGreaterThanOrEqualTo(16);
    assertThat(adaptive.meanLimit()).isBetween(16.0, 20.0);
    assertThat(adaptive.percentile(0.99)).isLessThanOrEqualTo(2 * UNLOADED_NANOS);
    assertThat(adaptive.perSecond(measured))
        .isGreaterThanOrEqualTo(0.98 * bestFixed.perSecond(measured));
    assertThat(limiter.baselineLatencyNanos())
        .isBetween(9 * UNLOADED_NANOS / 10, 11 * UNLOADED_NANOS / 10);
    assertThat(limiter.rejectedCalls()).isPositive();
  }

  @Test
  void followsTheKneeWhenTheServerLosesHalfItsWorkersAndWhenItGetsThemBack() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);
    LimitSimulation sim = new LimitSimulation(time, LimitSimulation.of(limiter), 16, SERVICE, 64);
    sim.run(Duration.ofSeconds(5));

    sim.workers(8);
    long settleMillis = 0;
    while (limiter.limit() > 10 && settleMillis < 2_000) {
      sim.run(Duration.ofMillis(10));
      settleMillis += 10;
    }
    System.out.println("within 25% of the new knee after " + settleMillis + " ms");
    assertThat(settleMillis).isLessThanOrEqualTo(500);
    sim.run(Duration.ofSeconds(1));
    LimitSimulation.Result halved = sim.run(Duration.ofSeconds(10));
    System.out.println(
        "8 workers, from 1 s after the change: " + halved.summary(Duration.ofSeconds(10)));
    assertThat(halved.limitPercentile(0.01)).isGreaterThanOrEqualTo(8);
    assertThat(halved.meanLimit()).isBetween(8.0, 10.0);
    assertThat(halved.percentile(0.99)).isLessThanOrEqualTo(2 * UNLOADED_NANOS);
    assertThat(halved.perSecond(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(0.98 * 800);

    sim.workers(16);
    sim.run(Duration.ofSeconds(2));
    LimitSimulation.Result restored = sim.run(Duration.ofSeconds(10));
    System.out.println("16 workers again: " + restored.summary(Duration.ofSeconds(10)));
    assertThat(restored.limitPercentile(0.01)).isGreaterThanOrEqualTo(16);
    assertThat(restored.meanLimit()).isBetween(16.0, 20.0);
    assertThat(restored.perSecond(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(0.98 * 1600);
  }

  @Test
  void losesNoGoodputUnderTheKneeProbeIncluded() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);
    LimitSimulation sim = new LimitSimulation(time, LimitSimulation.of(limiter), 16, SERVICE, 12);
    sim.run(Duration.ofSeconds(1));

    // 40 s hold at least one probe (every 27 to 30 s).
    Duration measured = Duration.ofSeconds(40);
    LimitSimulation.Result adaptive = sim.run(measured);
    LimitSimulation.Result unlimited =
        new LimitSimulation(
                ManualTimeSource.create(), LimitSimulation.fixed(1_000), 16, SERVICE, 12)
            .run(measured);

    System.out.println("12 clients, adaptive: " + adaptive.summary(measured));
    assertThat(adaptive.minLimit()).isLessThan(12);
    assertThat(adaptive.perSecond(measured))
        .isGreaterThanOrEqualTo(0.99 * unlimited.perSecond(measured));
    assertThat(adaptive.percentile(0.99)).isLessThanOrEqualTo(UNLOADED_NANOS * 12 / 10);
  }

  @Test
  void growsToItsMaximumWhenLatencyDoesNotRise() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);
    LimitSimulation sim =
        new LimitSimulation(time, LimitSimulation.of(limiter), 1_000, SERVICE, 300);

    sim.run(Duration.ofSeconds(5));

    assertThat(limiter.limit()).isEqualTo(200);
  }

  @Test
  void keepsItsLimitWhenCallersDoNotUseIt() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);
    LimitSimulation sim =
        new LimitSimulation(time, LimitSimulation.of(limiter), 1_000, SERVICE, 10);

    sim.run(Duration.ofSeconds(5));

    assertThat(limiter.limit()).isEqualTo(20);
  }

  @Test
  void aDependencySlowerForEveryoneMovesTheBaselineAtTheNextProbeInsteadOfPinningTheLimit() {
    AdaptiveLimitConfig config =
        AdaptiveLimitConfig.builder().probeInterval(Duration.ofSeconds(5)).build();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("server", config, time);
    LimitSimulation sim = new LimitSimulation(time, LimitSimulation.of(limiter), 16, SERVICE, 64);
    sim.run(Duration.ofSeconds(4));

    sim.service(Duration.ofMillis(40));
    sim.run(Duration.ofSeconds(1));
    assertThat(limiter.limit()).isLessThan(8);

    sim.run(Duration.ofSeconds(10));
    LimitSimulation.Result after = sim.run(Duration.ofSeconds(10));
    assertThat(limiter.baselineLatencyNanos()).isBetween(36_000_000L, 44_000_000L);
    assertThat(after.limitPercentile(0.02)).isGreaterThanOrEqualTo(16);
    // A probe every 5 s (for a short test) holds the limit at a quarter for two windows: ~3%.
    assertThat(after.perSecond(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(0.95 * 400);
  }

  @Test
  void aimdShrinksByTheBackoffRatioOncePerWindowOfDrops() {
    AdaptiveLimitConfig config = AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("client", config, time);
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
    assertThat(limiter.tryAcquire()).isFalse();
    time.advanceMillis(5);

    for (int i = 0; i < 10; i++) {
      limiter.onDropped(Duration.ofMillis(5).toNanos());
    }

    assertThat(limiter.limit()).isEqualTo(18);
    assertThat(limiter.inFlight()).isEqualTo(10);
  }

  @Test
  void aimdCountsACallSlowerThanTheThresholdAsADrop() {
    AdaptiveLimitConfig config =
        AdaptiveLimitConfig.builder()
            .algorithm(Algorithm.AIMD)
            .latencyThreshold(Duration.ofMillis(100))
            .build();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("client", config, time);
    for (int i = 0; i < 10; i++) {
      limiter.tryAcquire();
    }
    time.advanceMillis(200);

    for (int i = 0; i < 9; i++) {
      limiter.onSuccess(Duration.ofMillis(10).toNanos());
    }
    limiter.onSuccess(Duration.ofMillis(200).toNanos());

    assertThat(limiter.limit()).isEqualTo(18);
  }

  @Test
  void aimdGrowsByOnePerWindowWhileHalfTheLimitIsInUse() {
    AdaptiveLimitConfig config = AdaptiveLimitConfig.builder().algorithm(Algorithm.AIMD).build();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("client", config, time);
    for (int window = 0; window < 3; window++) {
      for (int i = 0; i < 12; i++) {
        limiter.tryAcquire();
      }
      time.advanceMillis(25);
      for (int i = 0; i < 12; i++) {
        limiter.onSuccess(Duration.ofMillis(10).toNanos());
      }
    }

    assertThat(limiter.limit()).isEqualTo(23);
  }

  @Test
  void aDroppedCallShrinksTheGradientLimitEvenAtBaselineLatency() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);
    LimitSimulation sim =
        new LimitSimulation(time, LimitSimulation.of(limiter), 1_000, SERVICE, 40);
    sim.run(Duration.ofSeconds(2));
    int before = limiter.limit();
    assertThat(before).isGreaterThan(20);

    for (int i = 0; i < before; i++) {
      limiter.tryAcquire();
    }
    time.advance(SERVICE.multipliedBy(3));
    while (limiter.inFlight() > 0) {
      limiter.onDropped(UNLOADED_NANOS);
    }

    assertThat(limiter.limit()).isLessThanOrEqualTo((int) (before * 0.9));
  }

  @Test
  void reservedShareIsKeptForItsPartitionWhileTheDefaultPartitionIsFull() {
    AdaptiveLimitConfig config =
        AdaptiveLimitConfig.builder()
            .initialLimit(10)
            .algorithm(Algorithm.AIMD)
            .partition("health", 0.2)
            .build();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("server", config, time);
    AdaptiveLimiter.Partition health = limiter.partition("health");

    int admitted = 0;
    while (limiter.tryAcquire()) {
      admitted++;
    }

    assertThat(admitted).isEqualTo(8);
    assertThat(health.reservedPermits()).isEqualTo(2);
    assertThat(health.tryAcquire()).isTrue();
    assertThat(health.tryAcquire()).isTrue();
    assertThat(health.tryAcquire()).isFalse();
    assertThat(limiter.inFlight()).isEqualTo(10);
    assertThat(health.inFlight()).isEqualTo(2);
    assertThat(health.rejectedCalls()).isEqualTo(1);
    assertThat(limiter.defaultPartition().rejectedCalls()).isEqualTo(1);
    assertThat(limiter.rejectedCalls()).isEqualTo(2);
  }

  @Test
  void aPartitionBeyondItsShareMayUseWhatNobodyReserved() {
    AdaptiveLimitConfig config =
        AdaptiveLimitConfig.builder()
            .initialLimit(10)
            .algorithm(Algorithm.AIMD)
            .partition("health", 0.2)
            .build();
    AdaptiveLimiter limiter = AdaptiveLimiter.create("server", config, time);
    AdaptiveLimiter.Partition health = limiter.partition("health");

    int admitted = 0;
    while (health.tryAcquire()) {
      admitted++;
    }

    assertThat(admitted).isEqualTo(10);
    assertThat(limiter.tryAcquire()).isFalse();
  }

  @Test
  void anUnknownPartitionNameIsTheDefaultPartition() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create(
            "server", AdaptiveLimitConfig.builder().partition("health", 0.1).build(), time);

    assertThat(limiter.partition("batch")).isSameAs(limiter.defaultPartition());
    assertThat(limiter.partition(null)).isSameAs(limiter.defaultPartition());
    assertThat(limiter.partition("health").name()).isEqualTo("health");
    assertThat(limiter.partition("health")).isSameAs(limiter.partition("health"));
  }

  @Test
  void aReleaseWithoutAPermitIsIgnored() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);

    limiter.onSuccess(1_000);
    limiter.onIgnored();
    limiter.onDropped(1_000);

    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.inFlight()).isEqualTo(1);
  }

  @Test
  void startsByProbingAtAQuarterOfTheInitialLimit() {
    AdaptiveLimiter limiter =
        AdaptiveLimiter.create("server", AdaptiveLimitConfig.ofDefaults(), time);

    assertThat(limiter.limit()).isEqualTo(5);
    assertThat(limiter.baselineLatencyNanos()).isZero();
  }
}
