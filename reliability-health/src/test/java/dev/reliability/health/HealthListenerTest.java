package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthListenerTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RecordingListener recorder = new RecordingListener();
  private final HealthListener throwing =
      new HealthListener() {
        @Override
        public void onCheckCompleted(String check, HealthCheckResult result) {
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void onStatusChanged(HealthStatusChange change) {
          throw new IllegalStateException("listener bug");
        }
      };
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(time)
          .configSource(ConfigSource.empty())
          .listener(throwing)
          .listener(recorder)
          .build();

  @AfterEach
  void tearDown() {
    registry.close();
  }

  @Test
  void throwingListenerStopsNeitherTheOthersNorTheProbe() {
    registry.lifecycle().markStartupComplete();
    registry.register("db", () -> HealthCheckResult.unhealthy("down"));

    HealthReport report = registry.readiness();

    assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(recorder.runs).containsExactly("db unhealthy");
    assertThat(recorder.probeChanges()).contains("db unknown->unhealthy");
  }

  @Test
  void changeCarriesTheSanitisedResult() {
    registry.lifecycle().markStartupComplete();
    registry.register(
        "db",
        () ->
            HealthCheckResult.builder(HealthStatus.DEGRADED)
                .message("slow")
                .detail("password", "hunter2")
                .build());

    registry.readiness();

    HealthStatusChange change =
        recorder.events.stream().filter(e -> e.subject().equals("db")).findFirst().orElseThrow();
    assertThat(change.type()).isEqualTo(HealthStatusChange.SubjectType.CHECK);
    assertThat(change.previous()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(change.current()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(change.message()).isEqualTo("slow");
    assertThat(change.details()).containsEntry("password", "****");
    assertThat(change.time()).isEqualTo(ManualTimeSource.DEFAULT_START);
    HealthStatusChange group =
        recorder.events.stream()
            .filter(e -> e.subject().equals("readiness") && e.current() == HealthStatus.DEGRADED)
            .findFirst()
            .orElseThrow();
    assertThat(group.message()).isEqualTo("db degraded");
  }

  @Test
  void listenersCanBeAddedAndRemoved() {
    registry.lifecycle().markStartupComplete();
    RecordingListener late = new RecordingListener();
    registry.addListener(late);
    registry.register("db", HealthCheckResult::healthy);
    registry.readiness();
    assertThat(registry.removeListener(late)).isTrue();
    time.advance(Duration.ofSeconds(2));
    registry.readiness();

    assertThat(late.runs).containsExactly("db healthy");
    assertThat(registry.removeListener(late)).isFalse();
  }

  @Test
  void noneListenerDoesNothing() {
    HealthListener.NONE.onCheckCompleted("x", HealthCheckResult.healthy());
    HealthListener.NONE.onCheckTimedOut("x", Duration.ZERO);
    HealthListener.NONE.onRunSkipped("x", Duration.ZERO);
    assertThat(HealthListener.NONE).isNotNull();
  }
}
