package dev.reliability.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.cluster.health.FleetHealthCheck;
import dev.reliability.cluster.internal.FleetEngines;
import dev.reliability.cluster.metrics.FleetMetrics;
import dev.reliability.cluster.testing.InMemoryFleetBackend;
import dev.reliability.cluster.testing.InMemoryFleetBackend.Fault;
import dev.reliability.core.error.BulkheadFullException;
import dev.reliability.core.error.RateLimitExceededException;
import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.policy.KeyedPolicy;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryConfig;
import dev.reliability.health.HealthCheckRegistry;
import dev.reliability.health.HealthReport;
import dev.reliability.health.HealthStatus;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The examples of {@code docs/cluster.md}, run on the in-memory engine through real policies. */
class FleetGuideTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final InMemoryFleetBackend backend = new InMemoryFleetBackend(scheduler.timeSource());
  private final FleetEngine fleet =
      FleetEngines.builder(backend)
          .name("orders")
          .expectedInstances(20)
          .scheduler(scheduler)
          .build();

  @AfterEach
  void close() {
    fleet.close();
  }

  /**
   * The guide's first snippet, compiled here so it stays valid; not run: it needs a Redis server.
   */
  static FleetEngine connect() {
    FleetEngine fleet =
        FleetEngine.redis("redis://localhost:6379")
            .name("orders")
            .expectedInstances(20)
            .timeout(Duration.ofMillis(100))
            .build();
    return fleet;
  }

  @Test
  void aPolicyRefusesOverTheFleetLimitWithTheExactRetryAfter() {
    FleetRateLimiter partnerApi =
        fleet.rateLimiter(
            FleetRateLimitConfig.builder("partner-api")
                .limit(1_000)
                .period(Duration.ofSeconds(1))
                .batching(FleetBatching.BATCHING)
                .build());
    Policy partner = Policy.builder("partner-api").rateLimiter(partnerApi).build();

    for (int i = 0; i < 1_000; i++) {
      partner.execute(() -> "ok");
    }
    assertThatThrownBy(() -> partner.execute(() -> "ok"))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(1)));
  }

  @Test
  void aPolicyRefusesOverTheFleetConcurrencyLimitAsOverItsOwnBulkhead() throws Exception {
    FleetBulkhead legacyDb =
        fleet.bulkhead(
            FleetBulkheadConfig.builder("legacy-db")
                .maxConcurrentCalls(100)
                .leaseTtl(Duration.ofSeconds(30))
                .build());
    Policy database = Policy.builder("legacy-db").bulkhead(legacyDb).build();

    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(100);
    try {
      CountDownLatch inside = new CountDownLatch(100);
      for (int i = 0; i < 100; i++) {
        callers.submit(
            () ->
                database.call(
                    () -> {
                      inside.countDown();
                      release.await();
                      return "row";
                    }));
      }
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> database.execute(() -> "row"))
          .isInstanceOf(BulkheadFullException.class);
      assertThat(backend.leases("legacy-db")).isEqualTo(100);
    } finally {
      release.countDown();
      callers.shutdown();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(backend.leases("legacy-db")).isZero();
  }

  @Test
  void eachTenantGetsItsOwnFleetWideBucket() {
    FleetRateLimiter perTenant =
        fleet.rateLimiter(
            FleetRateLimitConfig.builder("per-tenant")
                .limit(2)
                .period(Duration.ofMinutes(1))
                .build());
    KeyedPolicy tenants =
        KeyedPolicy.builder("tenants")
            .perKey((tenant, b) -> b.rateLimiter(perTenant.forKey(tenant)))
            .build();

    tenants.execute("acme", () -> "ok");
    tenants.execute("acme", () -> "ok");
    assertThatThrownBy(() -> tenants.execute("acme", () -> "ok"))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(tenants.execute("globex", () -> "ok")).isEqualTo("ok");
  }

  @Test
  void theFleetsCallsPayForItsRetries() {
    FleetRetryBudget payments =
        fleet.retryBudget(
            FleetRetryBudgetConfig.builder("payments").ratio(0.1).minRetriesPerSecond(10).build());

    // 10 retries a second over a 10 s window, before any call: 100.
    int granted = 0;
    while (payments.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      payments.onCall();
    }
    assertThat(payments.tryAcquire()).isTrue();
    assertThat(payments.available()).isCloseTo(9.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void retriesOfEveryPolicyDrawOnTheFleetBudget() {
    FleetRetryBudget payments =
        fleet.retryBudget(
            FleetRetryBudgetConfig.builder("payments").ratio(0.1).minRetriesPerSecond(0).build());
    RetryConfig retry =
        RetryConfig.builder().maxRetries(2).budget(payments.toRetryBudget()).build();
    Policy policy = Policy.builder("payments").retry(retry).scheduler(scheduler).build();
    AtomicInteger attempts = new AtomicInteger();

    // 10 calls pay for one retry (ratio 0.1): the first failing call gets it, the next none.
    for (int i = 0; i < 10; i++) {
      policy.execute(() -> "ok");
    }
    assertThatThrownBy(
            () ->
                policy.execute(
                    () -> {
                      attempts.incrementAndGet();
                      throw new ServiceUnavailableException("payments", "down");
                    }))
        .isInstanceOf(ServiceUnavailableException.class);

    assertThat(attempts.get()).isEqualTo(2);
    assertThat(payments.toRetryBudget()).isSameAs(payments.toRetryBudget());
    assertThat(payments.admitted(FleetStatus.SHARED)).isEqualTo(1);
    assertThat(payments.refused(FleetStatus.SHARED)).isEqualTo(1);
  }

  @Test
  void healthAndMetricsShowTheFallback() throws Exception {
    HealthCheckRegistry registry = HealthCheckRegistry.builder().build();
    MeterRegistry meters = new SimpleMeterRegistry();
    registry.register("fleet", FleetHealthCheck.of(fleet));
    FleetMetrics.of(fleet).bindTo(meters);

    FleetRateLimiter limiter =
        fleet.rateLimiter(FleetRateLimitConfig.builder("partner-api").build());
    backend.fault(Fault.FAIL);
    limiter.acquire(0);

    assertThat(meters.get(FleetMetrics.FALLBACKS).functionCounter().count()).isEqualTo(1);
    registry.lifecycle().markStartupComplete();
    HealthReport ready = registry.readiness();

    // Degraded, not down: the instance stays in the load balancer and serves on its local share.
    assertThat(ready.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(ready.check("fleet").orElseThrow().result().status())
        .isEqualTo(HealthStatus.DEGRADED);
    registry.close();
  }

  @Test
  void aCallerNeverWaitsOnAHungEngineBeyondTheTimeout() throws Exception {
    FleetEngine quick =
        FleetEngines.builder(backend).scheduler(scheduler).timeout(Duration.ofMillis(20)).build();
    Policy partner =
        Policy.builder("partner")
            .rateLimiter(quick.rateLimiter(FleetRateLimitConfig.builder("p").build()))
            .build();
    backend.fault(Fault.HANG);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      long start = System.nanoTime();
      Future<String> answer = caller.submit(() -> partner.execute(() -> "ok"));
      assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    } finally {
      caller.shutdownNow();
      quick.close();
    }
  }
}
