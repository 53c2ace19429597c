package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Startup completion and graceful shutdown with a drain time, on a manual clock. */
class HealthLifecycleTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RecordingListener listener = new RecordingListener();
  private final HealthCheckRegistry registry =
      HealthCheckRegistry.builder()
          .timeSource(time)
          .configSource(ConfigSource.empty())
          .shutdownDrainTime(Duration.ofSeconds(30))
          .listener(listener)
          .build();

  @AfterEach
  void tearDown() {
    registry.close();
  }

  @Test
  void startupAndReadinessFailUntilStartupIsMarkedComplete() {
    registry.register("db", HealthCheckResult::healthy);

    assertThat(registry.lifecycle().phase()).isEqualTo(HealthLifecycle.Phase.STARTING);
    assertThat(registry.startup().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(registry.startup().message()).isEqualTo("startup not complete");
    HealthReport ready = registry.readiness();
    assertThat(ready.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(ready.message()).isEqualTo("startup not complete");
    assertThat(ready.check("db").orElseThrow().result().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.liveness().status()).isEqualTo(HealthStatus.HEALTHY);

    registry.lifecycle().markStartupComplete();

    assertThat(registry.lifecycle().isStartupComplete()).isTrue();
    assertThat(registry.lifecycle().phase()).isEqualTo(HealthLifecycle.Phase.RUNNING);
    assertThat(registry.startup().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.readiness().message()).isEmpty();
    assertThat(listener.probeChanges())
        .containsExactly(
            "db unknown->healthy",
            "group readiness unknown->unhealthy",
            "group readiness unhealthy->healthy",
            "group startup unknown->healthy");
  }

  @Test
  void startupProbeAlsoWaitsForItsChecks() {
    registry.register(
        "migrations",
        () -> HealthCheckResult.unhealthy("schema migration running"),
        HealthCheckConfig.builder().groups(HealthGroups.STARTUP).build());
    registry.lifecycle().markStartupComplete();

    HealthReport startup = registry.startup();

    assertThat(startup.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(startup.message()).isEmpty();
    assertThat(startup.check("migrations").orElseThrow().result().message())
        .isEqualTo("schema migration running");
  }

  @Test
  void shutdownFlipsReadinessFirstThenWaitsTheDrainTime() throws Exception {
    registry.register("db", HealthCheckResult::healthy);
    registry.lifecycle().markStartupComplete();
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);

    CompletableFuture<Void> drain = CompletableFuture.runAsync(registry.lifecycle()::drain);
    await().atMost(5, TimeUnit.SECONDS).until(registry.lifecycle()::isShuttingDown);

    HealthReport ready = registry.readiness();
    assertThat(ready.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(ready.message()).isEqualTo("shutting down (drain time 30s)");
    assertThat(registry.fullReport().status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(registry.liveness().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(registry.startup().status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(listener.changes).contains("group readiness healthy->unhealthy");
    assertThat(registry.lifecycle().phase()).isEqualTo(HealthLifecycle.Phase.DRAINING);

    time.advance(Duration.ofMillis(29_999));
    assertThat(drain).isNotDone();
    time.advance(Duration.ofMillis(1));
    drain.get(5, TimeUnit.SECONDS);
  }

  @Test
  void drainTimeCountsFromTheFirstShutdownCall() throws Exception {
    registry.lifecycle().markStartupComplete();
    registry.lifecycle().beginShutdown();
    time.advance(Duration.ofSeconds(20));
    registry.lifecycle().beginShutdown();

    CompletableFuture<Void> drain = CompletableFuture.runAsync(registry.lifecycle()::drain);
    time.advance(Duration.ofSeconds(10));

    drain.get(5, TimeUnit.SECONDS);
  }

  @Test
  void zeroDrainTimeReturnsAtOnce() throws Exception {
    try (HealthCheckRegistry quick =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .shutdownDrainTime(Duration.ZERO)
            .build()) {
      quick.lifecycle().awaitDrained();
      assertThat(quick.lifecycle().isShuttingDown()).isTrue();
      assertThat(quick.lifecycle().drainTime()).isZero();
    }
  }

  @Test
  void interruptEndsTheDrainEarlyAndKeepsTheFlag() throws Exception {
    CompletableFuture<Boolean> interrupted =
        CompletableFuture.supplyAsync(
            () -> {
              Thread.currentThread().interrupt();
              registry.lifecycle().drain();
              return Thread.interrupted();
            });

    assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
  }
}
