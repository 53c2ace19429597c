package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.ChaosConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The chaos strategies' injections as meters. */
class PolicyChaosMetricsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private double injections(String kind) {
    return meters
        .get(PolicyMetrics.CHAOS_INJECTIONS)
        .tag("name", "quotes")
        .tag("kind", kind)
        .functionCounter()
        .count();
  }

  @Test
  void everyInjectedFaultDelayAndResultIsCountedByKind() {
    try (Policy policy =
        Policy.builder("quotes")
            .scheduler(ManualScheduler.create())
            .chaos(
                ChaosConfig.builder()
                    .enabled(true)
                    .latency(Duration.ofMillis(100), 1.0)
                    .faultRate(1.0)
                    .build())
            .build()) {
      PolicyMetrics.of(policy).bindTo(meters);
      assertThat(injections("fault")).isZero();

      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> policy.execute(() -> "real"))
            .isInstanceOf(ServiceUnavailableException.class);
      }
      policy.chaos().orElseThrow().faultRate(0);

      assertThat(policy.execute(() -> "real")).isEqualTo("real");
      assertThat(injections("fault")).isEqualTo(2);
      assertThat(injections("latency")).isEqualTo(3);
      assertThat(injections("result")).isZero();
    }
  }

  @Test
  void aPolicyWithoutChaosHasNoChaosMeters() {
    try (Policy policy = Policy.builder("plain").build()) {
      PolicyMetrics.of(policy).bindTo(meters);

      assertThat(meters.find(PolicyMetrics.CHAOS_INJECTIONS).meters()).isEmpty();
    }
  }
}
