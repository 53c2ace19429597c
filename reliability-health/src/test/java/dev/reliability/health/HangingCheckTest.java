package dev.reliability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.time.TimeSource;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A check that hangs forever and ignores interruption cannot hold a probe or pile up runs. */
class HangingCheckTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicInteger interrupts = new AtomicInteger();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private HealthCheckRegistry registry;

  /** Blocks until the test releases it, swallowing every interrupt. */
  private final HealthCheck hangs =
      () -> {
        runs.incrementAndGet();
        while (true) {
          try {
            release.await();
            return HealthCheckResult.healthy("finally back");
          } catch (InterruptedException ignored) {
            interrupts.incrementAndGet();
          }
        }
      };

  private final HealthListener recorder =
      new HealthListener() {
        @Override
        public void onCheckTimedOut(String check, Duration timeout) {
          events.add("timed out " + check + " " + timeout.toSeconds() + "s");
        }

        @Override
        public void onRunSkipped(String check, Duration runningFor) {
          events.add("skipped " + check + " after " + runningFor.toSeconds() + "s");
        }
      };

  @AfterEach
  void tearDown() {
    release.countDown();
    if (registry != null) {
      registry.close();
    }
  }

  private HealthCheckRegistry registry(TimeSource source, Duration probeTimeout) {
    registry =
        HealthCheckRegistry.builder()
            .timeSource(source)
            .configSource(ConfigSource.empty())
            .probeTimeout(probeTimeout)
            .listener(recorder)
            .build();
    registry.lifecycle().markStartupComplete();
    return registry;
  }

  @Test
  void hangingCheckTimesOutAndNoSecondRunStartsWhileItHangs() throws Exception {
    registry(time, Duration.ofSeconds(10));
    registry.register(
        "hangs", hangs, HealthCheckConfig.builder().timeout(Duration.ofSeconds(5)).build());
    registry.register("fine", HealthCheckResult::healthy);

    CompletableFuture<HealthReport> probe = CompletableFuture.supplyAsync(registry::readiness);
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 1);
    assertThat(probe).isNotDone();
    time.advance(Duration.ofSeconds(5));
    HealthReport report = probe.get(5, TimeUnit.SECONDS);

    HealthCheckResult hung = report.check("hangs").orElseThrow().result();
    assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(hung.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(hung.message()).isEqualTo("timed out after 5s");
    assertThat(hung.details()).containsEntry("timed_out", true).containsEntry("timeout_ms", 5000L);
    assertThat(report.check("fine").orElseThrow().result().status())
        .isEqualTo(HealthStatus.HEALTHY);
    await().atMost(5, TimeUnit.SECONDS).until(() -> interrupts.get() >= 1);
    assertThat(events).containsExactly("timed out hangs 5s");

    // Later probes answer at once and start no second run while the first still hangs.
    for (int i = 0; i < 5; i++) {
      time.advance(Duration.ofSeconds(2));
      HealthCheckResult again = registry.readiness().check("hangs").orElseThrow().result();
      assertThat(again.status()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThat(again.message())
          .startsWith("timed out after 5s and still running after")
          .endsWith("; no new run starts until it returns");
    }
    assertThat(runs).hasValue(1);
    assertThat(events).hasSize(6).contains("skipped hangs after 7s", "skipped hangs after 15s");

    // Once it returns, the next due probe runs it again.
    release.countDown();
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () -> {
              time.advance(Duration.ofSeconds(2));
              return registry.readiness().check("hangs").orElseThrow().result().status()
                  == HealthStatus.HEALTHY;
            });
    assertThat(runs).hasValue(2);
  }

  @Test
  void hangingCheckNeverHoldsAProbePastItsDeadline() throws Exception {
    registry(time, Duration.ofSeconds(2));
    registry.register(
        "hangs", hangs, HealthCheckConfig.builder().timeout(Duration.ofSeconds(30)).build());

    CompletableFuture<HealthReport> probe = CompletableFuture.supplyAsync(registry::readiness);
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 1);
    time.advance(Duration.ofMillis(1999));
    assertThat(probe).isNotDone();
    time.advance(Duration.ofMillis(1));
    HealthReport report = probe.get(5, TimeUnit.SECONDS);

    HealthCheckResult r = report.check("hangs").orElseThrow().result();
    assertThat(r.message())
        .isEqualTo("did not finish within the probe timeout of 2s (still running)");
    assertThat(r.details()).containsEntry("probe_timeout_ms", 2000L);
    assertThat(report.duration()).isEqualTo(Duration.ofSeconds(2));

    // The next probe joins the same run rather than starting another.
    CompletableFuture<HealthReport> second = CompletableFuture.supplyAsync(registry::readiness);
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () -> {
              time.advance(Duration.ofMillis(500));
              return second.isDone();
            });
    assertThat(second.get().check("hangs").orElseThrow().result().details())
        .containsEntry("timed_out", true);
    assertThat(runs).hasValue(1);
  }

  @Test
  void realClockProbeAnswersWithinItsDeadline() {
    registry(TimeSource.system(), Duration.ofMillis(300));
    registry.register(
        "hangs", hangs, HealthCheckConfig.builder().timeout(Duration.ofMillis(200)).build());

    long start = System.nanoTime();
    HealthReport report = registry.readiness();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(report.check("hangs").orElseThrow().result().message())
        .isEqualTo("timed out after 200ms");
    assertThat(tookMillis).isBetween(150L, 2_000L);
  }

  @Test
  void hungChecksDoNotStarveTheOthersOfConcurrency() throws Exception {
    registry =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .maxConcurrency(1)
            .probeTimeout(Duration.ofSeconds(10))
            .build();
    registry.lifecycle().markStartupComplete();
    registry.register(
        "hangs", hangs, HealthCheckConfig.builder().timeout(Duration.ofSeconds(1)).build());
    registry.register("fine", HealthCheckResult::healthy);

    CompletableFuture<HealthReport> probe = CompletableFuture.supplyAsync(registry::readiness);
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 1);
    time.advance(Duration.ofSeconds(1));
    HealthReport report = probe.get(5, TimeUnit.SECONDS);

    // The hung run gave its only permit back when it timed out, so "fine" still ran.
    assertThat(report.check("fine").orElseThrow().result().status())
        .isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void schedulerTimesOutARunThatNobodyWaitsFor() {
    registry =
        HealthCheckRegistry.builder()
            .timeSource(time)
            .configSource(ConfigSource.empty())
            .probeTimeout(Duration.ofMillis(100))
            .listener(recorder)
            .tick(Duration.ofMillis(5))
            .build();
    registry.lifecycle().markStartupComplete();
    registry.register(
        "hangs", hangs, HealthCheckConfig.builder().timeout(Duration.ofSeconds(5)).build());

    CompletableFuture.runAsync(registry::readiness);
    await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 1);
    time.advance(Duration.ofSeconds(5));

    await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("timed out hangs 5s"));
    assertThat(registry.lastResult("hangs").orElseThrow().message())
        .isEqualTo("timed out after 5s");
  }
}
