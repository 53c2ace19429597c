package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.StandardErrorCode;
import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

  static final Setting<Integer> FAILURE_THRESHOLD =
      Setting.intSetting("failure-threshold").defaultValue(5).between(1, 10_000).build();
  static final Setting<Duration> WAIT_IN_OPEN =
      Setting.durationSetting("wait-in-open", ChronoUnit.SECONDS)
          .defaultValue(Duration.ofSeconds(60))
          .between(Duration.ofMillis(1), Duration.ofHours(1))
          .build();
  static final Setting<String> API_KEY = Setting.stringSetting("api-key").build();

  @Test
  void instanceKeyWinsOverSharedKeyOverCodeOverDefault() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "7",
                "RELIABILITY_CIRCUITBREAKER_FAILURE_THRESHOLD", "9"));
    ConfigBinder base = ConfigBinder.of(env, "reliability.circuitbreaker");

    assertThat(base.instance("payments").get(FAILURE_THRESHOLD, 3)).isEqualTo(7);
    assertThat(base.instance("search").get(FAILURE_THRESHOLD, 3)).isEqualTo(9);
    ConfigBinder empty =
        ConfigBinder.of(ConfigSource.empty(), "reliability.circuitbreaker").instance("search");
    assertThat(empty.get(FAILURE_THRESHOLD, 3)).isEqualTo(3);
    assertThat(empty.get(FAILURE_THRESHOLD)).isEqualTo(5);
    assertThat(base.problems()).isEmpty();
  }

  @Test
  void systemPropertiesWinOverEnvironmentInTheStandardChain() {
    ConfigSource source =
        ConfigSource.chain(
            ConfigSource.fromMap(
                "system properties", Map.of("reliability.circuitbreaker.wait-in-open", "5s")),
            ConfigSource.environment(Map.of("RELIABILITY_CIRCUITBREAKER_WAIT_IN_OPEN", "30")));

    assertThat(ConfigBinder.of(source, "reliability.circuitbreaker").get(WAIT_IN_OPEN))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void bareNumbersUseTheSettingsUnit() {
    ConfigSource env =
        ConfigSource.environment(Map.of("RELIABILITY_CIRCUITBREAKER_WAIT_IN_OPEN", "30"));

    assertThat(ConfigBinder.of(env, "reliability.circuitbreaker").get(WAIT_IN_OPEN))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aHugeRejectedValueIsShownByItsStartAndLength() {
    String huge = "9".repeat(64 * 1024);
    ConfigSource source =
        ConfigSource.fromMap("test", Map.of("reliability.circuitbreaker.failure-threshold", huge));
    ConfigBinder binder = ConfigBinder.of(source, "reliability.circuitbreaker");

    assertThat(binder.get(FAILURE_THRESHOLD)).isEqualTo(5);
    assertThat(binder.problems())
        .singleElement()
        .extracting(ConfigProblem::value)
        .isEqualTo("9".repeat(256) + "... (65536 characters)");
    // A cut never splits a character made of two chars.
    assertThat(Checks.shortened("a" + "😀".repeat(200)))
        .startsWith("a" + "😀".repeat(127) + "...")
        .endsWith("(401 characters)");
  }

  @Test
  void collectsEveryProblemAndFailsOnceWithAll() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD", "0",
                "RELIABILITY_CIRCUITBREAKER_PAYMENTS_WAIT_IN_OPEN", "soon"));
    ConfigBinder payments = ConfigBinder.of(env, "reliability.circuitbreaker").instance("payments");

    assertThat(payments.get(FAILURE_THRESHOLD)).isEqualTo(5);
    assertThat(payments.get(WAIT_IN_OPEN)).isEqualTo(Duration.ofSeconds(60));

    assertThatThrownBy(payments::throwIfInvalid)
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(StandardErrorCode.CONFIGURATION_ERROR);
              assertThat(e.problems())
                  .containsExactly(
                      new ConfigProblem(
                          "reliability.circuitbreaker.payments.failure-threshold",
                          "0",
                          "environment variable RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD",
                          "a whole number between 1 and 10000"),
                      new ConfigProblem(
                          "reliability.circuitbreaker.payments.wait-in-open",
                          "soon",
                          "environment variable RELIABILITY_CIRCUITBREAKER_PAYMENTS_WAIT_IN_OPEN",
                          "a duration between 1ms and 1h"));
            })
        .hasMessage(
            "Invalid configuration (2 problems):"
                + System.lineSeparator()
                + "  - reliability.circuitbreaker.payments.failure-threshold must be a whole number between 1 and 10000, was \"0\" (from environment variable RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD)"
                + System.lineSeparator()
                + "  - reliability.circuitbreaker.payments.wait-in-open must be a duration between 1ms and 1h, was \"soon\" (from environment variable RELIABILITY_CIRCUITBREAKER_PAYMENTS_WAIT_IN_OPEN)");
  }

  @Test
  void instancesShareOneProblemList() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of(
                "RELIABILITY_CIRCUITBREAKER_A_FAILURE_THRESHOLD",
                "x",
                "RELIABILITY_CIRCUITBREAKER_B_FAILURE_THRESHOLD",
                "-1"));
    ConfigBinder base = ConfigBinder.of(env, "reliability.circuitbreaker");

    base.instance("a").get(FAILURE_THRESHOLD);
    base.instance("b").get(FAILURE_THRESHOLD);

    assertThat(base.problems())
        .extracting(ConfigProblem::key)
        .containsExactly(
            "reliability.circuitbreaker.a.failure-threshold",
            "reliability.circuitbreaker.b.failure-threshold");
  }

  @Test
  void aBadValueSetInCodeIsReportedWithItsOrigin() {
    ConfigBinder binder = ConfigBinder.of(ConfigSource.empty(), "reliability.circuitbreaker");

    assertThat(binder.get(FAILURE_THRESHOLD, 0)).isEqualTo(5);
    assertThat(binder.problems())
        .containsExactly(
            new ConfigProblem(
                "reliability.circuitbreaker.failure-threshold",
                "0",
                "builder",
                "a whole number between 1 and 10000"));
  }

  @Test
  void requiredSettingsMustBeSet() {
    ConfigBinder binder = ConfigBinder.of(ConfigSource.empty(), "reliability.export.datadog");

    assertThat(binder.get(API_KEY)).isNull();
    assertThatThrownBy(binder::throwIfInvalid)
        .hasMessageContaining(
            "reliability.export.datadog.api-key is required and must be a string, was not set");
  }

  @Test
  void secretValuesAreMaskedInProblems() {
    Setting<Integer> apiKeyNumber = Setting.intSetting("api-key").build();
    ConfigSource env =
        ConfigSource.environment(Map.of("RELIABILITY_EXPORT_API_KEY", "sk-live-abc123"));
    ConfigBinder binder = ConfigBinder.of(env, "reliability.export");

    binder.get(apiKeyNumber);

    assertThatThrownBy(binder::throwIfInvalid)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("was \"****\"")
        .hasMessageNotContaining("sk-live-abc123");
  }

  @Test
  void findIgnoresDefaults() {
    ConfigBinder binder = ConfigBinder.of(ConfigSource.empty(), "reliability.circuitbreaker");

    assertThat(binder.find(FAILURE_THRESHOLD)).isEmpty();
    assertThat(binder.key(FAILURE_THRESHOLD))
        .isEqualTo("reliability.circuitbreaker.failure-threshold");
    assertThat(binder.instance("x").key(FAILURE_THRESHOLD))
        .isEqualTo("reliability.circuitbreaker.x.failure-threshold");
  }

  @Test
  void rejectsBadPrefixesAndInstanceNames() {
    assertThatThrownBy(() -> ConfigBinder.of(ConfigSource.empty(), "Reliability"))
        .hasMessage("prefix must be lower-case words joined by '.', was \"Reliability\"");
    assertThatThrownBy(() -> ConfigBinder.of(ConfigSource.empty(), "reliability").instance("a.b"))
        .hasMessage("instance name must be letters, digits, '-' and '_', was \"a.b\"");
  }
}
