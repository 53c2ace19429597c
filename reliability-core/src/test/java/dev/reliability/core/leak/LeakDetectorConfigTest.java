package dev.reliability.core.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigProblem;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeakDetectorConfigTest {

  @Test
  void defaults() {
    LeakDetectorConfig c = LeakDetectorConfig.ofDefaults();

    assertThat(c.enabled()).isTrue();
    assertThat(c.sampleInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.window()).isEqualTo(Duration.ofHours(1));
    assertThat(c.warmUp()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.minSpan()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.minCollections()).isEqualTo(5);
    assertThat(c.minIncrease()).isEqualTo(0.02);
    assertThat(c.minTrendStrength()).isEqualTo(0.6);
    assertThat(c.earlyWarningHorizon()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.confirmAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.withdrawAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.returnFraction()).isEqualTo(0.5);
    assertThat(c.heapThreshold()).isEqualTo(0.8);
    assertThat(c.exhaustionHorizon()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.heap()).isTrue();
    assertThat(c.jvmGauges()).isTrue();
    assertThat(c.histogramMinInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.suspectsLimit()).isEqualTo(20);
    assertThat(c.recordOnSuspicion()).isFalse();
    assertThat(c.recordingMaxSize()).isEqualTo(16L * 1024 * 1024);
    assertThat(c.recordingDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.recordingCutoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.toString()).startsWith("LeakDetectorConfig[sample-interval=5s, window=1h,");
  }

  @Test
  void settingsListEveryDeclaredSettingAndEveryDefaultMatchesTheConfig() throws Exception {
    List<Setting<?>> declared = new ArrayList<>();
    for (Field f : LeakDetectorConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == Setting.class) {
        declared.add((Setting<?>) f.get(null));
      }
    }

    assertThat(LeakDetectorConfig.SETTINGS).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(LeakDetectorConfig.SETTINGS)
        .allSatisfy(s -> assertThat(s.description()).isNotBlank());
    assertThat(LeakDetectorConfig.MIN_SPAN.defaultValue())
        .contains(LeakDetectorConfig.ofDefaults().minSpan());
  }

  @Test
  void derivesFromAnExistingConfig() {
    LeakDetectorConfig base = LeakDetectorConfig.builder().minSpan(Duration.ofSeconds(45)).build();

    LeakDetectorConfig derived = base.toBuilder().heapThreshold(0.9).build();

    assertThat(derived.minSpan()).isEqualTo(Duration.ofSeconds(45));
    assertThat(derived.heapThreshold()).isEqualTo(0.9);
    assertThat(base.heapThreshold()).isEqualTo(0.8);
  }

  @Test
  void builderRejectsValuesOutOfRange() {
    LeakDetectorConfig.Builder b = LeakDetectorConfig.builder();

    assertThatThrownBy(() -> b.sampleInterval(Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sample-interval must be a duration between 10ms and 1h, was 1ms");
    assertThatThrownBy(() -> b.minCollections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("min-collections must be a whole number between 1 and 100000, was 0");
    assertThatThrownBy(() -> b.minTrendStrength(0.05))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("min-trend-strength must be a number between 0.1 and 1.0, was 0.05");
    assertThatThrownBy(() -> b.heapThreshold(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "heap-threshold must be a percentage such as 80% or a fraction such as 0.8, was 1.5");
    assertThatThrownBy(() -> b.warmUp(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("warm-up must not be null");
  }

  @Test
  void builderRejectsSettingsThatDoNotFitTogether() {
    assertThatThrownBy(() -> LeakDetectorConfig.builder().minSpan(Duration.ofSeconds(20)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("min-span must be at least 5 x sample-interval (25s), was 20s");
    assertThatThrownBy(() -> LeakDetectorConfig.builder().window(Duration.ofSeconds(50)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be at least 2 x min-span (1m), was 50s");
    assertThatThrownBy(
            () ->
                LeakDetectorConfig.builder()
                    .sampleInterval(Duration.ofMillis(100))
                    .minSpan(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be at most 10000 x sample-interval (1000s), was 1h");
    assertThatThrownBy(
            () -> LeakDetectorConfig.builder().withdrawAfter(Duration.ofSeconds(10)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("withdraw-after must be between min-span (30s) and window (1h), was 10s");
  }

  @Test
  void sourceOverridesCodeValues() {
    LeakDetectorConfig code = LeakDetectorConfig.builder().minSpan(Duration.ofSeconds(45)).build();
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_LEAK_MIN_SPAN", "1m",
                "RELIABILITY_LEAK_HEAP_THRESHOLD", "85%",
                "RELIABILITY_LEAK_JVM_GAUGES", "false"));

    LeakDetectorConfig c = code.withOverrides(env);

    assertThat(c.minSpan()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.heapThreshold()).isEqualTo(0.85);
    assertThat(c.jvmGauges()).isFalse();
    assertThat(c.window()).isEqualTo(Duration.ofHours(1));
    assertThat(LeakDetectorConfig.ofDefaults().withOverrides(env).minSpan())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void sourceProblemsAreAllReportedAtOnce() {
    ConfigSource props =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.leak.min-span", "soon",
                "reliability.leak.min-collections", "0"));

    assertThatThrownBy(() -> LeakDetectorConfig.ofDefaults().withOverrides(props))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::key)
                    .containsExactlyInAnyOrder(
                        "reliability.leak.min-span", "reliability.leak.min-collections"));
  }

  @Test
  void sourceCombinationsThatDoNotFitFailAsConfiguration() {
    ConfigSource props =
        ConfigSource.fromMap(
            "application.properties", Map.of("reliability.leak.sample-interval", "10s"));

    assertThatThrownBy(() -> LeakDetectorConfig.ofDefaults().withOverrides(props))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new ConfigProblem(
                            "reliability.leak.min-span",
                            "30s",
                            "the combined settings",
                            "at least 5 x sample-interval (50s)")));
  }
}
