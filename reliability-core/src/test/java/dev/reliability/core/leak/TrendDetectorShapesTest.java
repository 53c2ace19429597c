package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shapes the issue names, as synthetic series on manual time with the default configuration: no
 * suspicion on steady churn, a cache warming to a plateau, a step up in load that stays flat or
 * bursty allocation; every linear leak suspected within its span. Polled gauges carry Gaussian
 * noise; heap series come from a G1-like model of the old generation (see {@link SyntheticHeap}).
 */
class TrendDetectorShapesTest {

  private static final LeakDetectorConfig DEFAULTS = LeakDetectorConfig.ofDefaults();
  private static final int HOUR = 3600;
  private static final int HALF_HOUR = 1800;
  private static final java.time.Duration HOUR_DURATION = java.time.Duration.ofHours(1);

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 3);
  }

  // --- polled gauges (a registry size, a thread count): 1000 +- noise, minimum increase 25 ---

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void steadyGaugeIsNeverSuspected(long seed) {
    assertNoSuspicion(gauge(t -> 1000, 20, seed));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void cacheWarmingToAPlateauIsNeverSuspected(long seed) {
    assertNoSuspicion(gauge(t -> 500 + 500 * (1 - Math.exp(-t / 30)), 10, seed));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void stepUpInLoadThatStaysFlatIsNeverSuspected(long seed) {
    assertNoSuspicion(gauge(t -> t < 600 ? 1000 : 1300, 10, seed));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void burstsAreNeverSuspected(long seed) {
    assertNoSuspicion(gauge(t -> (t % 60) < 12 ? 1500 : 1000, 10, seed));
  }

  @ParameterizedTest(name = "{0} per minute, seed {1}")
  @CsvSource({
    "600, 1", "600, 2",
    "100, 1", "100, 2",
    "20, 1", "20, 2",
    "5, 1", "5, 2"
  })
  void linearLeaksWithNoiseAreSuspectedWithinTheirSpan(double perMinute, long seed) {
    double start = 600;
    SyntheticHeap.Run run = gauge(t -> 1000 + Math.max(0, t - start) * perMinute / 60, 10, seed);

    // The span a leak needs: twice the minimum span, plus the time to grow 1.5 x the minimum
    // increase (25).
    double bound = 2 * DEFAULTS.minSpan().toSeconds() + 1.5 * 25 / (perMinute / 60);
    assertThat(run.firstLeakAfter(0)).isGreaterThanOrEqualTo(start);
    assertThat(run.firstLeakAfter(start) - start).isLessThanOrEqualTo(bound);
    assertThat(run.suspicions()).isEqualTo(1);
    assertThat(run.last().state()).isEqualTo(LeakState.CONFIRMED);
    assertThat(run.last().growthPerMinute()).isBetween(perMinute * 0.6, perMinute * 1.4);
  }

  // --- the heap: a G1-like old generation, 256 MB, collections about once a second ---

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heapWithSteadyChurnIsNeverSuspected(long seed) {
    assertNoSuspicion(SyntheticHeap.live(t -> 40).seed(seed).run(DEFAULTS, HALF_HOUR));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heapWithACacheWarmingToAPlateauIsNeverSuspected(long seed) {
    assertNoSuspicion(
        SyntheticHeap.live(t -> 30 + 80 * (1 - Math.exp(-t / 30)))
            .seed(seed)
            .run(DEFAULTS, HALF_HOUR));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heapWithACacheStillWarmingAfterTheWarmUpIsNotSuspected(long seed) {
    // The harness's cache-warming-slow: 56 MB filling with a 100 s time constant, 30% still to fill
    // when the warm-up ends. Its rise would take 20 minutes to fill the heap: beyond the horizon.
    assertNoSuspicion(
        SyntheticHeap.live(t -> 20 + 56 * (1 - Math.exp(-t / 100)))
            .seed(seed)
            .run(DEFAULTS, HALF_HOUR));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heapWithAStepUpInLoadIsNeverSuspected(long seed) {
    assertNoSuspicion(
        SyntheticHeap.live(t -> t < 300 ? 40 : 60).seed(seed).run(DEFAULTS, HALF_HOUR));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heapWithBurstsPromotedEarlyIsNeverSuspected(long seed) {
    // 15 MB of short-lived data promoted every 30 s: an old-generation staircase until G1's
    // concurrent cycle reclaims it.
    assertNoSuspicion(
        SyntheticHeap.live(t -> 40).bursts(15, 30).seed(seed).run(DEFAULTS, HALF_HOUR));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heapWithLargeBatchesPromotedAndReclaimedLateIsNeverSuspected(long seed) {
    // The harness's bursty-retained: 40 MB batches promoted every 20 to 40 s and reclaimed only by
    // the next concurrent cycle, so the floor after collections climbs in steps and falls back.
    assertNoSuspicion(
        SyntheticHeap.live(t -> 10).bursts(40, 30).seed(seed).run(DEFAULTS, HALF_HOUR));
  }

  @ParameterizedTest(name = "{0} KB/s, seed {1}")
  @CsvSource({
    "1024, 1", "1024, 2",
    "256, 1", "256, 2"
  })
  void heapLeaksAreSuspectedWithinAMinuteOfTheirStart(double kbPerSecond, long seed) {
    double start = 180;
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 40 + Math.max(0, t - start) * kbPerSecond / 1024)
            .noise(0.05)
            .seed(seed)
            .run(DEFAULTS, 900);

    assertThat(run.firstLeakAfter(0)).isGreaterThanOrEqualTo(start);
    assertThat(run.firstLeakAfter(start) - start).isLessThanOrEqualTo(60);
    assertThat(run.suspicions()).isEqualTo(1);
    assertThat(run.last().state()).isEqualTo(LeakState.CONFIRMED);
  }

  @ParameterizedTest(name = "{0} KB/s, seed {1}")
  @CsvSource({
    "96, 1", "96, 2",
    "64, 1", "64, 2"
  })
  void slowHeapLeaksAreSuspectedWhileHalfTheHeadroomIsLeft(double kbPerSecond, long seed) {
    // Too slow to threaten a 256 MB heap within the early-warning horizon (15 minutes), so the rise
    // counts once a concurrent cycle has reclaimed the garbage around it and the rise remains: when
    // occupancy reaches G1's initiating threshold (45%), long before the heap is exhausted.
    double start = 180;
    double mbPerSecond = kbPerSecond / 1024;
    double halfHeadroomSeconds = (SyntheticHeap.MAX / SyntheticHeap.MB - 40) / 2.0 / mbPerSecond;
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 40 + Math.max(0, t - start) * mbPerSecond)
            .noise(0.05)
            .seed(seed)
            .run(DEFAULTS, (int) (start + halfHeadroomSeconds + 300));

    assertThat(run.firstLeakAfter(0)).isGreaterThanOrEqualTo(start);
    assertThat(run.firstLeakAfter(start) - start).isLessThanOrEqualTo(halfHeadroomSeconds);
    assertThat(run.suspicions()).isEqualTo(1);
    assertThat(run.last().state().isLeak()).isTrue();
  }

  @Test
  void heapLeakOfOneMegabytePerSecondProjectsExhaustionOnceSuspected() {
    double start = 180;
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 40 + Math.max(0, t - start)).noise(0.05).run(DEFAULTS, 240);

    GaugeTrend t = run.last();
    assertThat(t.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(t.growthPerMinute()).isBetween(45.0 * SyntheticHeap.MB, 70.0 * SyntheticHeap.MB);
    // ~100 MB used of 256 MB at about 1 MB/s: about two and a half minutes left.
    assertThat(t.timeToExhaustion())
        .hasValueSatisfying(d -> assertThat(d.toSeconds()).isBetween(90L, 200L));
    assertThat(t.reclamations()).isZero();
    assertThat(t.explanation()).startsWith("grows ").contains("0 reclaiming");
  }

  // --- legitimate rises followed by replacement: the floor keeps rising by promoted garbage ---

  /** A 52 MB cache filling evenly over three minutes, then replacing 140 KB of entries a second. */
  private static SyntheticHeap warmingCacheThenReplacement() {
    return SyntheticHeap.live(t -> 20 + 52 * Math.min(1, t / 180))
        .promotion(t -> t < 180 ? 2 : 140)
        .noise(0.05);
  }

  /** At 150 s, a session map growing 48 MB over two minutes, then replacing 100 KB a second. */
  private static SyntheticHeap stepThenPlateauWithReplacement() {
    return SyntheticHeap.live(t -> 30 + 48 * Math.min(1, Math.max(0, t - 150) / 120))
        .promotion(t -> t < 270 ? 2 : 100)
        .noise(0.05);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aWarmingCacheThatThenReplacesEntriesIsNeverConfirmed(long seed) {
    SyntheticHeap.Run run = warmingCacheThenReplacement().seed(seed).run(DEFAULTS, HALF_HOUR);

    assertThat(run.firstConfirmed()).as("confirmed at, s: %s", firstLeak(run)).isNegative();
    assertThat(run.last().state()).isEqualTo(LeakState.NONE);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void suspicionOfAWarmingCacheClearsWithinAFewMinutesOfItFilling(long seed) {
    SyntheticHeap.Run run = warmingCacheThenReplacement().seed(seed).run(DEFAULTS, HALF_HOUR);

    // Filled at 180 s; the withdrawal time (5 min) and a minute of slack later nothing stands.
    for (double t = 180 + 360; t < HALF_HOUR; t += 5) {
      assertThat(run.stateAt(t)).as("state at %ss", t).isEqualTo(LeakState.NONE);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aStepThenPlateauWithReplacementIsNeverConfirmedAndClearsWithinAFewMinutes(long seed) {
    SyntheticHeap.Run run = stepThenPlateauWithReplacement().seed(seed).run(DEFAULTS, HALF_HOUR);

    assertThat(run.firstConfirmed()).as("confirmed at, s: %s", firstLeak(run)).isNegative();
    for (double t = 270 + 360; t < HALF_HOUR; t += 5) {
      assertThat(run.stateAt(t)).as("state at %ss", t).isEqualTo(LeakState.NONE);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aRiseThatAReclaimingCollectionShowsToBeGarbageIsWithdrawnSayingSo(long seed) {
    // With a one-hour horizon the garbage ramp after the cache fills keeps the suspicion up until
    // G1's first concurrent cycle: that cycle, not a timer, must end it.
    LeakDetectorConfig hour =
        LeakDetectorConfig.builder().earlyWarningHorizon(HOUR_DURATION).build();
    SyntheticHeap.Run run = warmingCacheThenReplacement().seed(seed).run(hour, HALF_HOUR);

    assertThat(run.firstConfirmed()).as("confirmed at, s: %s", firstLeak(run)).isNegative();
    assertThat(run.trends)
        .anySatisfy(
            t ->
                assertThat(t.explanation())
                    .startsWith("suspected leak withdrawn: a collection that reclaimed")
                    .contains("garbage not yet collected"));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aLeakThatStartsWhileAnotherSuspicionStandsRaisesItsOwnSuspicion(long seed) {
    double leakStart = 240;
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 20 + 52 * Math.min(1, t / 180) + Math.max(0, t - leakStart))
            .promotion(t -> t < 180 ? 2 : 140)
            .noise(0.05)
            .seed(seed)
            .run(DEFAULTS, 420);

    assertThat(run.firstEpisodeAfter(leakStart) - leakStart)
        .as("new suspicion after the leak started, s")
        .isBetween(0.0, 90.0);
  }

  @ParameterizedTest(name = "{0} KB/s, seed {1}")
  @CsvSource({"1024, 1", "1024, 2", "2048, 1"})
  void aLeakThatWouldExhaustTheHeapBeforeConfirmationEscalatesInTimeToAct(
      double kbPerSecond, long seed) {
    double start = 180;
    double mbPerSecond = kbPerSecond / 1024;
    double exhausted = start + (SyntheticHeap.MAX / SyntheticHeap.MB - 40) / mbPerSecond;
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 40 + Math.max(0, t - start) * mbPerSecond)
            .noise(0.05)
            .seed(seed)
            .run(DEFAULTS, (int) exhausted - 5);

    double imminent = run.firstImminent();
    assertThat(imminent).as("imminent at, s").isGreaterThanOrEqualTo(start);
    assertThat(exhausted - imminent).as("left to act, s").isGreaterThanOrEqualTo(60);
    GaugeTrend t = run.trends.get(run.seconds.indexOf(imminent));
    assertThat(t.timeToExhaustion())
        .hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(DEFAULTS.confirmAfter()));
  }

  @Test
  void aConfirmedHeapLeakNamesTheReclaimingCollectionsItRestsOn() {
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 40 + Math.max(0, t - 180) * 0.25).noise(0.05).run(DEFAULTS, 900);

    assertThat(run.trends).anyMatch(t -> t.state() == LeakState.CONFIRMED);
    assertThat(run.trends)
        .filteredOn(t -> t.state() == LeakState.CONFIRMED)
        .allSatisfy(
            t -> {
              assertThat(t.reclamations()).isPositive();
              assertThat(t.explanation())
                  .doesNotContain(" 0 reclaiming")
                  .contains("survived a collection that reclaimed old-generation memory");
            });
  }

  // --- documented limits: what a first ramp of retained or promoted data looks like ---

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void heavyGarbagePromotionIsNotSuspected(long seed) {
    // 100 KB/s of garbage promoted, nothing retained: until the first concurrent cycle the old
    // generation rises as if it leaked, but it would take over half an hour to fill the heap,
    // beyond the early-warning horizon, and the cycle then reclaims it.
    assertNoSuspicion(SyntheticHeap.live(t -> 40).promotion(100).seed(seed).run(DEFAULTS, HOUR));
  }

  @Test
  void withALongerHorizonHeavyPromotionIsSuspectedOnItsFirstRampAndWithdrawnWhenCollected() {
    // Until the first concurrent cycle this is indistinguishable from a leak that would fill the
    // heap in under an hour.
    LeakDetectorConfig hour =
        LeakDetectorConfig.builder().earlyWarningHorizon(HOUR_DURATION).build();
    SyntheticHeap.Run run = SyntheticHeap.live(t -> 40).promotion(100).run(hour, HOUR);

    assertThat(run.suspicions()).isEqualTo(1);
    assertThat(run.last().state()).isEqualTo(LeakState.NONE);
    assertThat(run.trends)
        .anySatisfy(t -> assertThat(t.explanation()).contains("within the earlier range"));
  }

  @Test
  void aCacheStillWarmingAfterTheWarmUpIsSuspectedUntilItPlateaus() {
    SyntheticHeap.Run run =
        SyntheticHeap.live(t -> 30 + 80 * (1 - Math.exp(-t / 100))).run(DEFAULTS, HOUR);

    assertThat(run.firstLeakAfter(0)).isBetween(120.0, 240.0);
    assertThat(run.last().state()).isEqualTo(LeakState.NONE);
    assertThat(run.trends)
        .anySatisfy(t -> assertThat(t.explanation()).contains("suspected leak withdrawn: "));
  }

  private static SyntheticHeap.Run gauge(DoubleUnaryOperator shape, double noise, long seed) {
    return SyntheticGauge.shape(shape).noise(noise).seed(seed).run(DEFAULTS, 25, HALF_HOUR);
  }

  private static void assertNoSuspicion(SyntheticHeap.Run run) {
    assertThat(run.suspicions())
        .as("suspicions, first at %ss: %s", run.firstLeakAfter(0), firstLeak(run))
        .isZero();
  }

  private static String firstLeak(SyntheticHeap.Run run) {
    for (GaugeTrend t : run.trends) {
      if (t.state().isLeak()) {
        return t.explanation();
      }
    }
    return "none";
  }
}
