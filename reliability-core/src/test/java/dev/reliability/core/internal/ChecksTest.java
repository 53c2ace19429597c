package dev.reliability.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {

  @Test
  void notNullNamesTheParameter() {
    assertThatThrownBy(() -> Checks.notNull("clock", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock must not be null");
    assertThat(Checks.notNull("clock", "x")).isEqualTo("x");
  }

  @Test
  void notBlankRejectsWhitespace() {
    assertThatThrownBy(() -> Checks.notBlank("name", "  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank, was \"  \"");
  }

  @Test
  void numericChecksUseTheProjectMessageShape() {
    assertThatThrownBy(() -> Checks.positive("failureThreshold", 0))
        .hasMessage("failureThreshold must be at least 1, was 0");
    assertThatThrownBy(() -> Checks.positive("maxEntries", -5L))
        .hasMessage("maxEntries must be at least 1, was -5");
    assertThatThrownBy(() -> Checks.notNegative("retries", -1))
        .hasMessage("retries must be zero or positive, was -1");
    assertThatThrownBy(() -> Checks.notNegative("bytes", -1L))
        .hasMessage("bytes must be zero or positive, was -1");
    assertThatThrownBy(() -> Checks.inRange("port", 70000, 0, 65535))
        .hasMessage("port must be between 0 and 65535, was 70000");
    assertThatThrownBy(() -> Checks.inRange("size", 11L, 1L, 10L))
        .hasMessage("size must be between 1 and 10, was 11");
    assertThatThrownBy(() -> Checks.inRange("ratio", Double.NaN, 0.0, 2.0))
        .hasMessage("ratio must be between 0.0 and 2.0, was NaN");
    assertThatThrownBy(() -> Checks.fraction("failureRate", 1.5))
        .hasMessage("failureRate must be a fraction between 0.0 and 1.0, was 1.5");
    assertThat(Checks.inRange("port", 8080, 0, 65535)).isEqualTo(8080);
    assertThat(Checks.fraction("failureRate", 0.5)).isEqualTo(0.5);
  }

  @Test
  void durationChecksShowTheDurationAsTyped() {
    assertThatThrownBy(() -> Checks.positive("timeout", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be longer than zero, was 0s");
    assertThatThrownBy(() -> Checks.notNegative("wait", Duration.ofMillis(-500)))
        .hasMessage("wait must be zero or longer, was -500ms");
    assertThatThrownBy(() -> Checks.positive("timeout", (Duration) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout must not be null");
  }

  @Test
  void checkCompletesTheSentence() {
    assertThatThrownBy(
            () -> Checks.check(false, "jitter", "one of full, equal, decorrelated", "\"half\""))
        .hasMessage("jitter must be one of full, equal, decorrelated, was \"half\"");
  }

  @Test
  void durationTextUsesTheLargestExactUnit() {
    assertThat(DurationText.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(DurationText.format(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(DurationText.format(Duration.ofDays(3))).isEqualTo("3d");
    assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
    assertThat(DurationText.format(Duration.ofNanos(2000))).isEqualTo("2us");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(DurationText.format(Duration.ofSeconds(-5))).isEqualTo("-5s");
  }
}
