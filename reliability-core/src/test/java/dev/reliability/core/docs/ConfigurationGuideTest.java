package dev.reliability.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigBinder;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.core.config.Setting;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The code shown in docs/configuration.md and the README; the docs check asserts the text matches.
 */
class ConfigurationGuideTest {

  // docs/configuration.md: declaring settings
  static final Setting<Integer> FAILURE_THRESHOLD =
      Setting.intSetting("failure-threshold")
          .defaultValue(5)
          .between(1, 10_000)
          .description("Failures that open the breaker")
          .build();

  static final Setting<Duration> WAIT_IN_OPEN =
      Setting.durationSetting("wait-in-open", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofMillis(1), Duration.ofHours(1))
          .description("How long the breaker stays open before trial calls")
          .build();

  static final List<Setting<?>> SETTINGS = List.of(FAILURE_THRESHOLD, WAIT_IN_OPEN);

  record BreakerSettings(int failureThreshold, Duration waitInOpen) {}

  // docs/configuration.md: binding at start-up
  static BreakerSettings bind(ConfigSource source, String name, Integer thresholdFromCode) {
    ConfigBinder config = ConfigBinder.of(source, "reliability.circuitbreaker").instance(name);
    int threshold = config.get(FAILURE_THRESHOLD, thresholdFromCode);
    Duration wait = config.get(WAIT_IN_OPEN);
    config.throwIfInvalid(); // one exception listing every bad setting
    return new BreakerSettings(threshold, wait);
  }

  @Test
  void readme() {
    // Settings from code, system properties or environment variables, validated at start-up.
    ConfigBinder config =
        ConfigBinder.of(ConfigSource.standard(), "reliability.circuitbreaker").instance("payments");
    int threshold =
        config.get(FAILURE_THRESHOLD); // RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD
    config.throwIfInvalid(); // one exception listing every bad setting and where it came from
    assertThat(threshold).isBetween(1, 10_000);
  }

  @Test
  void precedence() {
    ConfigSource env =
        ConfigSource.environment(Map.of("RELIABILITY_CIRCUITBREAKER_PAYMENTS_WAIT_IN_OPEN", "30"));

    assertThat(bind(env, "payments", 3)).isEqualTo(new BreakerSettings(3, Duration.ofSeconds(30)));
    assertThat(bind(ConfigSource.empty(), "payments", null))
        .isEqualTo(new BreakerSettings(5, Duration.ofSeconds(60)));
  }

  @Test
  void seedNames() {
    // Accept the older seed-style names while services migrate.
    ConfigSource source =
        ConfigSource.standard()
            .withAliases(
                Map.of(
                    "reliability.circuitbreaker.failure-threshold", "CB_FAILURE_THRESHOLD",
                    "reliability.circuitbreaker.wait-in-open", "CB_RECOVERY_TIMEOUT"));
    assertThat(bind(source, "payments", null).failureThreshold()).isBetween(1, 10_000);
  }

  @Test
  void failure() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "0",
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_WAIT_IN_OPEN", "soon"));

    assertThatThrownBy(() -> bind(env, "payments", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("(2 problems)");
  }

  @Test
  void oneVerbForEachThing() {
    // docs/configuration.md: one verb for each thing
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.retry.payments.max-retries", "7",
                "reliability.leak.min-span", "45s"));
    RetryConfig base = RetryConfig.builder().maxRetries(2).build();
    RetryConfig derived = base.toBuilder().maxRetries(5).build();
    PolicyConfig payments =
        PolicyConfig.builder().retry(derived).build().withOverrides(source, "payments");
    LeakDetectorConfig leaks = LeakDetectorConfig.ofDefaults().withOverrides(source);

    assertThat(base.maxRetries()).isEqualTo(2);
    assertThat(derived.maxRetries()).isEqualTo(5);
    assertThat(payments.retry().orElseThrow().maxRetries()).isEqualTo(7);
    assertThat(leaks.minSpan()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void settersCheckThroughTheSetting() {
    assertThatThrownBy(() -> RetryConfig.builder().maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-retries must be a whole number between 0 and 1000, was -1");
  }
}
