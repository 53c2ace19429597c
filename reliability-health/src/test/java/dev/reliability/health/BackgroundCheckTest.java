package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Background checks: probes read the last result, which turns unknown and then unhealthy. */
class BackgroundCheckTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RecordingListener listener = new RecordingListener();
  private final AtomicInteger runs = new AtomicInteger();
  private final CountDownLatch stuck = new CountDownLatch(1);
  private HealthCheckRegistry registry;

  private HealthCheckRegistry registry(Duration tick) {
    registry =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .listener(listener)
            .tick(tick)
            .build();
    registry.lifecycle().markStartupComplete();
    return registry;
  }

  @AfterEach
  void tearDown() {
    stuck.countDown();
    registry.close();
  }

  private static HealthCheckConfig.Builder background() {
    return HealthCheckConfig.builder()
        .background(true)
        .interval(Duration.ofSeconds(10))
        .jitter(0.0)
        .timeout(Duration.ofHours(1))
        .unknownAfter(Duration.ofSeconds(25))
        .unhealthyAfter(Duration.ofSeconds(45));
  }

  @Test
  void probesNeverRunBackgroundChecksAndReportUnknownBeforeTheFirstRun() {
    registry(Duration.ofHours(1));
    registry.register(
        "bg",
        () -> {
          runs.incrementAndGet();
          return HealthCheckResult.healthy();
        },
        background().build());

    HealthReport report = registry.readiness();

    assertThat(runs).hasValue(0);
    assertThat(report.status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(report.check("bg").orElseThrow().result().message()).isEqualTo("not run yet");
  }

  @Test
  void staleSnapshotTurnsUnknownThenUnhealthy() {
    registry(Duration.ofMillis(5));
    registry.register(
        "bg",
        () -> {
          if (runs.incrementAndGet() > 1) {
            stuck.await();
          }
          return HealthCheckResult.healthy("ok");
        },
        background().build());

    await().atMost(5, TimeUnit.SECONDS).until(() -> registry.lastResult("bg").isPresent());
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);

    // The second run starts on schedule and never completes.
    time.advance(Duration.ofSeconds(10));
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 2);
    time.advance(Duration.ofMillis(14_999));
    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.HEALTHY);

    time.advance(Duration.ofMillis(1));
    HealthCheckResult unknown = registry.readiness().check("bg").orElseThrow().result();
    assertThat(unknown.status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(unknown.message())
        .isEqualTo("last result is older than 25s (background runs are not completing)");
    assertThat(unknown.details())
        .containsEntry("stale", true)
        .containsEntry("last_status", "healthy")
        .containsEntry("last_message", "ok")
        .containsEntry("last_checked_at", "2000-01-01T00:00:00Z");
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> listener.changes.contains("bg healthy->unknown"));

    time.advance(Duration.ofSeconds(20));
    HealthReport report = registry.readiness();
    assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(report.check("bg").orElseThrow().result().message())
        .isEqualTo("last result is older than 45s (background runs are not completing)");
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> listener.changes.contains("bg unknown->unhealthy"));
    assertThat(listener.changes).contains("group readiness unknown->unhealthy");
    assertThat(runs).hasValue(2);
  }

  @Test
  void stoppedSchedulerCannotKeepReportingHealthy() {
    registry(Duration.ofMillis(5));
    registry.register("bg", () -> HealthCheckResult.healthy("ok"), background().build());
    await().atMost(5, TimeUnit.SECONDS).until(() -> registry.lastResult("bg").isPresent());

    registry.close();
    time.advance(Duration.ofSeconds(45));

    assertThat(registry.readiness().status()).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void backgroundChecksRunEveryInterval() {
    registry(Duration.ofMillis(5));
    registry.register(
        "bg",
        () -> {
          runs.incrementAndGet();
          return HealthCheckResult.healthy();
        },
        background().build());
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 1);

    for (int i = 2; i <= 4; i++) {
      time.advance(Duration.ofMillis(9_999));
      int expected = i;
      assertThat(runs).hasValue(expected - 1);
      time.advance(Duration.ofMillis(1));
      await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == expected);
    }
  }

  @Test
  void hungBackgroundRunTimesOutAndLaterRunsAreSkipped() {
    registry(Duration.ofMillis(5));
    registry.register(
        "bg",
        () -> {
          runs.incrementAndGet();
          while (true) {
            try {
              stuck.await();
              return HealthCheckResult.healthy();
            } catch (InterruptedException ignored) {
              // hangs on regardless
            }
          }
        },
        background().timeout(Duration.ofSeconds(2)).build());
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 1);

    time.advance(Duration.ofSeconds(2));
    await().atMost(5, TimeUnit.SECONDS).until(() -> listener.runs.contains("bg timed out"));
    assertThat(registry.readiness().check("bg").orElseThrow().result().message())
        .isEqualTo("timed out after 2s");

    time.advance(Duration.ofSeconds(8));
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () -> registry.lastResult("bg").orElseThrow().message().contains("no new run starts"));
    assertThat(runs).hasValue(1);
  }
}
