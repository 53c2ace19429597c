package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyedPolicyConfigTest {

  @Test
  void defaultsHoldAThousandKeysForTenIdleMinutesAndTagAHundred() {
    KeyedPolicyConfig c = KeyedPolicyConfig.ofDefaults();
    assertThat(c.maxKeys()).isEqualTo(1_000);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.maxTaggedKeys()).isEqualTo(100);
    assertThat(c.maxKeyLength()).isEqualTo(128);
    assertThat(c)
        .hasToString(
            "KeyedPolicyConfig[maxKeys=1000, idleTimeout=10m, maxTaggedKeys=100, maxKeyLength=128]");
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
  }

  @Test
  void outOfRangeSettingsAreRefusedWithTheirRule() {
    assertThatThrownBy(() -> KeyedPolicyConfig.builder().maxKeys(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-keys must be a whole number between 1 and 1000000, was 0");
    assertThatThrownBy(() -> KeyedPolicyConfig.builder().idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("idle-timeout must be a duration between")
        .hasMessageEndingWith(", was 0s");
    assertThatThrownBy(() -> KeyedPolicyConfig.builder().maxTaggedKeys(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-tagged-keys must be a whole number between 0 and 10000, was -1");
    assertThatThrownBy(() -> KeyedPolicyConfig.builder().maxKeyLength(5_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-key-length must be a whole number between 1 and 4096, was 5000");
  }

  @Test
  void configurationKeysOfTheNameWinOverSharedOnes() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.keyed.max-keys", "50",
                "reliability.keyed.per-host.max-keys", "20",
                "reliability.keyed.per-host.idle-timeout", "30s",
                "reliability.keyed.max-tagged-keys", "5"));
    KeyedPolicyConfig c = KeyedPolicyConfig.ofDefaults().withOverrides(source, "per-host");
    assertThat(c.maxKeys()).isEqualTo(20);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxTaggedKeys()).isEqualTo(5);
    assertThat(c.maxKeyLength()).isEqualTo(128);
  }

  @Test
  void invalidConfigurationKeysAreEachReported() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.keyed.per-host.max-keys", "lots",
                "reliability.keyed.per-host.idle-timeout", "-1s"));
    assertThatThrownBy(() -> KeyedPolicyConfig.ofDefaults().withOverrides(source, "per-host"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.keyed.per-host.max-keys must be")
        .hasMessageContaining("reliability.keyed.per-host.idle-timeout must be");
  }

  @Test
  void aKeyedPolicyTakesItsBoundsAndTemplateFromTheConfigurationSource() {
    ConfigSource source =
        ConfigSource.fromMap(
            "test",
            Map.of(
                "reliability.keyed.per-host.max-keys", "3",
                "reliability.circuitbreaker.per-host.failure-threshold", "2"));
    try (KeyedPolicy keyed =
        KeyedPolicy.builder("per-host")
            .template(PolicyConfig.ofDefaults())
            .configSource(source)
            .build()) {
      assertThat(keyed.config().maxKeys()).isEqualTo(3);
      assertThat(keyed.template().circuitBreaker().orElseThrow().failureThreshold()).isEqualTo(2);
      assertThat(keyed.policy("a").config().circuitBreaker().orElseThrow().failureThreshold())
          .isEqualTo(2);
    }
  }

  @Test
  void aShorterMaximumKeyLengthIsEnforced() {
    KeyedPolicyConfig c = KeyedPolicyConfig.builder().maxKeyLength(3).build();
    assertThat(c.checkKey("abc")).isEqualTo("abc");
    assertThatThrownBy(() -> c.checkKey("abcd"))
        .hasMessage("key must be 1 to 3 characters without control characters, was \"abcd\"");
  }
}
