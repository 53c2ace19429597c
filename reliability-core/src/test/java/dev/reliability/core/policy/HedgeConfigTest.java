package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HedgeConfigTest {

  @Test
  void defaultsAreOneHedgeAfterAFixedDelayWithinATenPercentBudget() {
    HedgeConfig c = HedgeConfig.ofDefaults();

    assertThat(c.delay()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.delayPercentile()).isEmpty();
    assertThat(c.maxHedges()).isEqualTo(1);
    assertThat(c.budget()).isEqualTo(RetryBudget.of(0.1, 10));
    assertThat(c.minDelay()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.maxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.minSamples()).isEqualTo(100);
    assertThat(c.percentileWindow()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aDerivedConfigurationKeepsTheOtherValues() {
    HedgeConfig base = HedgeConfig.builder().delayPercentile(0.95).maxHedges(3).build();

    HedgeConfig derived = base.toBuilder().delay(Duration.ofMillis(40)).build();

    assertThat(derived.delayPercentile()).contains(0.95);
    assertThat(derived.maxHedges()).isEqualTo(3);
    assertThat(derived.delay()).isEqualTo(Duration.ofMillis(40));
    assertThat(derived).isNotEqualTo(base).isEqualTo(derived.toBuilder().build());
  }

  @Test
  void invalidValuesAreRefusedNamingTheSettingAndItsRule() {
    assertThatThrownBy(() -> HedgeConfig.builder().maxHedges(6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-hedges must be a whole number between 1 and 5, was 6");
    assertThatThrownBy(() -> HedgeConfig.builder().delayPercentile(0.3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("delay-percentile must be 0 or between 0.5 and 0.999, was ");
    assertThatThrownBy(() -> HedgeConfig.builder().delay(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("delay must be ");
    assertThatThrownBy(
            () ->
                HedgeConfig.builder()
                    .minDelay(Duration.ofMillis(50))
                    .maxDelay(Duration.ofMillis(20))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-delay must be at least min-delay (50ms), was 20ms");
    assertThatThrownBy(() -> HedgeConfig.builder().budget(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("budget");
  }

  @Test
  void sharedKeysOverrideTheCode() {
    ConfigSource source =
        ConfigSource.fromMap(
            "application.properties",
            Map.of(
                "reliability.hedge.delay", "40ms",
                "reliability.hedge.delay-percentile", "95%",
                "reliability.hedge.max-hedges", "2",
                "reliability.hedge.budget-ratio", "5%"));

    HedgeConfig c = HedgeConfig.ofDefaults().withOverrides(source);

    assertThat(c.delay()).isEqualTo(Duration.ofMillis(40));
    assertThat(c.delayPercentile()).contains(0.95);
    assertThat(c.maxHedges()).isEqualTo(2);
    assertThat(c.budget()).isEqualTo(RetryBudget.of(0.05, 10));
  }

  @Test
  void anInvalidKeyIsReportedWithItsValue() {
    ConfigSource source =
        ConfigSource.fromMap("application.properties", Map.of("reliability.hedge.max-hedges", "9"));

    assertThatThrownBy(() -> HedgeConfig.ofDefaults().withOverrides(source))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.hedge.max-hedges")
        .hasMessageContaining("9");
  }

  @Test
  void aPolicysKeysAddHedgingAndTuneIt() {
    ConfigSource source =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_HEDGE_SEARCH_ENABLED", "true",
                "RELIABILITY_HEDGE_SEARCH_DELAY", "25ms",
                "RELIABILITY_HEDGE_MAX_HEDGES", "3"));

    PolicyConfig search = PolicyConfig.empty().withOverrides(source, "search");
    PolicyConfig other = PolicyConfig.empty().withOverrides(source, "other");

    HedgeConfig hedge = search.hedge().orElseThrow();
    assertThat(hedge.delay()).isEqualTo(Duration.ofMillis(25));
    assertThat(hedge.maxHedges()).isEqualTo(3);
    assertThat(other.hedge()).isEmpty();
    assertThat(PolicyConfig.SETTINGS)
        .containsEntry(HedgeConfig.CONFIG_PREFIX, HedgeConfig.SETTINGS);
  }

  @Test
  void theEnabledKeyRemovesHedgingConfiguredInCode() {
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.hedge.search.enabled", "false"));
    PolicyConfig code = PolicyConfig.builder().hedge(HedgeConfig.ofDefaults()).build();

    assertThat(code.withOverrides(source, "search").hedge()).isEmpty();
    assertThat(code.withOverrides(source, "other").hedge()).contains(HedgeConfig.ofDefaults());
  }

  @Test
  void thePolicyOfTheDocsHedgesWithAPercentileDelay() {
    Policy search =
        Policy.builder("search")
            .retry(RetryConfig.builder().maxRetries(2).budget(RetryBudget.of(0.1, 10)).build())
            .hedge(
                HedgeConfig.builder().delayPercentile(0.95).maxDelay(Duration.ofSeconds(1)).build())
            .build();
    try (search) {
      assertThat(search.hedging().orElseThrow().config().delayPercentile()).contains(0.95);
      assertThat(search.config().hedge().orElseThrow().maxDelay()).isEqualTo(Duration.ofSeconds(1));
      assertThat(search.execute(() -> "found")).isEqualTo("found");
      assertThat(search.hedging().orElseThrow().hedgesStarted()).isZero();
    }
  }

  @Test
  void aPolicyBuiltFromASourceHedges() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of("reliability.hedge.search.enabled", "true", "reliability.hedge.delay", "70ms"));
    try (Policy policy = Policy.builder("search").configSource(source).build()) {
      Hedging hedging = policy.hedging().orElseThrow();
      assertThat(hedging.config().delay()).isEqualTo(Duration.ofMillis(70));
      assertThat(hedging.delayNanos()).isEqualTo(Duration.ofMillis(70).toNanos());
    }
  }
}
