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

class FleetRateLimiterTest {

  private static final long MS = 1_000_000L;

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine engine =
      FleetEngines.builder(backend)
          .name("test")
          .scheduler(scheduler)
          .expectedInstances(4)
          .timeout(Duration.ofMillis(200))
          .recoveryInterval(Duration.ofSeconds(1))
          .build();

  @AfterEach
  void close() {
    engine.close();
  }

  private FleetRateLimiter tenPerSecond() {
    return engine.rateLimiter(
        FleetRateLimitConfig.builder("partner").limit(10).period(Duration.ofSeconds(1)).build());
  }

  @Test
  void refusalCarriesTheExactRetryAfterOfTheSharedBucket() {
    FleetRateLimiter limiter = tenPerSecond();
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.acquire(0)).isZero();
    }

    assertThat(limiter.acquire(0)).isEqualTo(-100 * MS);
    scheduler.advance(Duration.ofMillis(40));
    assertThat(limiter.acquire(0)).isEqualTo(-60 * MS);
    assertThat(limiter.admitted(FleetStatus.SHARED)).isEqualTo(10);
    assertThat(limiter.refused(FleetStatus.SHARED)).isEqualTo(2);
  }

  @Test
  void aWaitWithinMaxWaitReservesTheNextTokens() {
    FleetRateLimiter limiter = tenPerSecond();
    for (int i = 0; i < 10; i++) {
      limiter.acquire(0);
    }

    assertThat(limiter.acquire(200 * MS)).isEqualTo(100 * MS);
    assertThat(limiter.acquire(200 * MS)).isEqualTo(200 * MS);
    assertThat(limiter.acquire(200 * MS)).isEqualTo(-300 * MS);
  }

  @Test
  void twoEnginesOnOneBackendShareTheBucket() {
    FleetEngine other = FleetEngines.builder(backend).scheduler(scheduler).build();
    try {
      FleetRateLimiter here = tenPerSecond();
      FleetRateLimiter there =
          other.rateLimiter(
              FleetRateLimitConfig.builder("partner")
                  .limit(10)
                  .period(Duration.ofSeconds(1))
                  .build());
      int admitted = 0;
      for (int i = 0; i < 20; i++) {
        admitted += (i % 2 == 0 ? here : there).acquire(0) == 0 ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(10);
    } finally {
      other.close();
    }
  }

  @Test
  void eachKeyHasItsOwnBucketAndTheCountsAddUp() {
    FleetRateLimiter limiter = tenPerSecond();
    FleetRateLimiter a = limiter.forKey("tenant-a");
    FleetRateLimiter b = limiter.forKey("tenant-b");
    for (int i = 0; i < 10; i++) {
      a.acquire(0);
    }

    assertThat(a.acquire(0)).isNegative();
    assertThat(b.acquire(0)).isZero();
    assertThat(limiter.forKey("tenant-a")).isSameAs(a);
    assertThat(a.bucketName()).isEqualTo("partner:tenant-a");
    assertThat(limiter.permittedCalls()).isEqualTo(11);
    assertThat(limiter.rejectedCalls()).isEqualTo(1);
  }

  @Test
  void aHugeKeyIsRefusedFastWithItsStartOnly() {
    FleetRateLimiter limiter = tenPerSecond();
    String huge = "k".repeat(64 * 1024);

    assertThatThrownBy(() -> limiter.forKey(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key must be 1 to 128 characters without control characters, was")
        .hasMessageEndingWith("... (65536 characters)\"");
    assertThatThrownBy(() -> limiter.forKey("a\nb"))
        .hasMessage(
            "key must be 1 to 128 characters without control characters, was \"a\\u000ab\"");
    assertThatThrownBy(() -> limiter.forKey("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(backend.operations()).isZero();
  }

  @Test
  void aFailingEngineSwitchesToTheLocalShareAndBack() {
    FleetRateLimiter limiter = tenPerSecond();
    backend.fault(Fault.FAIL);

    // Local share: ceil(10 / 4) = 3 per second.
    assertThat(limiter.acquire(0)).isZero();
    assertThat(engine.status()).isEqualTo(FleetStatus.DEGRADED);
    int operationsWhenDegraded = backend.operations();
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isEqualTo(-(1000 * MS / 3));
    assertThat(backend.operations()).isEqualTo(operationsWhenDegraded);
    assertThat(limiter.admitted(FleetStatus.DEGRADED)).isEqualTo(3);
    assertThat(limiter.refused(FleetStatus.DEGRADED)).isEqualTo(1);

    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(engine.status()).isEqualTo(FleetStatus.SHARED);
    // The shared bucket was not charged for the local tokens: all ten are there.
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.acquire(0)).isZero();
    }
    assertThat(limiter.acquire(0)).isNegative();
    assertThat(engine.fallbacks()).isEqualTo(1);
    assertThat(engine.recoveries()).isEqualTo(1);
  }

  @Test
  void aConfiguredLocalShareReplacesTheDerivedOne() {
    FleetRateLimiter limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder("own-share")
                .limit(100)
                .period(Duration.ofSeconds(1))
                .localShare(1)
                .build());
    backend.fault(Fault.FAIL);

    assertThat(limiter.acquire(0)).isZero();
    assertThat(limiter.acquire(0)).isEqualTo(-1000 * MS);
  }

  @Test
  void aNameOf64KilobytesIsRefusedQuicklyWithAShortMessage() {
    String hostile = "a".repeat(64 * 1024);
    long start = System.nanoTime();
    for (int i = 0; i < 2_000; i++) {
      assertThatThrownBy(() -> FleetRateLimitConfig.builder(hostile))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> FleetEngines.builder(backend).name(hostile))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(5).toNanos());
    assertThatThrownBy(() -> FleetRateLimitConfig.builder(hostile + "\u0000"))
        .hasMessageStartingWith("name must be 1 to 64 letters")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }
}
