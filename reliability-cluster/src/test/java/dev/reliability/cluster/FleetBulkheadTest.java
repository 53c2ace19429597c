package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetBulkheadTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine engine = engine("a");

  private FleetEngine engine(String id) {
    return FleetEngines.builder(backend)
        .name("test")
        .instanceId(id)
        .scheduler(scheduler)
        .expectedInstances(2)
        .recoveryInterval(Duration.ofSeconds(1))
        .build();
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private static FleetBulkheadConfig twoCalls() {
    return FleetBulkheadConfig.builder("db")
        .maxConcurrentCalls(2)
        .leaseTtl(Duration.ofSeconds(3))
        .build();
  }

  @Test
  void atMostTheLimitOfLeasesAcrossInstances() {
    FleetEngine other = engine("b");
    try {
      FleetBulkhead here = engine.bulkhead(twoCalls());
      FleetBulkhead there = other.bulkhead(twoCalls());

      assertThat(here.tryAcquire()).isTrue();
      assertThat(there.tryAcquire()).isTrue();
      assertThat(here.tryAcquire()).isFalse();
      assertThat(there.tryAcquire()).isFalse();
      assertThat(backend.leases("db")).isEqualTo(2);

      there.release();
      assertThat(here.tryAcquire()).isTrue();
      assertThat(here.leasesHeld()).isEqualTo(2);
      assertThat(here.refused(FleetStatus.SHARED)).isEqualTo(1);
      assertThat(here.rejectedCalls()).isEqualTo(1);
    } finally {
      other.close();
    }
  }

  @Test
  void heldLeasesAreRenewedEveryThirdOfTheirTimeToLive() {
    FleetBulkhead bulkhead = engine.bulkhead(twoCalls());
    bulkhead.tryAcquire();

    for (int i = 0; i < 10; i++) {
      scheduler.advance(Duration.ofSeconds(1));
    }

    assertThat(backend.leases("db")).isEqualTo(1);
    bulkhead.release();
    assertThat(backend.leases("db")).isZero();
  }

  @Test
  void aCrashedInstancesPermitsComeBackAfterTheLeaseTimeToLive() {
    FleetEngine crashed = engine("b");
    FleetBulkhead gone = crashed.bulkhead(twoCalls());
    gone.tryAcquire();
    gone.tryAcquire();
    crashed.close(); // stops renewing, releases nothing: as a killed process
    FleetBulkhead bulkhead = engine.bulkhead(twoCalls());

    assertThat(bulkhead.tryAcquire()).isFalse();
    scheduler.advance(Duration.ofMillis(2999));
    assertThat(bulkhead.tryAcquire()).isFalse();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(bulkhead.tryAcquire()).isTrue();
  }

  @Test
  void whileTheEngineFailsTheLocalShareLimitsThisInstance() {
    FleetBulkhead bulkhead =
        engine.bulkhead(FleetBulkheadConfig.builder("db").maxConcurrentCalls(5).build());
    backend.fault(Fault.FAIL);

    // Local share: ceil(5 / 2) = 3.
    assertThat(bulkhead.tryAcquire()).isTrue();
    assertThat(bulkhead.tryAcquire()).isTrue();
    assertThat(bulkhead.tryAcquire()).isTrue();
    assertThat(bulkhead.tryAcquire()).isFalse();
    assertThat(bulkhead.localPermitsHeld()).isEqualTo(3);
    assertThat(bulkhead.availablePermits()).isZero();

    bulkhead.release();
    assertThat(bulkhead.tryAcquire()).isTrue();
    assertThat(bulkhead.admitted(FleetStatus.DEGRADED)).isEqualTo(4);
    assertThat(bulkhead.refused(FleetStatus.DEGRADED)).isEqualTo(1);
  }

  @Test
  void aLeaseGivenBackWhileDegradedIsReleasedOnTheEngineWhenItRecovers() {
    FleetBulkhead bulkhead = engine.bulkhead(twoCalls());
    bulkhead.tryAcquire();
    backend.fault(Fault.FAIL);
    assertThat(bulkhead.tryAcquire()).isTrue(); // degrades: a local permit
    backend.fault(Fault.NONE);

    bulkhead.release(); // the local permit first
    assertThat(bulkhead.localPermitsHeld()).isZero();
    assertThat(bulkhead.leasesHeld()).isEqualTo(1);
    bulkhead.release(); // the lease: kept until the engine answers
    assertThat(backend.leases("db")).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    assertThat(backend.leases("db")).isZero();
  }

  @Test
  void aLocalPermitHeldAcrossRecoveryIsGivenBackLocally() {
    FleetBulkhead bulkhead = engine.bulkhead(twoCalls());
    backend.fault(Fault.FAIL);
    assertThat(bulkhead.tryAcquire()).isTrue();
    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(bulkhead.tryAcquire()).isTrue(); // shared again: a lease

    bulkhead.release(); // shared: the lease first
    bulkhead.release(); // then the local permit

    assertThat(backend.leases("db")).isZero();
    assertThat(bulkhead.localPermitsHeld()).isZero();
  }

  @Test
  void aRenewalThatFailsDegradesTheEngineAndTheLoopGoesOn() {
    FleetBulkhead bulkhead = engine.bulkhead(twoCalls());
    bulkhead.tryAcquire();
    backend.fault(Fault.FAIL);

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    // Renewed again after recovery: alive long after its first time to live.
    scheduler.advance(Duration.ofSeconds(6));
    assertThat(backend.leases("db")).isEqualTo(1);
  }

  @Test
  void aRenewalThatThrowsAnErrorIsReportedAndTheLoopGoesOn() {
    FleetBulkhead bulkhead = engine.bulkhead(twoCalls());
    bulkhead.tryAcquire();
    backend.throwOnRenewAndCount(new StackOverflowError("engine client bug"));

    scheduler.advance(Duration.ofSeconds(1)); // this renewal throws

    backend.throwOnRenewAndCount(null);
    // Renewed by the later ticks: alive long after its 3 s time to live.
    scheduler.advance(Duration.ofSeconds(8));
    assertThat(backend.leases("db")).isEqualTo(1);
  }
}
