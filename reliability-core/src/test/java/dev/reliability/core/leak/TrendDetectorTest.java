package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class TrendDetectorTest {

  private static final long MB = 1024L * 1024;
  private static final LeakDetectorConfig NO_WARM_UP =
      LeakDetectorConfig.builder().warmUp(Duration.ZERO).build();

  private final ManualTimeSource time = ManualTimeSource.create();

  @Test
  void javadocExample() {
    TrendDetector trend =
        TrendDetector.builder("cache.entries")
            .config(LeakDetectorConfig.builder().warmUp(Duration.ZERO).build())
            .minIncrease(100)
            .timeSource(time)
            .build();
    for (int second = 0; second < 60; second += 5) {
      trend.record(10_000 + second * 20L);
      time.advance(Duration.ofSeconds(5));
    }

    GaugeTrend verdict = trend.evaluate();

    assertThat(verdict.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(verdict.growthPerMinute()).isCloseTo(1200, within(1.0));
    assertThat(verdict.name()).isEqualTo("cache.entries");
    assertThat(verdict.kind()).isEqualTo(LeakKind.CUSTOM);
    assertThat(verdict.since()).contains(time.now());
    assertThat(verdict.baseline()).hasValue(10_000);
    assertThat(verdict.explanation())
        .isEqualTo("grows 1200/min over 1m (tau 1.00, 12 samples) from 10000 to 11000");
  }

  @Test
  void reportsNothingBeforeTheFirstSample() {
    GaugeTrend t = TrendDetector.builder("g").timeSource(time).build().evaluate();

    assertThat(t.state()).isEqualTo(LeakState.NONE);
    assertThat(t.value()).isEqualTo(-1);
    assertThat(t.warmingUp()).isTrue();
    assertThat(t.explanation()).isEqualTo("no samples yet");
    assertThat(t.baseline()).isEmpty();
    assertThat(t.since()).isEmpty();
  }

  @Test
  void ignoresSamplesDuringTheWarmUp() {
    TrendDetector trend = TrendDetector.builder("g").minIncrease(10).timeSource(time).build();

    feed(trend, 100, s -> 1000 + s * 10);
    GaugeTrend during = trend.evaluate();
    feed(trend, 30, s -> 3000);
    GaugeTrend after = trend.evaluate();

    assertThat(during.warmingUp()).isTrue();
    assertThat(during.explanation()).isEqualTo("warming up, 20s left");
    assertThat(during.value()).isEqualTo(1990);
    assertThat(after.warmingUp()).isFalse();
    assertThat(after.state()).isEqualTo(LeakState.NONE);
    assertThat(after.explanation()).isEqualTo("collecting, 20s until the minimum span");
  }

  @Test
  void saysHowLongUntilTheMinimumSpanIsCovered() {
    TrendDetector trend = detector(NO_WARM_UP, 10);

    feed(trend, 10, s -> 5);

    assertThat(trend.evaluate().explanation()).isEqualTo("collecting, 20s until the minimum span");
  }

  @Test
  void projectsExhaustionAgainstTheLimit() {
    TrendDetector trend =
        TrendDetector.builder("pool")
            .unit(GaugeUnit.BYTES)
            .limit(1000 * MB)
            .config(NO_WARM_UP)
            .timeSource(time)
            .build();

    feed(trend, 120, s -> 100 * MB + s * MB); // 60 MB per minute from 100 MB

    GaugeTrend t = trend.evaluate();
    assertThat(t.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(t.limit()).hasValue(1000 * MB);
    assertThat(t.growthPerMinute()).isCloseTo(60.0 * MB, within(1.0 * MB));
    // ~215 MB now: 785 MB left at 1 MB/s.
    assertThat(t.timeToExhaustion())
        .hasValueSatisfying(d -> assertThat(d.toSeconds()).isBetween(770L, 800L));
    assertThat(t.formattedGrowth()).isEqualTo("60.0 MB/min");
    assertThat(t.toString()).startsWith("GaugeTrend[custom pool: suspected, value=");
  }

  @Test
  void confirmsAfterTheConfirmationTimeWhileGrowing() {
    TrendDetector trend = detector(NO_WARM_UP, 10);

    feed(trend, 60, s -> 1000 + s);
    GaugeTrend suspected = trend.evaluate();
    feed(trend, 300, s -> 1060 + s);
    GaugeTrend confirmed = trend.evaluate();

    assertThat(suspected.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(confirmed.state()).isEqualTo(LeakState.CONFIRMED);
    assertThat(Duration.between(suspected.since().orElseThrow(), confirmed.since().orElseThrow()))
        .isBetween(Duration.ofMinutes(5), Duration.ofSeconds(310));
  }

  @Test
  void withdrawsWhenTheGaugeReturnsToItsEarlierRange() {
    TrendDetector trend = detector(NO_WARM_UP, 10);

    feed(trend, 90, s -> 1000 + s);
    assertThat(trend.evaluate().state()).isEqualTo(LeakState.SUSPECTED);
    List<GaugeTrend> after = feed(trend, 20, s -> 1001);

    assertThat(trend.evaluate().state()).isEqualTo(LeakState.NONE);
    assertThat(after)
        .extracting(GaugeTrend::explanation)
        .contains(
            "suspected leak withdrawn: back to 1001, within the earlier range (baseline 1000)");
  }

  @Test
  void withdrawsWhenGrowthHasStopped() {
    TrendDetector trend = detector(NO_WARM_UP, 10);

    feed(trend, 90, s -> 1000 + s);
    assertThat(trend.evaluate().state()).isEqualTo(LeakState.SUSPECTED);
    // Spans that still hold some of the growth pass for a while; five minutes after the last one
    // the suspicion goes.
    feed(trend, 300, s -> 1090);
    assertThat(trend.evaluate().state()).isEqualTo(LeakState.SUSPECTED);
    List<GaugeTrend> later = feed(trend, 200, s -> 1090);

    assertThat(trend.evaluate().state()).isEqualTo(LeakState.NONE);
    assertThat(later)
        .extracting(GaugeTrend::explanation)
        .contains("suspected leak withdrawn: no growth for 5m");
  }

  @Test
  void aGaugeThatStepsUpEveryHalfHourIsConfirmedWithoutBeingWithdrawnOnItsPlateaus() {
    TrendDetector trend = detector(NO_WARM_UP, 10);

    // +10 every 30 minutes for 4 hours: each plateau is far longer than withdraw-after (5 min).
    List<GaugeTrend> trends = feed(trend, 4 * 3600, s -> 1000 + (s / 1800) * 10L);

    List<LeakState> states = new ArrayList<>();
    for (GaugeTrend t : trends) {
      if (states.isEmpty() || states.get(states.size() - 1) != t.state()) {
        states.add(t.state());
      }
    }
    assertThat(states).containsExactly(LeakState.NONE, LeakState.SUSPECTED, LeakState.CONFIRMED);
  }

  @Test
  void slowGrowthThatStopsIsWithdrawnAfterHalfTheSpanItWasSeenOver() {
    TrendDetector trend = detector(NO_WARM_UP, 10);
    feed(trend, 2 * 3600, s -> 1000 + (s / 1800) * 10L);
    GaugeTrend grown = trend.evaluate();
    assertThat(grown.state()).isEqualTo(LeakState.CONFIRMED);

    // Flat from 1030: the evidence spans an hour, so 5 flat minutes do not withdraw it.
    List<GaugeTrend> flat = feed(trend, 3 * 3600, s -> 1030);

    assertThat(flat.get(12 * 10).state()).isEqualTo(LeakState.CONFIRMED); // 10 minutes in
    assertThat(trend.evaluate().state()).isEqualTo(LeakState.NONE);
    assertThat(flat)
        .extracting(GaugeTrend::explanation)
        .contains("confirmed leak withdrawn: no growth for 30m");
  }

  @Test
  void aSawToothIsNotSuspectedAgainOnceItHasDropped() {
    TrendDetector trend = detector(NO_WARM_UP, 25);
    // 2 per second for 300 s, then back: a pool that fills and is trimmed.
    feed(trend, 3600, s -> 1000 + (s % 300) * 2);

    GaugeTrend t = trend.evaluate();

    assertThat(t.state()).isEqualTo(LeakState.NONE);
  }

  @Test
  void aRiseBelowAnEarlierPeakSaysSo() {
    TrendDetector trend = detector(NO_WARM_UP, 25);
    feed(trend, 200, s -> 1000 + s * 2); // up to 1400
    feed(trend, 30, s -> 1000); // given back
    feed(trend, 100, s -> 1000 + s * 2); // rising again, still below 1400

    GaugeTrend t = trend.evaluate();

    assertThat(t.state()).isEqualTo(LeakState.NONE);
    assertThat(t.explanation())
        .isEqualTo("rise stays within the earlier range (up to 1398, given back since)");
  }

  @Test
  void aSlowHeapRiseNoCollectionVerifiedIsNotSuspectedBeyondTheHorizon() {
    // 100 KB/s into a 256 MB heap from 40 MB, no old-generation collection: ~36 minutes left,
    // beyond the default early-warning horizon (15 minutes), within an hour's.
    TrendDetector trend = heap(NO_WARM_UP);
    LeakDetectorConfig loose =
        NO_WARM_UP.toBuilder().earlyWarningHorizon(Duration.ofHours(1)).build();
    TrendDetector looseTrend = heap(loose);
    for (int s = 0; s < 300; s++) {
      long used = 40 * MB + s * 100 * 1024L;
      trend.recordCollection(used, used, false);
      looseTrend.recordCollection(used, used, false);
      time.advance(Duration.ofSeconds(1));
    }

    assertThat(looseTrend.evaluate().state()).isEqualTo(LeakState.SUSPECTED);
    GaugeTrend t = trend.evaluate();
    assertThat(t.state()).isEqualTo(LeakState.NONE);
    assertThat(t.explanation())
        .startsWith(
            "unverified rise of 5.9 MB/min: no old-generation collection in its later half,")
        .endsWith("beyond the early-warning horizon");
  }

  @Test
  void aHeapRiseThatSurvivesCollectionsIsVerifiedAndConfirmed() {
    TrendDetector trend = heap(NO_WARM_UP);
    // Live set grows 20 KB/s; garbage adds 200 KB/s and a major collection every 60 s removes it.
    double garbage = 0;
    for (int s = 0; s < 900; s++) {
      long live = 40 * MB + s * 20 * 1024L;
      garbage += 200 * 1024;
      boolean major = s % 60 == 59;
      long before = live + (long) garbage;
      if (major) {
        garbage = 0;
      }
      trend.recordCollection(before, live + (long) garbage, major);
      time.advance(Duration.ofSeconds(1));
      if (s % 5 == 4) {
        trend.evaluate();
      }
    }

    GaugeTrend t = trend.evaluate();
    assertThat(t.state()).isEqualTo(LeakState.CONFIRMED);
    assertThat(t.reclamations()).isPositive();
    assertThat(t.growthPerMinute()).isCloseTo(1.2 * MB, within(0.4 * MB));
  }

  @Test
  void heapNeedsTheMinimumNumberOfCollections() {
    TrendDetector trend = heap(NO_WARM_UP);
    // A fast rise, but one collection every 10 s: 40 s hold only 4 of the 5 needed.
    for (int s = 0; s <= 40; s += 10) {
      long used = 40 * MB + s * MB;
      trend.recordCollection(used, used, false);
      time.advance(Duration.ofSeconds(10));
    }

    assertThat(trend.evaluate().state()).isEqualTo(LeakState.NONE);
  }

  @Test
  void aLimitThatCannotBeReadMeansNoProjection() {
    TrendDetector trend =
        TrendDetector.builder("g")
            .minIncrease(10)
            .limit(
                () -> {
                  throw new IllegalStateException("gone");
                })
            .config(NO_WARM_UP)
            .timeSource(time)
            .build();

    feed(trend, 120, s -> 1000 + s);

    GaugeTrend t = trend.evaluate();
    assertThat(t.state()).isEqualTo(LeakState.SUSPECTED);
    assertThat(t.limit()).isEmpty();
    assertThat(t.timeToExhaustion()).isEmpty();
  }

  @Test
  void lastReturnsTheLatestEvaluationWithoutEvaluating() {
    TrendDetector trend = detector(NO_WARM_UP, 10);
    for (int s = 0; s < 60; s++) {
      trend.record(1000 + s);
      time.advance(Duration.ofSeconds(1));
    }

    GaugeTrend before = trend.last();
    GaugeTrend evaluated = trend.evaluate();

    assertThat(before.state()).isEqualTo(LeakState.NONE);
    assertThat(trend.last()).isSameAs(evaluated);
    assertThat(trend.toString()).isEqualTo("TrendDetector[g, suspected]");
  }

  @Test
  void trendAsMapUsesSnakeCase() {
    TrendDetector trend =
        TrendDetector.builder("pool")
            .unit(GaugeUnit.BYTES)
            .limit(1000 * MB)
            .config(NO_WARM_UP)
            .timeSource(time)
            .build();
    feed(trend, 120, s -> 100 * MB + s * MB);

    assertThat(trend.evaluate().toMap())
        .containsEntry("name", "pool")
        .containsEntry("kind", "custom")
        .containsEntry("unit", "bytes")
        .containsEntry("state", "suspected")
        .containsEntry("limit", 1000 * MB)
        .containsKeys(
            "since",
            "value",
            "baseline",
            "growth_per_minute",
            "time_to_exhaustion_seconds",
            "evidence",
            "explanation");
  }

  @Test
  void builderRejectsBadArguments() {
    assertThatThrownBy(() -> TrendDetector.builder(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank, was \" \"");
    assertThatThrownBy(() -> TrendDetector.builder("g").limit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 1, was 0");
    assertThatThrownBy(() -> TrendDetector.builder("g").minIncrease(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minIncrease must be at least 1, was -5");
    assertThatThrownBy(() -> TrendDetector.builder("g").timeSource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeSource must not be null");
  }

  private TrendDetector detector(LeakDetectorConfig config, long minIncrease) {
    return TrendDetector.builder("g")
        .minIncrease(minIncrease)
        .config(config)
        .timeSource(time)
        .build();
  }

  private TrendDetector heap(LeakDetectorConfig config) {
    return TrendDetector.builder("heap")
        .kind(LeakKind.HEAP)
        .unit(GaugeUnit.BYTES)
        .limit(256 * MB)
        .config(config)
        .timeSource(time)
        .build();
  }

  /** Records one sample a second for {@code seconds}, evaluating every 5 s. */
  private List<GaugeTrend> feed(TrendDetector trend, int seconds, LongUnaryOperator valueAtSecond) {
    List<GaugeTrend> trends = new ArrayList<>();
    for (int s = 0; s < seconds; s++) {
      trend.record(valueAtSecond.applyAsLong(s));
      time.advance(Duration.ofSeconds(1));
      if (s % 5 == 4) {
        trends.add(trend.evaluate());
      }
    }
    return trends;
  }
}
