package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckRegistryTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private HealthCheckRegistry registry = newRegistry(ConfigSource.empty());

  private HealthCheckRegistry newRegistry(ConfigSource source) {
    return HealthCheckRegistry.builder().timeSource(time).configSource(source).build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void emptyGroupsAreHealthyOnceStarted() {
    registry.lifecycle().markStartupComplete();

    assertThat(registry.liveness().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.startup().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.readiness().checks()).isEmpty();
  }

  @Test
  void worstCriticalStatusWins() {
    registry.lifecycle().markStartupComplete();
    registry.register("a", HealthCheckResult::healthy);
    registry.register("b", () -> HealthCheckResult.degraded("slow"));
    registry.register("c", () -> HealthCheckResult.unhealthy("down"));

    HealthReport report = registry.readiness();

    assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(report.checks()).extracting(ComponentHealth::name).containsExactly("a", "b", "c");
    assertThat(report.check("b").orElseThrow().result().message()).isEqualTo("slow");
    assertThat(report.message()).isEmpty();
  }

  @Test
  void failingNonCriticalCheckOnlyDegrades() {
    registry.lifecycle().markStartupComplete();
    registry.register("core", HealthCheckResult::healthy);
    registry.register(
        "recommendations",
        () -> HealthCheckResult.unhealthy("down"),
        HealthCheckConfig.builder().critical(false).build());

    HealthReport report = registry.readiness();

    assertThat(report.status()).isEqualTo(HealthStatus.DEGRADED);
    ComponentHealth c = report.check("recommendations").orElseThrow();
    assertThat(c.result().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(c.critical()).isFalse();
    assertThat(c.contribution()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void checkThatThrowsIsUnhealthyWithTheReason() {
    registry.lifecycle().markStartupComplete();
    registry.register(
        "broken",
        () -> {
          throw new IllegalStateException("pool exhausted");
        });

    HealthCheckResult r = registry.readiness().check("broken").orElseThrow().result();

    assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(r.message()).isEqualTo("IllegalStateException: pool exhausted");
    assertThat(r.details()).containsEntry("error", "java.lang.IllegalStateException");
  }

  @Test
  void checkThatThrowsAnErrorIsUnhealthyToo() {
    registry.lifecycle().markStartupComplete();
    registry.register(
        "assert",
        () -> {
          throw new AssertionError("invariant broken");
        });

    assertThat(registry.readiness().check("assert").orElseThrow().result().message())
        .isEqualTo("AssertionError: invariant broken");
  }

  @Test
  void checkReturningNullIsUnhealthy() {
    registry.lifecycle().markStartupComplete();
    registry.register("null", () -> null);

    assertThat(registry.readiness().check("null").orElseThrow().result().message())
        .isEqualTo("check returned no result");
  }

  @Test
  void resultsAreStampedWithDurationAndTime() {
    registry.lifecycle().markStartupComplete();
    registry.register(
        "slow",
        () -> {
          time.advance(Duration.ofMillis(40));
          return HealthCheckResult.healthy();
        });

    HealthCheckResult r = registry.readiness().check("slow").orElseThrow().result();

    assertThat(r.duration()).isEqualTo(Duration.ofMillis(40));
    assertThat(r.checkedAt()).contains(ManualTimeSource.DEFAULT_START.plusMillis(40));
  }

  @Test
  void groupsSelectChecks() {
    registry.lifecycle().markStartupComplete();
    registry.register(
        "deadlocks",
        HealthCheckResult::healthy,
        HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build());
    registry.register(
        "payments-api",
        () -> HealthCheckResult.unhealthy("down"),
        HealthCheckConfig.builder().groups(HealthGroups.READINESS, "payments").build());

    assertThat(registry.liveness().checks())
        .extracting(ComponentHealth::name)
        .containsExactly("deadlocks");
    assertThat(registry.liveness().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.report("payments").status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(registry.groups()).containsExactly("liveness", "readiness", "startup", "payments");
    assertThat(registry.fullReport().checks()).hasSize(2);
    assertThatThrownBy(() -> registry.report("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group must be one of [liveness, readiness, startup, payments], was \"nope\"");
  }

  @Test
  void dependencyCheckOnLivenessNeedsOptIn() {
    HealthCheck database =
        new HealthCheck() {
          @Override
          public HealthCheckResult check() {
            return HealthCheckResult.healthy();
          }

          @Override
          public HealthCheckKind kind() {
            return HealthCheckKind.DATASTORE;
          }
        };
    HealthCheckConfig onLiveness =
        HealthCheckConfig.builder().groups(HealthGroups.LIVENESS).build();

    assertThatThrownBy(() -> registry.register("database", database, onLiveness))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "groups of dependency check \"database\" must be free of liveness unless"
                + " allowOnLiveness(true) is set, because a dependency outage would restart every"
                + " instance, was [liveness]");
    assertThatThrownBy(
            () ->
                registry.register(
                    "lambda-db",
                    HealthCheckResult::healthy,
                    onLiveness.toBuilder().kind(HealthCheckKind.DEPENDENCY).build()))
        .isInstanceOf(IllegalArgumentException.class);

    HealthCheckRegistration r =
        registry.register(
            "database", database, onLiveness.toBuilder().allowOnLiveness(true).build());
    assertThat(r.kind()).isEqualTo(HealthCheckKind.DATASTORE);
    assertThat(registry.liveness().checks()).hasSize(1);
  }

  @Test
  void namesAreValidatedAndUnique() {
    registry.register("db", HealthCheckResult::healthy);

    assertThatThrownBy(() -> registry.register("db", HealthCheckResult::healthy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("check name must be unique in the registry, was \"db\"");
    assertThatThrownBy(() -> registry.register("db pool", HealthCheckResult::healthy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "check name must be letters, digits, '-' and '_' (at most 63), was \"db pool\"");
    assertThatThrownBy(() -> registry.register(null, HealthCheckResult::healthy))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
    assertThatThrownBy(() -> registry.register("x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("check must not be null");
  }

  @Test
  void unregisterRemovesFromEveryGroup() {
    registry.lifecycle().markStartupComplete();
    registry.register("bad", () -> HealthCheckResult.unhealthy("down"));
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.UNHEALTHY);

    assertThat(registry.unregister("bad")).isTrue();
    assertThat(registry.unregister("bad")).isFalse();

    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.registration("bad")).isEmpty();
    assertThat(registry.registrations()).isEmpty();
  }

  @Test
  void configurationOverridesCodeInstanceKeyFirst() {
    registry.close();
    registry =
        newRegistry(
            ConfigSource.environment(
                Map.of(
                    "RELIABILITY_HEALTH_CHECK_TIMEOUT", "3",
                    "RELIABILITY_HEALTH_DATABASE_CHECK_TIMEOUT", "1500ms",
                    "RELIABILITY_HEALTH_DATABASE_CRITICAL", "false",
                    "RELIABILITY_HEALTH_PROBE_TIMEOUT", "2s")));

    HealthCheckConfig code =
        HealthCheckConfig.builder().timeout(Duration.ofSeconds(9)).cacheTtl(Duration.ZERO).build();
    HealthCheckConfig db = registry.register("database", HealthCheckResult::healthy, code).config();
    HealthCheckConfig cache = registry.register("cache", HealthCheckResult::healthy, code).config();

    assertThat(db.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(db.critical()).isFalse();
    assertThat(db.cacheTtl()).isZero();
    assertThat(cache.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(cache.critical()).isTrue();
    assertThat(registry.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(registry.maxConcurrency()).isEqualTo(8);
  }

  @Test
  void seedVariableNamesWorkThroughAliases() {
    registry.close();
    registry =
        newRegistry(
            ConfigSource.environment(
                    Map.of(
                        "HEALTH_CHECK_TIMEOUT", "2",
                        "HEALTH_CHECK_INTERVAL", "30",
                        "GRACEFUL_SHUTDOWN_TIMEOUT", "20"))
                .withAliases(HealthSettings.SEED_ALIASES));

    HealthCheckConfig c = registry.register("db", HealthCheckResult::healthy).config();

    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(registry.lifecycle().drainTime()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void invalidConfigurationFailsRegistrationWithEveryProblem() {
    registry.close();
    registry =
        newRegistry(
            ConfigSource.environment(
                Map.of(
                    "RELIABILITY_HEALTH_DB_CHECK_TIMEOUT", "soon",
                    "RELIABILITY_HEALTH_DB_FAILURE_THRESHOLD", "0")));

    assertThatThrownBy(() -> registry.register("db", HealthCheckResult::healthy))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Invalid configuration (2 problems):")
        .hasMessageContaining(
            "reliability.health.db.check-timeout must be a duration between 1ms and 1h, was"
                + " \"soon\" (from environment variable RELIABILITY_HEALTH_DB_CHECK_TIMEOUT)")
        .hasMessageContaining(
            "reliability.health.db.failure-threshold must be a whole number between 1 and 1000,"
                + " was \"0\" (from environment variable"
                + " RELIABILITY_HEALTH_DB_FAILURE_THRESHOLD)");
    assertThat(registry.registration("db")).isEmpty();
  }

  @Test
  void invalidRegistryConfigurationFailsTheBuild() {
    assertThatThrownBy(
            () ->
                newRegistry(
                    ConfigSource.environment(Map.of("RELIABILITY_HEALTH_MAX_CONCURRENCY", "0"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "reliability.health.max-concurrency must be a whole number between 1 and 1024, was"
                + " \"0\"");
  }

  @Test
  void builderRejectsBadValues() {
    assertThatThrownBy(() -> HealthCheckRegistry.builder().probeTimeout(Duration.ZERO))
        .hasMessage("probe-timeout must be a duration between 1ms and 10m, was 0s");
    assertThatThrownBy(() -> HealthCheckRegistry.builder().maxConcurrency(0))
        .hasMessage("max-concurrency must be a whole number between 1 and 1024, was 0");
    assertThatThrownBy(() -> HealthCheckRegistry.builder().name("my registry"))
        .hasMessage(
            "registry name must be letters, digits, '-' and '_' (at most 63), was \"my registry\"");
  }

  @Test
  void cachedResultIsReusedWithinTtl() {
    registry.lifecycle().markStartupComplete();
    AtomicInteger runs = new AtomicInteger();
    registry.register(
        "counted",
        () -> {
          runs.incrementAndGet();
          return HealthCheckResult.healthy();
        });

    HealthReport first = registry.readiness();
    HealthReport second = registry.readiness();
    time.advance(Duration.ofMillis(999));
    HealthReport third = registry.readiness();

    assertThat(runs).hasValue(1);
    assertThat(second).isSameAs(third);
    assertThat(first.status()).isEqualTo(HealthStatus.HEALTHY);

    time.advance(Duration.ofMillis(1));
    registry.readiness();
    assertThat(runs).hasValue(2);
  }

  @Test
  void lastResultReadsWithoutRunning() {
    registry.lifecycle().markStartupComplete();
    registry.register("db", () -> HealthCheckResult.healthy("fine"));

    assertThat(registry.lastResult("db")).isEmpty();
    registry.readiness();
    assertThat(registry.lastResult("db").orElseThrow().message()).isEqualTo("fine");
    assertThat(registry.lastResult("nope")).isEmpty();
  }

  @Test
  void closedRegistryStillAnswers() {
    registry.lifecycle().markStartupComplete();
    registry.register("db", HealthCheckResult::healthy);
    registry.close();

    HealthReport report = registry.readiness();

    assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(report.check("db").orElseThrow().result().message())
        .isEqualTo("health-check registry health is closed");
    assertThatThrownBy(() -> registry.register("other", HealthCheckResult::healthy))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("registry health is closed");
  }
}
