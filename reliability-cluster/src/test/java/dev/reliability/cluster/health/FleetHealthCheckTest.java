package dev.reliability.cluster.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetRateLimitConfig;
import dev.reliability.cluster.FleetRateLimiter;
import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetHealthCheckTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine engine =
      FleetEngines.builder(backend).name("orders").scheduler(scheduler).build();
  private final FleetHealthCheck check = FleetHealthCheck.of(engine);

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void healthyWhileSharedDegradedNotDownWhileTheEngineFailsAndHealthyAgainAfter() {
    FleetRateLimiter limiter = engine.rateLimiter(FleetRateLimitConfig.builder("partner").build());
    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);

    backend.fault(Fault.FAIL);
    limiter.acquire(0);
    HealthCheckResult degraded = check.check();

    assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(degraded.details())
        .containsEntry("engine", "orders")
        .containsEntry("backend", "memory")
        .containsEntry("status", "degraded")
        .containsEntry("since", "2000-01-01T00:00:00Z")
        .containsEntry("lastFailure", "IllegalStateException: engine down (injected)");

    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));
    HealthCheckResult healthy = check.check();
    assertThat(healthy.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(healthy.details()).containsEntry("since", "2000-01-01T00:00:01Z");
  }

  @Test
  void aLiveDependencyCheckThatNeverCallsTheEngine() {
    backend.fault(Fault.HANG);

    assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(check.live()).isTrue();
    assertThat(check.kind()).isEqualTo(HealthCheckKind.DEPENDENCY);
    assertThat(backend.operations()).isZero();
  }
}
