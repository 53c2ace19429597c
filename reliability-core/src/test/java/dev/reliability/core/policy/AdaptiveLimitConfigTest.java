package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptiveLimitConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    AdaptiveLimitConfig c = AdaptiveLimitConfig.ofDefaults();
    assertThat(c.algorithm()).isEqualTo(Algorithm.GRADIENT);
    assertThat(c.initialLimit()).isEqualTo(20);
    assertThat(c.minLimit()).isEqualTo(4);
    assertThat(c.maxLimit()).isEqualTo(200);
    assertThat(c.tolerance()).isEqualTo(1.25);
    assertThat(c.backoffRatio()).isEqualTo(0.9);
    assertThat(c.latencyThreshold()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.partitions()).isEmpty();
    assertThat(c).isEqualTo(AdaptiveLimitConfig.builder().build());
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheSettingAndTheRule() {
    AdaptiveLimitConfig.Builder b = AdaptiveLimitConfig.builder();
    assertThatThrownBy(() -> b.minLimit(0))
        .hasMessage("min-limit must be a whole number between 1 and 50000, was 0");
    assertThatThrownBy(() -> b.maxLimit(50_001))
        .hasMessage("max-limit must be a whole number between 1 and 50000, was 50001");
    assertThatThrownBy(() -> b.tolerance(1.0))
        .hasMessage("tolerance must be a number between 1.05 and 10.0, was 1.0");
    assertThatThrownBy(() -> b.backoffRatio(1.0))
        .hasMessage("backoff-ratio must be a number between 0.5 and 0.99, was 1.0");
    assertThatThrownBy(() -> b.probeInterval(Duration.ofMillis(10)))
        .hasMessage("probe-interval must be a duration between 100ms and 1d, was 10ms");
    assertThatThrownBy(() -> b.latencyThreshold(Duration.ZERO))
        .hasMessage("latency-threshold must be a duration between 1ms and 1h, was 0s");
    assertThatThrownBy(() -> b.algorithm(null)).hasMessage("algorithm must not be null");
  }

  @Test
  void theInitialLimitMustLieBetweenTheMinimumAndTheMaximum() {
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().minLimit(30).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initial-limit must be between min-limit (30) and max-limit (200), was 20");
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().minLimit(10).maxLimit(5).build())
        .hasMessage("min-limit must be at most max-limit (5), was 10");
  }

  @Test
  void partitionsAreRefusedWhenInvalidTooManyOrAboveTheWholeLimit() {
    AdaptiveLimitConfig.Builder b = AdaptiveLimitConfig.builder().partition("health", 0.5);
    assertThatThrownBy(() -> b.partition("batch", 0.6))
        .hasMessage(
            "partitions must be comma-separated name=share pairs, at most 3, each share above 0"
                + " and the shares summing to at most 1, was {health=0.5, batch=0.6}");
    assertThatThrownBy(() -> b.partition("default", 0.1))
        .hasMessage(
            "partition name must be letters, digits, '_', '.' or '-', at most 64 characters, not"
                + " \"default\", was \"default\"");
    assertThatThrownBy(() -> b.partition("x", 0.0))
        .hasMessage("partition share must be above 0 and at most 1, was 0.0");
    b.partition("a", 0.1).partition("b", 0.1);
    assertThatThrownBy(() -> b.partition("c", 0.1)).hasMessageStartingWith("partitions must be");
    assertThat(b.build().partitions()).containsOnlyKeys("health", "a", "b");
  }

  @Test
  void settingsComeFromTheSourceOverTheCode() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.adaptive-limit.algorithm", "aimd",
                "reliability.adaptive-limit.max-limit", "50",
                "reliability.adaptive-limit.tolerance", "1.5",
                "reliability.adaptive-limit.partitions", "health=0.1, priority=0.25"));

    AdaptiveLimitConfig c =
        AdaptiveLimitConfig.builder().maxLimit(100).build().withOverrides(source);

    assertThat(c.algorithm()).isEqualTo(Algorithm.AIMD);
    assertThat(c.maxLimit()).isEqualTo(50);
    assertThat(c.tolerance()).isEqualTo(1.5);
    assertThat(c.partitions())
        .containsExactly(Map.entry("health", 0.1), Map.entry("priority", 0.25));
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void aSourceThatContradictsItselfFailsWithAConfigurationException() {
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.adaptive-limit.max-limit", "10"));

    assertThatThrownBy(() -> AdaptiveLimitConfig.ofDefaults().withOverrides(source))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Invalid configuration of adaptive limit: initial-limit must be between min-limit (4)"
                + " and max-limit (10), was 20");
  }

  @Test
  void aHugePartitionsValueIsRefusedQuicklyWithoutEchoingItWhole() {
    String huge = "a=0.1," + "b".repeat(64 * 1024) + "=0.1";
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.adaptive-limit.partitions", huge));

    long start = System.nanoTime();
    assertThatThrownBy(() -> AdaptiveLimitConfig.ofDefaults().withOverrides(source))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("partitions")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(2_048));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aHugePartitionNameIsRefusedQuicklyWithoutEchoingItWhole() {
    String huge = "a".repeat(64 * 1024);

    long start = System.nanoTime();
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().partition(huge, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(2_048));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }
}
