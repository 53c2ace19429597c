package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetRetryBudgetTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine a = engine();
  private final FleetEngine b = engine();

  private FleetEngine engine() {
    return FleetEngines.builder(backend)
        .scheduler(scheduler)
        .expectedInstances(2)
        .recoveryInterval(Duration.ofSeconds(1))
        .build();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private static FleetRetryBudgetConfig halfOfCalls() {
    return FleetRetryBudgetConfig.builder("payments")
        .ratio(0.5)
        .minRetriesPerSecond(0)
        .window(Duration.ofSeconds(10))
        .syncInterval(Duration.ofSeconds(1))
        .build();
  }

  @Test
  void oneInstancesCallsGiveTheOtherItsRetriesAfterASync() {
    FleetRetryBudget here = a.retryBudget(halfOfCalls());
    FleetRetryBudget there = b.retryBudget(halfOfCalls());
    for (int i = 0; i < 10; i++) {
      here.onCall();
    }
    assertThat(there.tryAcquire()).isFalse();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(there.fleetCalls()).isEqualTo(10);
    int granted = 0;
    while (there.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(5);
    assertThat(there.refused(FleetStatus.SHARED)).isEqualTo(2);
  }

  @Test
  void theFleetsRetriesStayWithinTheRatioOnceSynced() {
    FleetRetryBudget here = a.retryBudget(halfOfCalls());
    FleetRetryBudget there = b.retryBudget(halfOfCalls());
    for (int i = 0; i < 10; i++) {
      here.onCall();
      there.onCall();
    }
    scheduler.advance(Duration.ofSeconds(1));
    scheduler.advance(Duration.ofSeconds(1));

    // Fleet: 20 calls, so 10 retries; decided locally between syncs, each sees the other's as of
    // the last sync.
    int granted = 0;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 4; i++) {
        granted += here.tryAcquire() ? 1 : 0;
        granted += there.tryAcquire() ? 1 : 0;
      }
      scheduler.advance(Duration.ofSeconds(1));
    }

    // Error bound: the other instance's retries in one sync interval (here at most 4).
    assertThat(granted).isBetween(10, 14);
    assertThat(here.fleetRetries()).isEqualTo(granted);
    assertThat(here.available()).isZero();
  }

  @Test
  void countsLeaveTheWindow() {
    FleetRetryBudget here = a.retryBudget(halfOfCalls());
    for (int i = 0; i < 10; i++) {
      here.onCall();
    }
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(here.available()).isEqualTo(5.0);

    for (int i = 0; i < 11; i++) {
      scheduler.advance(Duration.ofSeconds(1));
    }

    assertThat(here.fleetCalls()).isZero();
    assertThat(here.tryAcquire()).isFalse();
  }

  @Test
  void whileTheEngineFailsTheBudgetUsesThisInstancesOwnCountsAndShare() {
    FleetRetryBudget here = a.retryBudget(halfOfCalls().toBuilder().minRetriesPerSecond(1).build());
    for (int i = 0; i < 10; i++) {
      here.onCall();
    }
    backend.fault(Fault.FAIL);
    scheduler.advance(Duration.ofSeconds(1)); // the sync fails

    assertThat(a.status()).isEqualTo(FleetStatus.DEGRADED);
    // Local: 0.5 x 10 calls + 1/s x 10 s / 2 instances = 10.
    int granted = 0;
    while (here.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(10);
    assertThat(here.admitted(FleetStatus.DEGRADED)).isEqualTo(10);
    assertThat(backend.operations()).isEqualTo(1);
  }

  @Test
  void countsMadeWhileDegradedAreNotSentAfterRecovery() {
    FleetRetryBudget here = a.retryBudget(halfOfCalls());
    FleetRetryBudget there = b.retryBudget(halfOfCalls());
    backend.fault(Fault.FAIL);
    scheduler.advance(Duration.ofSeconds(1)); // both syncs fail: both degraded
    for (int i = 0; i < 10; i++) {
      here.onCall();
    }
    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1)); // probes answer: shared again

    here.onCall();
    scheduler.advance(Duration.ofSeconds(1)); // the next syncs

    assertThat(a.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(there.fleetCalls()).isEqualTo(1);
  }

  @Test
  void aSyncIntervalLongerThanTheWindowIsRefused() {
    assertThatThrownBy(
            () ->
                FleetRetryBudgetConfig.builder("x")
                    .window(Duration.ofSeconds(1))
                    .syncInterval(Duration.ofSeconds(2))
                    .build())
        .hasMessage("syncInterval must be at most the window (1s), was 2s");
  }

  @Test
  void aSyncThatThrowsAnErrorIsReportedAndTheLoopGoesOn() {
    FleetRetryBudget here = a.retryBudget(halfOfCalls());
    here.onCall();
    backend.throwOnRenewAndCount(new StackOverflowError("engine client bug"));

    scheduler.advance(Duration.ofSeconds(1)); // this sync throws

    backend.throwOnRenewAndCount(null);
    scheduler.advance(Duration.ofSeconds(2)); // a thrown sync counts as a failure: probed back
    assertThat(a.status()).isEqualTo(FleetStatus.SHARED);
    here.onCall();
    scheduler.advance(Duration.ofSeconds(1)); // the loop still runs: this sync sends the call
    assertThat(here.fleetCalls()).isPositive();
  }
}
