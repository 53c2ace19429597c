package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.reliability.core.error.ServiceUnavailableException;
import dev.reliability.core.error.ThrottledException;
import dev.reliability.core.policy.AdaptiveThrottle;
import dev.reliability.core.policy.HedgeConfig;
import dev.reliability.core.policy.Policy;
import dev.reliability.core.policy.RetryBudget;
import dev.reliability.core.policy.ThrottleConfig;
import dev.reliability.test.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Meters of the load-aware components: the client-side throttle and hedging. */
class PolicyLoadMetricsTest {

  private static final Duration DELAY = Duration.ofMillis(100);

  private final ManualScheduler scheduler = ManualScheduler.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<CompletableFuture<String>> stages = new CopyOnWriteArrayList<>();
  private Policy policy;

  @AfterEach
  void close() {
    stages.forEach(s -> s.complete("released"));
    pool.shutdownNow();
    if (policy != null) {
      policy.close();
    }
  }

  private Policy bound(Policy.Builder builder) {
    policy = builder.scheduler(scheduler).executor(pool).build();
    PolicyMetrics.of(policy).bindTo(meters);
    return policy;
  }

  private double gauge(String name) {
    return meters.get(name).tag("name", "inventory").gauge().value();
  }

  private double counter(String name) {
    return meters.get(name).tag("name", "inventory").functionCounter().count();
  }

  private static String unavailable() {
    throw new ServiceUnavailableException("inventory", "503 from inventory");
  }

  @Test
  void theThrottlesWindowProbabilityAndRefusalsShowInTheMeters() {
    Policy p = bound(Policy.builder("inventory").throttle(throttle()));
    assertThat(gauge(PolicyMetrics.THROTTLE_REJECTION_PROBABILITY)).isZero();

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> p.execute(PolicyLoadMetricsTest::unavailable))
          .isInstanceOf(ServiceUnavailableException.class);
    }
    // (3 - 2 * 0) / (3 + 1)
    assertThat(gauge(PolicyMetrics.THROTTLE_WINDOW_REQUESTS)).isEqualTo(3);
    assertThat(gauge(PolicyMetrics.THROTTLE_WINDOW_ACCEPTS)).isZero();
    assertThat(gauge(PolicyMetrics.THROTTLE_REJECTION_PROBABILITY)).isEqualTo(0.75);
    assertThat(counter(PolicyMetrics.THROTTLE_REJECTIONS)).isZero();

    // The refusals are random: count those the callers saw, at most 200 tries.
    int refused = 0;
    for (int i = 0; i < 200 && refused < 5; i++) {
      Throwable t = catchThrowable(() -> p.execute(PolicyLoadMetricsTest::unavailable));
      if (t instanceof ThrottledException) {
        refused++;
      }
    }
    assertThat(refused).isEqualTo(5);
    AdaptiveThrottle throttle = p.throttle().orElseThrow();
    assertThat(counter(PolicyMetrics.THROTTLE_REJECTIONS)).isEqualTo(5);
    assertThat(
            meters
                .get(PolicyMetrics.REJECTIONS)
                .tag("name", "inventory")
                .tag("reason", "throttled")
                .functionCounter()
                .count())
        .isEqualTo(5);
    assertThat(gauge(PolicyMetrics.THROTTLE_WINDOW_REQUESTS)).isEqualTo(throttle.requests());
    assertThat(gauge(PolicyMetrics.THROTTLE_REJECTION_PROBABILITY))
        .isEqualTo(throttle.rejectionProbability())
        .isGreaterThan(0.75);
  }

  @Test
  void theThrottlesWindowSlidesOnThePolicysClock() {
    Policy p = bound(Policy.builder("inventory").throttle(throttle()));
    for (int i = 0; i < 3; i++) {
      catchThrowable(() -> p.execute(PolicyLoadMetricsTest::unavailable));
    }
    assertThat(gauge(PolicyMetrics.THROTTLE_REJECTION_PROBABILITY)).isGreaterThan(0);

    scheduler.advance(Duration.ofMinutes(3));

    assertThat(gauge(PolicyMetrics.THROTTLE_WINDOW_REQUESTS)).isZero();
    assertThat(gauge(PolicyMetrics.THROTTLE_REJECTION_PROBABILITY)).isZero();
  }

  private static ThrottleConfig throttle() {
    return ThrottleConfig.builder().window(Duration.ofMinutes(2)).minimumRequests(3).build();
  }

  private CompletableFuture<String> startRun() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    stages.add(stage);
    return stage;
  }

  private void hedgeOnce(int runsAfter) {
    scheduler.advance(DELAY);
    await().atMost(Duration.ofSeconds(10)).until(() -> stages.size() == runsAfter);
  }

  @Test
  void hedgesStartedWonAndDeniedByTheBudgetAreCounted() throws Exception {
    Policy p =
        bound(
            Policy.builder("inventory")
                .hedge(HedgeConfig.builder().delay(DELAY).budget(RetryBudget.of(0.0, 1)).build()));
    assertThat(gauge(PolicyMetrics.HEDGE_DELAY)).isEqualTo(0.1);

    CompletableFuture<String> one = p.executeAsync(this::startRun);
    hedgeOnce(2);
    stages.get(1).complete("from the hedge");
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo("from the hedge");
    assertThat(counter(PolicyMetrics.HEDGE_STARTED)).isEqualTo(1);
    assertThat(counter(PolicyMetrics.HEDGE_WINS)).isEqualTo(1);
    assertThat(counter(PolicyMetrics.HEDGE_BUDGET_REJECTIONS)).isZero();

    CompletableFuture<String> two = p.executeAsync(this::startRun);
    scheduler.advance(DELAY.multipliedBy(5));
    stages.get(2).complete("slow first run");
    assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo("slow first run");

    assertThat(counter(PolicyMetrics.HEDGE_STARTED)).isEqualTo(1);
    assertThat(counter(PolicyMetrics.HEDGE_WINS)).isEqualTo(1);
    assertThat(counter(PolicyMetrics.HEDGE_BUDGET_REJECTIONS)).isEqualTo(1);
  }

  @Test
  void theLoadMetersHavePrometheusNamesTheAlertsRead() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    policy =
        Policy.builder("inventory")
            .throttle(throttle())
            .hedge(HedgeConfig.ofDelay(Duration.ofMillis(250)))
            .scheduler(scheduler)
            .executor(pool)
            .build();
    PolicyMetrics.of(policy).bindTo(prometheus);

    assertThat(prometheus.scrape())
        .contains("reliability_throttle_rejection_probability{name=\"inventory\"} 0.0")
        .contains("reliability_throttle_window_requests{name=\"inventory\"} 0.0")
        .contains("reliability_throttle_window_accepts{name=\"inventory\"} 0.0")
        .contains("reliability_throttle_rejections_total{name=\"inventory\"} 0.0")
        .contains("reliability_policy_rejections_total{name=\"inventory\",reason=\"throttled\"} 0")
        .contains("reliability_hedge_started_total{name=\"inventory\"} 0.0")
        .contains("reliability_hedge_wins_total{name=\"inventory\"} 0.0")
        .contains("reliability_hedge_budget_rejections_total{name=\"inventory\"} 0.0")
        .contains("reliability_hedge_delay_seconds{name=\"inventory\"} 0.25");
  }
}
