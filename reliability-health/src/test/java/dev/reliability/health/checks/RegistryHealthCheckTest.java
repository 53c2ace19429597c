package dev.reliability.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.health.HealthCheckConfig;
import dev.reliability.health.HealthCheckKind;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthCheckResult;
import dev.reliability.health.HealthGroups;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualTimeSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryHealthCheckTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final HealthCheckRegistry inner = registry("search");
  private final HealthCheckRegistry outer = registry("app");

  private HealthCheckRegistry registry(String name) {
    return HealthCheckRegistry.builder()
        .name(name)
        .timeSource(time)
        .configSource(ConfigSource.empty())
        .build();
  }

  @AfterEach
  void tearDown() {
    outer.close();
    inner.close();
  }

  @Test
  void reportsTheOtherRegistrysGroupAsOneCheck() {
    inner.register("index", HealthCheckResult::healthy);
    inner.register("cluster", () -> HealthCheckResult.degraded("1 of 3 nodes down"));
    inner.lifecycle().markStartupComplete();
    outer.register("search", RegistryHealthCheck.of(inner));
    outer.lifecycle().markStartupComplete();

    HealthCheckResult r = outer.readiness().check("search").orElseThrow().result();

    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.message()).isEqualTo("cluster degraded");
    assertThat(r.details())
        .containsEntry("registry", "search")
        .containsEntry("group", "readiness")
        .containsEntry("checks", Map.of("index", "healthy", "cluster", "degraded"));
  }

  @Test
  void carriesTheOtherLifecycle() {
    outer.register("search", RegistryHealthCheck.of(inner));
    outer.lifecycle().markStartupComplete();

    HealthCheckResult r = outer.readiness().check("search").orElseThrow().result();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).isEqualTo("startup not complete");
  }

  @Test
  void kindFollowsTheOtherRegistrysChecks() {
    inner.register(
        "lib-internal",
        HealthCheckResult::healthy,
        HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
    assertThat(RegistryHealthCheck.of(inner, HealthGroups.LIVENESS).kind())
        .isEqualTo(HealthCheckKind.INTERNAL);

    inner.register(
        "db",
        HealthCheckResult::healthy,
        HealthCheckConfig.builder().kind(HealthCheckKind.DATASTORE).build());
    assertThat(RegistryHealthCheck.of(inner).kind()).isEqualTo(HealthCheckKind.DEPENDENCY);
    assertThat(RegistryHealthCheck.of(inner, HealthCheckRegistry.ALL).kind())
        .isEqualTo(HealthCheckKind.DEPENDENCY);
  }
}
