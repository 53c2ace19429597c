package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hysteresis: N failures to go down, M successes to recover, or a minimum time in error. */
class FlapDampingTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RecordingListener listener = new RecordingListener();
  private final Deque<HealthCheckResult> script = new ArrayDeque<>();
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(time)
          .configSource(ConfigSource.empty())
          .listener(listener)
          .build();

  @BeforeEach
  void start() {
    registry.lifecycle().markStartupComplete();
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private void register(HealthCheckConfig.Builder config) {
    registry.register("flappy", script::removeFirst, config.cacheTtl(Duration.ZERO).build());
  }

  private HealthCheckResult probe() {
    return registry.readiness().check("flappy").orElseThrow().result();
  }

  private List<String> statuses(HealthCheckResult... results) {
    List<String> seen = new ArrayList<>();
    for (HealthCheckResult r : results) {
      script.add(r);
      seen.add(probe().status().label());
      time.advance(Duration.ofSeconds(1));
    }
    return seen;
  }

  private static final HealthCheckResult UP = HealthCheckResult.healthy();
  private static final HealthCheckResult DOWN = HealthCheckResult.unhealthy("down");

  @Test
  void needsConsecutiveFailuresToGoDownAndSuccessesToRecover() {
    register(HealthCheckConfig.builder().failureThreshold(3).successThreshold(2));

    assertThat(statuses(UP, DOWN, DOWN, DOWN, UP, UP))
        .containsExactly("healthy", "healthy", "healthy", "unhealthy", "unhealthy", "healthy");
    assertThat(listener.probeChanges())
        .containsExactly(
            "group readiness unknown->healthy",
            "group startup unknown->healthy",
            "flappy unknown->healthy",
            "flappy healthy->unhealthy",
            "group readiness healthy->unhealthy",
            "flappy unhealthy->healthy",
            "group readiness unhealthy->healthy");
  }

  @Test
  void heldResultShowsTheRawStatus() {
    register(HealthCheckConfig.builder().failureThreshold(3).successThreshold(2));
    statuses(UP);
    script.add(DOWN);

    HealthCheckResult held = probe();

    assertThat(held.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(held.message()).isEqualTo("failing run 1 of 3 tolerated; last run: down");
    assertThat(held.details())
        .containsEntry("raw_status", "unhealthy")
        .containsEntry("flap_damping", "failing run 1 of 3 tolerated");

    script.add(DOWN);
    script.add(DOWN);
    probe();
    time.advance(Duration.ofSeconds(1));
    probe();
    time.advance(Duration.ofSeconds(1));
    script.add(UP);
    assertThat(probe().message()).isEqualTo("recovering: healthy run 1 of 2 needed");
  }

  @Test
  void alternatingResultsNeverFlap() {
    register(HealthCheckConfig.builder().failureThreshold(2));

    assertThat(statuses(UP, DOWN, UP, DOWN, UP, DOWN, UP)).containsOnly("healthy");
    assertThat(listener.probeChanges())
        .containsExactly(
            "group readiness unknown->healthy",
            "group startup unknown->healthy",
            "flappy unknown->healthy");
  }

  @Test
  void minimumTimeInErrorHoldsTheFailureBack() {
    register(HealthCheckConfig.builder().minTimeInError(Duration.ofSeconds(30)));
    statuses(UP);

    script.add(DOWN);
    assertThat(probe().status()).isEqualTo(HealthStatus.HEALTHY);
    time.advance(Duration.ofMillis(29_999));
    script.add(DOWN);
    HealthCheckResult held = probe();
    assertThat(held.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(held.message())
        .isEqualTo("failing run 2 of 1 tolerated (failing for 29999ms of 30s); last run: down");
    time.advance(Duration.ofMillis(1));
    script.add(DOWN);
    assertThat(probe().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void successResetsTheTimeInError() {
    register(HealthCheckConfig.builder().minTimeInError(Duration.ofSeconds(30)));

    List<String> seen = new ArrayList<>();
    script.add(UP);
    seen.add(probe().status().label());
    for (int i = 0; i < 4; i++) {
      time.advance(Duration.ofSeconds(20));
      script.add(DOWN);
      seen.add(probe().status().label());
      time.advance(Duration.ofSeconds(1));
      script.add(UP);
      seen.add(probe().status().label());
    }

    assertThat(seen).containsOnly("healthy");
  }

  @Test
  void withoutDampingEveryChangeIsReported() {
    register(HealthCheckConfig.builder());

    assertThat(statuses(UP, DOWN, UP)).containsExactly("healthy", "unhealthy", "healthy");
  }
}
