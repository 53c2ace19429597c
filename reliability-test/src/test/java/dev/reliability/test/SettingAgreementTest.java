package dev.reliability.test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.Setting;
import org.junit.jupiter.api.Test;

class SettingAgreementTest {

  private static final Setting<Integer> RETRIES =
      Setting.intSetting("max-retries").defaultValue(3).between(0, 100).build();

  @Test
  void aSetterThatChecksThroughItsSettingAgrees() {
    SettingAgreement.Case<Integer> c = new SettingAgreement.Case<>(RETRIES, RETRIES::check);

    assertThatCode(() -> SettingAgreement.agree(c, 7, "7")).doesNotThrowAnyException();
    assertThatCode(() -> SettingAgreement.agree(c, -1, "-1")).doesNotThrowAnyException();
  }

  @Test
  void aSetterThatAcceptsWhatTheSourceRefusesDisagrees() {
    SettingAgreement.Case<Integer> lenient = new SettingAgreement.Case<>(RETRIES, v -> {});

    assertThatThrownBy(() -> SettingAgreement.agree(lenient, -1, "-1"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("max-retries = -1 accepted in code (null) as from a source");
  }

  @Test
  void aRefusalWithAnotherNameDisagrees() {
    SettingAgreement.Case<Integer> camel =
        new SettingAgreement.Case<>(
            RETRIES,
            v -> {
              if (v < 0) {
                throw new IllegalArgumentException("maxRetries must be at least 0, was " + v);
              }
            });

    assertThatThrownBy(() -> SettingAgreement.agree(camel, -1, "-1"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected a refusal starting \"max-retries must be");
  }
}
