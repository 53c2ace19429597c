package dev.reliability.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void fixedWaitsTheSameEveryTime() {
    Backoff b = Backoff.fixed(Duration.ofMillis(250));
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(250));
    assertThat(b.delay(50)).isEqualTo(Duration.ofMillis(250));
    assertThat(b.kind()).isEqualTo(Backoff.Kind.FIXED);
    assertThat(b).hasToString("Backoff[fixed 250ms]");
  }

  @Test
  void linearGrowsByItsIncrementUpToTheCap() {
    Backoff b =
        Backoff.linear(Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(300));
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(150));
    assertThat(b.delay(5)).isEqualTo(Duration.ofMillis(300));
    assertThat(b.delay(6)).isEqualTo(Duration.ofMillis(300));
    assertThat(Backoff.linear(Duration.ofSeconds(1), Duration.ofSeconds(10)).delay(3))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(b).hasToString("Backoff[linear 100ms +50ms max 300ms]");
  }

  @Test
  void exponentialMultipliesUpToTheCapAndNeverOverflows() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), 3.0, Duration.ofSeconds(5));
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(300));
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(900));
    assertThat(b.delay(5)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delay(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.multiplier()).isEqualTo(3.0);
  }

  @Test
  void ofBuildsEachKindAsConfigurationDoes() {
    assertThat(Backoff.of(Backoff.Kind.FIXED, Duration.ofSeconds(1), 5.0, Duration.ofSeconds(9)))
        .isEqualTo(Backoff.fixed(Duration.ofSeconds(1)));
    assertThat(Backoff.of(Backoff.Kind.LINEAR, Duration.ofSeconds(1), 5.0, Duration.ofSeconds(9)))
        .isEqualTo(Backoff.linear(Duration.ofSeconds(1), Duration.ofSeconds(9)));
    assertThat(
            Backoff.of(Backoff.Kind.EXPONENTIAL, Duration.ofSeconds(1), 5.0, Duration.ofSeconds(9)))
        .isEqualTo(Backoff.exponential(Duration.ofSeconds(1), 5.0, Duration.ofSeconds(9)))
        .hasSameHashCodeAs(Backoff.exponential(Duration.ofSeconds(1), 5.0, Duration.ofSeconds(9)));
  }

  @Test
  void rejectsInvalidArgumentsWithTheStandardMessage() {
    assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-5)))
        .hasMessage("initial-delay must be a duration between 0s and 1d, was -5ms");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2)))
        .hasMessage("multiplier must be a number between 1.0 and 100.0, was 0.5");
    assertThatThrownBy(() -> Backoff.linear(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("max-delay must be at least the initial delay (2s), was 1s");
    assertThatThrownBy(() -> Backoff.fixed(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("initial-delay must not be null");
  }
}
