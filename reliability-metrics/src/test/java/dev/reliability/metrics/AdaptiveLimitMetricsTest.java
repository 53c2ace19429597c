package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.policy.AdaptiveLimitConfig.Algorithm;
import dev.reliability.core.policy.Policy;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Meters of a policy's adaptive concurrency limit, on the injected clock. */
class AdaptiveLimitMetricsTest {

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<CompletableFuture<String>> held = new ArrayList<>();
  private final AtomicReference<String> trafficClass = new AtomicReference<>();
  private Policy policy;

  @AfterEach
  void close() {
    held.forEach(f -> f.complete("released"));
    if (policy != null) {
      policy.close();
    }
  }

  private Policy bound(AdaptiveLimitConfig config) {
    policy =
        Policy.builder("inventory")
            .adaptiveLimit(config)
            .trafficClass(trafficClass::get)
            .scheduler(scheduler)
            .executor(Runnable::run)
            .build();
    PolicyMetrics.of(policy).bindTo(meters);
    return policy;
  }

  /** AIMD from a fixed starting limit: no start-up probe, so admission is exact. */
  private static AdaptiveLimitConfig.Builder aimd(int initial) {
    return AdaptiveLimitConfig.builder()
        .algorithm(Algorithm.AIMD)
        .initialLimit(initial)
        .minLimit(1)
        .maxLimit(100);
  }

  private double gauge(String name) {
    return meters.get(name).tag("name", "inventory").gauge().value();
  }

  private double counter(String name) {
    return meters.get(name).tag("name", "inventory").functionCounter().count();
  }

  private double partitionGauge(String name, String partition) {
    return meters.get(name).tag("name", "inventory").tag("partition", partition).gauge().value();
  }

  private double partitionCounter(String name, String partition) {
    return meters
        .get(name)
        .tag("name", "inventory")
        .tag("partition", partition)
        .functionCounter()
        .count();
  }

  /** Starts an asynchronous call that holds its permit until the test ends. */
  private CompletableFuture<String> hold() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    held.add(stage);
    return policy.executeAsync(() -> stage);
  }

  @Test
  void theLimitAndTheLatencyItFollowsShowInTheMeters() {
    Policy p = bound(AdaptiveLimitConfig.ofDefaults());
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_LATENCY_BASELINE)).isZero();
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_MIN))
        .isEqualTo(AdaptiveLimitConfig.ofDefaults().minLimit());
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_MAX))
        .isEqualTo(AdaptiveLimitConfig.ofDefaults().maxLimit());

    for (int i = 0; i < 20; i++) {
      p.execute(
          () -> {
            scheduler.timeSource().advance(Duration.ofMillis(10));
            return "ok";
          });
    }

    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT)).isEqualTo(20);
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_LATENCY_BASELINE)).isEqualTo(0.010);
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_LATENCY_ESTIMATE))
        .isEqualTo(p.adaptiveLimit().orElseThrow().latencyEstimateNanos() / 1e9)
        .isPositive();
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_CONCURRENT)).isZero();
    assertThat(meters.find(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_LIMIT).meters()).isEmpty();
  }

  @Test
  void callsInFlightAndRefusalsAreCountedAsConcurrencyLimited() {
    bound(aimd(2).build());
    hold();
    hold();
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_CONCURRENT)).isEqualTo(2);
    assertThat(counter(PolicyMetrics.ADAPTIVE_LIMIT_REJECTIONS)).isZero();

    assertThat(hold()).isCompletedExceptionally();

    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT)).isEqualTo(2);
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_CONCURRENT)).isEqualTo(2);
    assertThat(counter(PolicyMetrics.ADAPTIVE_LIMIT_REJECTIONS)).isEqualTo(1);
    assertThat(
            meters
                .get(PolicyMetrics.REJECTIONS)
                .tag("name", "inventory")
                .tag("reason", "concurrency_limited")
                .functionCounter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void eachPartitionHasItsReservationCallsInFlightAndRefusals() {
    bound(aimd(5).partition("critical", 0.4).build());
    assertThat(partitionGauge(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_LIMIT, "critical"))
        .isEqualTo(2);
    assertThat(partitionGauge(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_LIMIT, "default")).isZero();

    // The default partition may not take the two permits reserved for the critical one.
    for (int i = 0; i < 4; i++) {
      hold();
    }
    trafficClass.set("critical");
    hold();

    assertThat(partitionGauge(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_CONCURRENT, "default"))
        .isEqualTo(3);
    assertThat(partitionCounter(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_REJECTIONS, "default"))
        .isEqualTo(1);
    assertThat(partitionGauge(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_CONCURRENT, "critical"))
        .isEqualTo(1);
    assertThat(partitionCounter(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_REJECTIONS, "critical"))
        .isZero();
    assertThat(gauge(PolicyMetrics.ADAPTIVE_LIMIT_CONCURRENT)).isEqualTo(4);
  }

  @Test
  void theAdaptiveLimitsPrometheusNamesAreTheOnesTheAlertsRead() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    policy =
        Policy.builder("inventory")
            .adaptiveLimit(aimd(5).partition("critical", 0.4).build())
            .scheduler(scheduler)
            .build();
    PolicyMetrics.of(policy).bindTo(prometheus);

    assertThat(prometheus.scrape())
        .contains("reliability_adaptivelimit_limit{name=\"inventory\"} 5")
        .contains("reliability_adaptivelimit_min_limit{name=\"inventory\"} 1")
        .contains("reliability_adaptivelimit_max_limit{name=\"inventory\"} 100")
        .contains("reliability_adaptivelimit_concurrent_calls{name=\"inventory\"} 0")
        .contains("reliability_adaptivelimit_rejections_total{name=\"inventory\"} 0")
        .contains("reliability_adaptivelimit_latency_estimate_seconds{name=\"inventory\"} 0")
        .contains("reliability_adaptivelimit_latency_baseline_seconds{name=\"inventory\"} 0")
        .contains(
            "reliability_policy_rejections_total{name=\"inventory\",reason=\"concurrency_limited\"}"
                + " 0")
        .contains(
            "reliability_adaptivelimit_partition_limit{name=\"inventory\",partition=\"critical\"}"
                + " 2")
        .contains(
            "reliability_adaptivelimit_partition_concurrent_calls{name=\"inventory\","
                + "partition=\"default\"} 0")
        .contains(
            "reliability_adaptivelimit_partition_rejections_total{name=\"inventory\","
                + "partition=\"critical\"} 0");
  }
}
