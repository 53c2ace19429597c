package dev.reliability.cluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.cluster.FleetBulkhead;
import dev.reliability.cluster.FleetBulkheadConfig;
import dev.reliability.cluster.FleetEngine;
import dev.reliability.cluster.FleetRateLimitConfig;
import dev.reliability.cluster.FleetRateLimiter;
import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetMetricsTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine engine =
      FleetEngines.builder(backend).name("orders").scheduler(scheduler).build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    engine.close();
  }

  private double counter(String name, String limit, String mode) {
    return meters.get(name).tag("limit", limit).tag("mode", mode).functionCounter().count();
  }

  @Test
  void admittedAndRefusedPerLimitAndModeFallbacksStatusAndLatency() {
    FleetRateLimiter limiter =
        engine.rateLimiter(
            FleetRateLimitConfig.builder("partner").limit(2).period(Duration.ofSeconds(1)).build());
    FleetMetrics.of(engine).bindTo(meters);
    // A limit created after binding gets its meters too.
    FleetBulkhead bulkhead =
        engine.bulkhead(FleetBulkheadConfig.builder("db").maxConcurrentCalls(1).build());

    limiter.acquire(0);
    limiter.acquire(0);
    limiter.acquire(0);
    bulkhead.tryAcquire();
    backend.fault(Fault.FAIL);
    limiter.acquire(0);
    limiter.acquire(0);

    assertThat(counter(FleetMetrics.ADMITTED, "partner", "shared")).isEqualTo(2);
    assertThat(counter(FleetMetrics.REFUSED, "partner", "shared")).isEqualTo(1);
    assertThat(counter(FleetMetrics.ADMITTED, "partner", "local")).isEqualTo(2);
    assertThat(counter(FleetMetrics.ADMITTED, "db", "shared")).isEqualTo(1);
    assertThat(
            meters
                .get(FleetMetrics.ADMITTED)
                .tag("limit", "db")
                .tag("mode", "shared")
                .tag("kind", "concurrency")
                .tag("engine", "orders")
                .tag("backend", "memory")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(meters.get(FleetMetrics.FALLBACKS).functionCounter().count()).isEqualTo(1);
    assertThat(meters.get(FleetMetrics.REMOTE_FAILURES).functionCounter().count()).isEqualTo(1);
    assertThat(meters.get(FleetMetrics.STATUS).tag("status", "degraded").gauge().value())
        .isEqualTo(1);
    assertThat(meters.get(FleetMetrics.STATUS).tag("status", "shared").gauge().value()).isZero();
    assertThat(meters.get(FleetMetrics.REMOTE_LATENCY).functionTimer().count()).isEqualTo(5);

    backend.fault(Fault.NONE);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(meters.get(FleetMetrics.RECOVERIES).functionCounter().count()).isEqualTo(1);
    assertThat(meters.get(FleetMetrics.STATUS).tag("status", "shared").gauge().value())
        .isEqualTo(1);
  }

  @Test
  void bindingTwiceIsHarmless() {
    engine.rateLimiter(FleetRateLimitConfig.builder("partner").build());
    FleetMetrics metrics = FleetMetrics.of(engine);

    metrics.bindTo(meters);
    int count = meters.getMeters().size();
    metrics.bindTo(meters);

    assertThat(meters.getMeters()).hasSize(count);
  }
}
