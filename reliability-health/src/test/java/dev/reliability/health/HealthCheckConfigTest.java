package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckConfigTest {

  @Test
  void defaultsComeFromTheSettings() {
    HealthCheckConfig c = HealthCheckConfig.ofDefaults();

    assertThat(c.groups()).containsExactly(HealthGroups.READINESS);
    assertThat(c.critical()).isTrue();
    assertThat(c.kind()).isEmpty();
    assertThat(c.allowOnLiveness()).isFalse();
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.background()).isFalse();
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.jitter()).isEqualTo(0.1);
    assertThat(c.unknownAfter()).isEqualTo(Duration.ofSeconds(125));
    assertThat(c.unhealthyAfter()).isEqualTo(Duration.ofSeconds(245));
    assertThat(c.failureThreshold()).isEqualTo(1);
    assertThat(c.successThreshold()).isEqualTo(1);
    assertThat(c.minTimeInError()).isZero();
  }

  @Test
  void derivedBuilderKeepsValues() {
    HealthCheckConfig base =
        HealthCheckConfig.builder()
            .groups(HealthGroups.LIVENESS, "payments")
            .critical(false)
            .timeout(Duration.ofSeconds(2))
            .build();

    HealthCheckConfig derived = base.toBuilder().cacheTtl(Duration.ZERO).build();

    assertThat(derived.groups()).containsExactly(HealthGroups.LIVENESS, "payments");
    assertThat(derived.critical()).isFalse();
    assertThat(derived.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(derived.cacheTtl()).isZero();
    assertThat(base.toBuilder().build()).isEqualTo(base).hasSameHashCodeAs(base);
  }

  @Test
  void rejectsBadValuesWithSettingNames() {
    assertThatThrownBy(() -> HealthCheckConfig.builder().timeout(Duration.ZERO))
        .hasMessage("check-timeout must be a duration between 1ms and 1h, was 0s");
    assertThatThrownBy(() -> HealthCheckConfig.builder().cacheTtl(Duration.ofSeconds(-1)))
        .hasMessage("cache-ttl must be a duration between 0s and 1h, was -1s");
    assertThatThrownBy(() -> HealthCheckConfig.builder().jitter(0.8))
        .hasMessage("jitter must be a percentage between 0.0 and 0.5, was 0.8");
    assertThatThrownBy(() -> HealthCheckConfig.builder().failureThreshold(0))
        .hasMessage("failure-threshold must be a whole number between 1 and 1000, was 0");
    assertThatThrownBy(() -> HealthCheckConfig.builder().groups())
        .hasMessage("groups must be at least one group, was none");
    assertThatThrownBy(() -> HealthCheckConfig.builder().groups("Ready"))
        .hasMessage(
            "group must be lower-case letters, digits, '-' and '_' (at most 63), was \"Ready\"");
    assertThatThrownBy(() -> HealthCheckConfig.builder().groups("live"))
        .hasMessage(
            "group must be none of all, detailed, live, ready (they are endpoint paths), was"
                + " \"live\"");
    assertThatThrownBy(
            () ->
                HealthCheckConfig.builder()
                    .unknownAfter(Duration.ofMinutes(2))
                    .unhealthyAfter(Duration.ofMinutes(1))
                    .build())
        .hasMessage("unhealthy-after must be at least unknown-after (2m), was 1m");
  }

  @Test
  void toStringShowsWhatMatters() {
    assertThat(
            HealthCheckConfig.builder()
                .background(true)
                .jitter(0.0)
                .failureThreshold(3)
                .build()
                .toString())
        .isEqualTo(
            "HealthCheckConfig[groups=[readiness], critical=true, timeout=5s, cache-ttl=1s,"
                + " background every 1m ±0.0, damping 3/1/0s]");
  }
}
