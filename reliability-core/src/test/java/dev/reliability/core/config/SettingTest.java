package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class SettingTest {

  enum Jitter {
    FULL,
    EQUAL,
    DECORRELATED_JITTER
  }

  @Test
  void rangeRuleReadsLikeASentence() {
    Setting<Integer> threshold =
        Setting.intSetting("failure-threshold").defaultValue(5).between(1, 10_000).build();

    assertThat(threshold.rule()).isEqualTo("a whole number between 1 and 10000");
    assertThat(threshold.parse(" 7 ")).isEqualTo(7);
    assertThatThrownBy(() -> threshold.parse("0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a whole number between 1 and 10000");
    assertThatThrownBy(() -> threshold.parse("many"))
        .hasMessage("a whole number between 1 and 10000");
    assertThat(threshold.defaultValue()).contains(5);
    assertThat(threshold).hasToString("Setting[failure-threshold: integer = 5]");
  }

  @Test
  void durationRangesAreShownInSettingUnits() {
    Setting<Duration> wait =
        Setting.durationSetting("wait-in-open", ChronoUnit.SECONDS)
            .defaultValue(Duration.ofSeconds(60))
            .between(Duration.ofMillis(1), Duration.ofHours(1))
            .build();

    assertThat(wait.rule()).isEqualTo("a duration between 1ms and 1h");
    assertThat(wait.parse("60")).isEqualTo(Duration.ofSeconds(60));
    assertThatThrownBy(() -> wait.parse("2h")).hasMessage("a duration between 1ms and 1h");
  }

  @Test
  void enumSettingsMatchWithoutCaseAndWithDashes() {
    Setting<Jitter> jitter =
        Setting.enumSetting("jitter", Jitter.class).defaultValue(Jitter.FULL).build();

    assertThat(jitter.parse("equal")).isEqualTo(Jitter.EQUAL);
    assertThat(jitter.parse("Decorrelated-Jitter")).isEqualTo(Jitter.DECORRELATED_JITTER);
    assertThatThrownBy(() -> jitter.parse("half"))
        .hasMessage("one of full, equal, decorrelated-jitter");
    assertThat(jitter.rule()).isEqualTo("one of full, equal, decorrelated-jitter");
  }

  @Test
  void customRules() {
    Setting<Integer> odd =
        Setting.intSetting("stripes")
            .rule(v -> v % 2 == 1, "an odd number")
            .defaultValue(3)
            .build();

    assertThat(odd.accepts(5)).isTrue();
    assertThatThrownBy(() -> odd.parse("4")).hasMessage("an odd number");
  }

  @Test
  void atLeast() {
    Setting<Long> size =
        Setting.sizeSetting("max-queued-bytes").atLeast(1L).defaultValue(1024L).build();

    assertThat(size.rule()).isEqualTo("a size of at least 1");
    assertThat(size.parse("1KB")).isEqualTo(1024L);
    assertThatThrownBy(() -> size.parse("0")).hasMessage("a size of at least 1");
  }

  @Test
  void aDefaultThatBreaksTheRuleFailsAtDefinition() {
    assertThatThrownBy(
            () -> Setting.intSetting("failure-threshold").defaultValue(0).between(1, 10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("default of failure-threshold must be a whole number between 1 and 10, was 0");
  }

  @Test
  void namesAreLowerCaseWords() {
    assertThatThrownBy(() -> Setting.intSetting("FailureThreshold"))
        .hasMessage(
            "setting name must be lower-case words joined by '-' or '.', was \"FailureThreshold\"");
    assertThatThrownBy(() -> Setting.intSetting("a").between(5, 1))
        .hasMessage("min must be at most max (1), was 5");
    assertThat(Setting.stringSetting("half-open.max-calls").build().name())
        .isEqualTo("half-open.max-calls");
  }

  @Test
  void percentageRule() {
    Setting<Double> rate =
        Setting.percentageSetting("failure-rate").defaultValue(0.5).between(0.01, 1.0).build();

    assertThat(rate.parse("50%")).isEqualTo(0.5);
    assertThat(rate.rule()).isEqualTo("a percentage between 0.01 and 1.0");
  }

  @Test
  void checkRefusesAValueWithTheKeyRuleAndValueOfTheSourcePath() {
    Setting<Integer> retries =
        Setting.intSetting("max-retries").defaultValue(3).between(0, 1_000).build();

    assertThat(retries.check(2)).isEqualTo(2);
    assertThatThrownBy(() -> retries.check(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-retries must be a whole number between 0 and 1000, was -1");
    assertThatThrownBy(() -> retries.check(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("max-retries must not be null");
    ConfigBinder binder =
        ConfigBinder.of(ConfigSource.fromMap("test", java.util.Map.of("x.max-retries", "-1")), "x");
    binder.get(retries);
    assertThat(binder.problems().get(0).describe())
        .startsWith("x.max-retries must be a whole number between 0 and 1000, was \"-1\"");
  }

  @Test
  void checkRefusesInCodeWhatNoTextCouldGive() {
    Setting<Duration> any = Setting.durationSetting("delay").build();
    Setting<Long> size = Setting.sizeSetting("max-size").build();
    Setting<Double> factor = Setting.doubleSetting("factor").build();
    Setting<Double> share = Setting.percentageSetting("share").build();

    assertThatThrownBy(() -> any.check(Duration.ofMillis(-5)))
        .hasMessage("delay must be " + any.rule() + ", was -5ms");
    assertThatThrownBy(() -> any.parse("-5ms")).isInstanceOf(IllegalArgumentException.class);
    assertThat(any.check(Duration.ZERO)).isZero();
    assertThatThrownBy(() -> size.check(-1L)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> factor.check(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> factor.check(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> share.check(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(share.check(1.0)).isEqualTo(1.0);
  }
}
