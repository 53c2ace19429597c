package dev.reliability.core.leak;

import static dev.reliability.test.SettingAgreement.agree;
import static dev.reliability.test.SettingAgreement.text;

import dev.reliability.core.config.SettingValues;
import dev.reliability.test.SettingAgreement.Case;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Each leak detection setting's rule lives once: a builder setter accepts a value exactly when a
 * configuration source accepts its text, and refuses it with the source path's key and rule.
 */
class LeakDetectorSettingsProperties {

  static final List<Case<Integer>> INTS =
      List.of(
          new Case<>(
              LeakDetectorConfig.MIN_COLLECTIONS,
              v -> LeakDetectorConfig.builder().minCollections(v)),
          new Case<>(
              LeakDetectorConfig.SUSPECTS_LIMIT,
              v -> LeakDetectorConfig.builder().suspectsLimit(v)));

  static final List<Case<Long>> SIZES =
      List.of(
          new Case<>(
              LeakDetectorConfig.RECORDING_MAX_SIZE,
              v -> LeakDetectorConfig.builder().recordingMaxSize(v)));

  static final List<Case<Duration>> DURATIONS =
      List.of(
          new Case<>(
              LeakDetectorConfig.SAMPLE_INTERVAL,
              v -> LeakDetectorConfig.builder().sampleInterval(v)),
          new Case<>(LeakDetectorConfig.WINDOW, v -> LeakDetectorConfig.builder().window(v)),
          new Case<>(LeakDetectorConfig.WARM_UP, v -> LeakDetectorConfig.builder().warmUp(v)),
          new Case<>(LeakDetectorConfig.MIN_SPAN, v -> LeakDetectorConfig.builder().minSpan(v)),
          new Case<>(
              LeakDetectorConfig.EARLY_WARNING_HORIZON,
              v -> LeakDetectorConfig.builder().earlyWarningHorizon(v)),
          new Case<>(
              LeakDetectorConfig.CONFIRM_AFTER, v -> LeakDetectorConfig.builder().confirmAfter(v)),
          new Case<>(
              LeakDetectorConfig.WITHDRAW_AFTER,
              v -> LeakDetectorConfig.builder().withdrawAfter(v)),
          new Case<>(
              LeakDetectorConfig.EXHAUSTION_HORIZON,
              v -> LeakDetectorConfig.builder().exhaustionHorizon(v)),
          new Case<>(
              LeakDetectorConfig.HISTOGRAM_MIN_INTERVAL,
              v -> LeakDetectorConfig.builder().histogramMinInterval(v)),
          new Case<>(
              LeakDetectorConfig.RECORDING_DURATION,
              v -> LeakDetectorConfig.builder().recordingDuration(v)),
          new Case<>(
              LeakDetectorConfig.RECORDING_CUTOFF,
              v -> LeakDetectorConfig.builder().recordingCutoff(v)));

  static final List<Case<Double>> DECIMALS =
      List.of(
          new Case<>(
              LeakDetectorConfig.MIN_INCREASE, v -> LeakDetectorConfig.builder().minIncrease(v)),
          new Case<>(
              LeakDetectorConfig.MIN_TREND_STRENGTH,
              v -> LeakDetectorConfig.builder().minTrendStrength(v)),
          new Case<>(
              LeakDetectorConfig.RETURN_FRACTION,
              v -> LeakDetectorConfig.builder().returnFraction(v)),
          new Case<>(
              LeakDetectorConfig.HEAP_THRESHOLD,
              v -> LeakDetectorConfig.builder().heapThreshold(v)));

  @Property(tries = 300)
  void aWholeNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("ints") int value) {
    for (Case<Integer> c : INTS) {
      agree(c, value, Integer.toString(value));
    }
  }

  @Property(tries = 300)
  void aSizeIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("longs") long value) {
    for (Case<Long> c : SIZES) {
      agree(c, value, Long.toString(value));
    }
  }

  @Property(tries = 300)
  void aDurationIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("durations") Duration value) {
    for (Case<Duration> c : DURATIONS) {
      agree(c, value, text(value));
    }
  }

  @Property(tries = 300)
  void aNumberIsAcceptedInCodeExactlyWhenItsTextIs(@ForAll("decimals") double value) {
    for (Case<Double> c : DECIMALS) {
      agree(c, value, text(value));
    }
  }

  @Provide
  static Arbitrary<Integer> ints() {
    return SettingValues.ints();
  }

  @Provide
  static Arbitrary<Long> longs() {
    return SettingValues.longs();
  }

  @Provide
  static Arbitrary<Duration> durations() {
    return SettingValues.durations();
  }

  @Provide
  static Arbitrary<Double> decimals() {
    return SettingValues.decimals();
  }
}
