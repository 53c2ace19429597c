package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetEngineTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final List<String> events = new ArrayList<>();
  private FleetEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private FleetEngine engine(Duration timeout) {
    engine =
        FleetEngines.builder(backend)
            .name("orders")
            .scheduler(scheduler)
            .timeout(timeout)
            .recoveryInterval(Duration.ofSeconds(1))
            .listener(
                new FleetListener() {
                  @Override
                  public void onDegraded(FleetEngine e, String failure) {
                    events.add("degraded: " + failure);
                  }

                  @Override
                  public void onRecovered(FleetEngine e) {
                    events.add("recovered");
                  }
                })
            .build();
    return engine;
  }

  private static FleetRateLimitConfig limit() {
    return FleetRateLimitConfig.builder("partner").limit(100).period(Duration.ofSeconds(1)).build();
  }

  @Test
  void aPartitionedEngineNeverHoldsACallerBeyondTheTimeout() {
    FleetRateLimiter limiter = engine(Duration.ofMillis(50)).rateLimiter(limit());
    backend.fault(Fault.HANG);

    long start = System.nanoTime();
    long answer = limiter.acquire(0);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(answer).isZero();
    // Bounded, with room for a loaded machine: the backend never answers.
    assertThat(elapsedMillis).isBetween(50L, 2_000L);
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
    assertThat(engine.lastFailure()).contains("no answer within 50ms");
    // Degraded: the next calls do not touch the engine at all, so none waits for its timeout.
    int asked = backend.operations() + backend.bucketRoundTrips();
    start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      limiter.acquire(0);
    }
    assertThat(backend.operations() + backend.bucketRoundTrips()).isEqualTo(asked);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10 * 50L);
  }

  @Test
  void aSlowEngineIsLeftAfterTheTimeoutAndTheCallIsDecidedLocally() {
    FleetBulkhead bulkhead =
        engine(Duration.ofMillis(30))
            .bulkhead(FleetBulkheadConfig.builder("db").maxConcurrentCalls(4).build());
    backend.fault(Fault.SLOW).slowBy(Duration.ofSeconds(5));

    long start = System.nanoTime();
    assertThat(bulkhead.tryAcquire()).isTrue();
    // Well before the backend's answer, with room for a loaded machine.
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000L);
    assertThat(bulkhead.localPermitsHeld()).isEqualTo(1);
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
  }

  @Test
  void oneSwitchPerOutageWithOneEventEachWayAndProbesOnlyEveryRecoveryInterval() {
    FleetRateLimiter limiter = engine(Duration.ofMillis(100)).rateLimiter(limit());
    backend.fault(Fault.FAIL);
    for (int i = 0; i < 5; i++) {
      limiter.acquire(0);
    }
    // A late background failure while degraded is counted, and changes nothing else.
    engine.reportFailure("a renewal that failed late");
    int afterFailure = backend.operations();

    scheduler.advance(Duration.ofMillis(999));
    assertThat(backend.operations()).isEqualTo(afterFailure);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(backend.operations()).isEqualTo(afterFailure + 1);
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);

    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(events)
        .containsExactly("degraded: IllegalStateException: engine down (injected)", "recovered");
    assertThat(engine.fallbacks()).isEqualTo(1);
    assertThat(engine.recoveries()).isEqualTo(1);
    assertThat(engine.remoteFailures()).isEqualTo(2);
    assertThat(engine.lastFailure()).contains("IllegalStateException: engine down (injected)");
  }

  @Test
  void aThrowingListenerDoesNotStopTheSwitchOrTheOtherListeners() {
    FleetEngine e = engine(Duration.ofMillis(100));
    List<String> second = new ArrayList<>();
    e.addListener(
        new FleetListener() {
          @Override
          public void onDegraded(FleetEngine x, String failure) {
            throw new AssertionError("listener bug");
          }

          @Override
          public void onRecovered(FleetEngine x) {
            throw new OutOfMemoryError("listener bug");
          }
        });
    e.addListener(
        new FleetListener() {
          @Override
          public void onRecovered(FleetEngine x) {
            second.add("recovered");
          }
        });
    FleetRateLimiter limiter = e.rateLimiter(limit());
    backend.fault(Fault.FAIL);
    limiter.acquire(0);
    backend.fault(Fault.NONE);

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(e.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(events).hasSize(2);
    assertThat(second).containsExactly("recovered");
  }

  @Test
  void aProbeThatThrowsAnErrorIsReportedAndTheNextProbeStillRuns() {
    FleetRateLimiter limiter = engine(Duration.ofMillis(100)).rateLimiter(limit());
    backend.fault(Fault.FAIL);
    limiter.acquire(0);
    backend.fault(Fault.NONE).throwOnPing(new StackOverflowError("backend bug"));

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
    assertThat(scheduler.pendingTasks()).isPositive();

    backend.throwOnPing(null);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
  }

  @Test
  void aProbeWithoutAnswerTimesOutOnTheSchedulerAndProbesAgain() {
    FleetRateLimiter limiter = engine(Duration.ofMillis(100)).rateLimiter(limit());
    backend.fault(Fault.FAIL);
    limiter.acquire(0);
    backend.fault(Fault.HANG);

    scheduler.advance(Duration.ofMillis(1100));
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);

    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
  }

  @Test
  void theFailureShownIsRedactedAndBounded() {
    FleetEngine e = engine(Duration.ofMillis(100));
    e.reportFailure("AUTH failed password=hunter2 " + "x".repeat(10_000));

    assertThat(e.lastFailure().orElseThrow())
        .doesNotContain("hunter2")
        .hasSizeLessThanOrEqualTo(256);
  }

  @Test
  void closeStopsTheProbeAndClosesTheBackend() {
    FleetRateLimiter limiter = engine(Duration.ofMillis(100)).rateLimiter(limit());
    backend.fault(Fault.FAIL);
    limiter.acquire(0);

    engine.close();
    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(5));

    assertThat(backend.closed()).isTrue();
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
    assertThatThrownBy(() -> engine.rateLimiter(limit()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fleet engine orders is closed");
  }

  @Test
  void settingsAreValidatedWithTheirRule() {
    FleetEngine.Builder b = FleetEngines.builder(backend);

    assertThatThrownBy(() -> b.timeout(Duration.ZERO))
        .hasMessage("timeout must be a duration between 1ms and 1m, was 0s");
    assertThatThrownBy(() -> b.expectedInstances(0))
        .hasMessage("expected-instances must be a whole number between 1 and 100000, was 0");
    assertThatThrownBy(() -> b.name("a b"))
        .hasMessage("name must be 1 to 64 letters, digits, '-' or '_', was \"a b\"");
  }

  @Test
  void settingsAreReadFromAConfigSourcePerEngineName() {
    engine =
        FleetEngines.builder(backend)
            .name("orders")
            .scheduler(scheduler)
            .configSource(
                ConfigSource.fromMap(
                    "test",
                    Map.of(
                        "reliability.fleet.orders.timeout", "250ms",
                        "reliability.fleet.expected-instances", "20")))
            .build();

    assertThat(engine.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(engine.expectedInstances()).isEqualTo(20);
    assertThatThrownBy(
            () ->
                FleetEngines.builder(backend)
                    .configSource(
                        ConfigSource.fromMap(
                            "test", Map.of("reliability.fleet.expected-instances", "0")))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.fleet.expected-instances");
  }

  @Test
  void eachLimitsSettingsAreReadFromTheEnginesConfigSourceByItsName() {
    engine =
        FleetEngines.builder(backend)
            .scheduler(scheduler)
            .configSource(
                ConfigSource.fromMap(
                    "test",
                    Map.of(
                        "reliability.fleet.ratelimiter.partner.limit", "3",
                        "reliability.fleet.bulkhead.lease-ttl", "9s",
                        "reliability.fleet.retrybudget.payments.ratio", "0.25")))
            .build();

    FleetRateLimiter limiter = engine.rateLimiter(limit());
    assertThat(limiter.fleetConfig().limit()).isEqualTo(3);
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isNegative();
    assertThat(engine.bulkhead(FleetBulkheadConfig.builder("db").build()).fleetConfig().leaseTtl())
        .isEqualTo(Duration.ofSeconds(9));
    assertThat(
            engine.retryBudget(FleetRetryBudgetConfig.builder("payments").build()).config().ratio())
        .isEqualTo(0.25);
    assertThatThrownBy(
            () ->
                limit()
                    .withOverrides(
                        ConfigSource.fromMap(
                            "test", Map.of("reliability.fleet.ratelimiter.limit", "0"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.fleet.ratelimiter.limit");
    assertThatThrownBy(() -> FleetRateLimitConfig.builder("a.b"))
        .hasMessage("name must be 1 to 64 letters, digits, '-' or '_', was \"a.b\"");
  }
}
