package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.Backoff;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.PolicyConfig;
import dev.reliability.core.policy.RetryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

  private static PolicyConfig breaker(double rate, Duration wait) {
    return PolicyConfig.builder()
        .circuitBreaker(
            CircuitBreakerConfig.builder().failureRateThreshold(rate).waitInOpen(wait).build())
        .build();
  }

  @Test
  void namesEachChangedSettingWithItsOldAndNewValue() {
    assertThat(
            ConfigChanges.between(
                breaker(0.5, Duration.ofSeconds(60)), breaker(0.2, Duration.ofSeconds(30))))
        .containsExactly(
            "circuitbreaker.failureRateThreshold=50% -> 20%",
            "circuitbreaker.waitInOpen=1m -> 30s");
  }

  @Test
  void aComponentAddedOrRemovedIsOneEntryAndNestedValuesStayWhole() {
    PolicyConfig before = breaker(0.5, Duration.ofSeconds(60));
    PolicyConfig after =
        PolicyConfig.builder()
            .retry(RetryConfig.builder().backoff(Backoff.fixed(Duration.ofMillis(100))).build())
            .build();

    assertThat(ConfigChanges.between(before, after))
        .containsExactly("circuitbreaker removed", "retry added");
    assertThat(ConfigChanges.between(after, after)).isEmpty();
    assertThat(ConfigChanges.settings("X[a=1, b=Inner[c=2, d=3], e=4]"))
        .containsExactly(
            java.util.Map.entry("a", "1"),
            java.util.Map.entry("b", "Inner[c=2, d=3]"),
            java.util.Map.entry("e", "4"));
  }
}
