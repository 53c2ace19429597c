package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  @Test
  void environmentNamesAreUpperCaseWithUnderscores() {
    assertThat(
            ConfigSource.environmentVariableName(
                "reliability.circuitbreaker.payments-api.failure-threshold"))
        .isEqualTo("RELIABILITY_CIRCUITBREAKER_PAYMENTS_API_FAILURE_THRESHOLD");
    assertThat(ConfigSource.environmentVariableName("CB_FAILURE_THRESHOLD"))
        .isEqualTo("CB_FAILURE_THRESHOLD");
  }

  @Test
  void systemPropertiesUseTheCanonicalKey() {
    String key = "reliability.test.config-source." + System.nanoTime();
    System.setProperty(key, "42");
    try {
      assertThat(ConfigSource.systemProperties().get(key))
          .contains(new ConfigValue(key, "42", "system property " + key));
      assertThat(ConfigSource.standard().get(key)).map(ConfigValue::text).contains("42");
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void aliasesAnswerOnlyWhenTheKeyIsMissing() {
    ConfigSource env =
        ConfigSource.environment(
                Map.of(
                    "CB_FAILURE_THRESHOLD",
                    "8",
                    "CB_RECOVERY_TIMEOUT",
                    "30",
                    "RELIABILITY_CIRCUITBREAKER_WAIT_IN_OPEN",
                    "10s"))
            .withAliases(
                Map.of(
                    "reliability.circuitbreaker.failure-threshold", "CB_FAILURE_THRESHOLD",
                    "reliability.circuitbreaker.wait-in-open", "CB_RECOVERY_TIMEOUT"));

    assertThat(env.get("reliability.circuitbreaker.failure-threshold"))
        .contains(
            new ConfigValue(
                "reliability.circuitbreaker.failure-threshold",
                "8",
                "environment variable CB_FAILURE_THRESHOLD (alias of reliability.circuitbreaker.failure-threshold)"));
    assertThat(env.get("reliability.circuitbreaker.wait-in-open"))
        .map(ConfigValue::text)
        .contains("10s");
    assertThat(env.get("reliability.circuitbreaker.other")).isEmpty();
  }

  @Test
  void chainAsksInOrder() {
    ConfigSource chain =
        ConfigSource.chain(
            ConfigSource.fromMap("first", Map.of("a", "1")),
            ConfigSource.fromMap("second", Map.of("a", "2", "b", "3")));

    assertThat(chain.get("a")).map(ConfigValue::origin).contains("first key a");
    assertThat(chain.get("b")).map(ConfigValue::text).contains("3");
    assertThat(chain.get("c")).isEmpty();
  }
}
