package dev.reliability.metrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.metrics.CardinalityGuard;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpServerMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTimeSource time = ManualTimeSource.create();
  private final HttpServerMetrics metrics =
      HttpServerMetrics.builder().timeSource(time).maxRoutes(3).build(registry);

  @Test
  void recordsDurationByMethodRouteAndStatusClass() {
    long start = metrics.start();
    assertThat(metrics.activeRequests()).isEqualTo(1);
    assertThat(registry.get(HttpServerMetrics.ACTIVE_REQUESTS).gauge().value()).isEqualTo(1.0);
    time.advance(Duration.ofMillis(120));
    metrics.stop(start, "GET", "/orders", 200, null);

    Timer timer =
        registry
            .get(HttpServerMetrics.REQUESTS)
            .tag("method", "GET")
            .tag("route", "/orders")
            .tag("status_class", "2xx")
            .timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120.0);
    assertThat(metrics.activeRequests()).isZero();
    assertThat(metrics.requestCount()).isEqualTo(1);
    assertThat(metrics.averageDuration()).isEqualTo(Duration.ofMillis(120));
    assertThat(registry.find(HttpServerMetrics.ERRORS).counters()).isEmpty();
  }

  @Test
  void histogramHasTheDefaultSloBuckets() {
    metrics.record("GET", "/orders", 200, null, Duration.ofMillis(30).toNanos());
    Timer timer = registry.get(HttpServerMetrics.REQUESTS).timer();
    CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
    assertThat(Arrays.stream(buckets).mapToDouble(b -> b.bucket(TimeUnit.MILLISECONDS)))
        .containsExactly(
            5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d, 5000d, 10_000d, 30_000d);
    assertThat(buckets[3].count()).isEqualTo(1.0); // le 50ms
    assertThat(buckets[2].count()).isZero(); // le 25ms
  }

  @Test
  void countsErrorsByStatusClassAndErrorCode() {
    metrics.record("POST", "/orders", 503, "SERVICE_UNAVAILABLE", 1_000);
    metrics.record("POST", "/orders", 503, "SERVICE_UNAVAILABLE", 1_000);
    metrics.record("POST", "/orders", 404, null, 1_000);

    assertThat(
            registry
                .get(HttpServerMetrics.ERRORS)
                .tag("status_class", "5xx")
                .tag("error_code", "SERVICE_UNAVAILABLE")
                .counter()
                .count())
        .isEqualTo(2.0);
    assertThat(
            registry
                .get(HttpServerMetrics.ERRORS)
                .tag("status_class", "4xx")
                .tag("error_code", "none")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(metrics.serverErrorCount()).isEqualTo(2);
  }

  @Test
  void boundsMethodsStatusesAndRoutes() {
    metrics.record("BREW", "/a", 99, null, 1);
    metrics.record("GET", "/b", 200, null, 1);
    metrics.record("GET", "/c", 200, null, 1);
    metrics.record("GET", "/d", 200, null, 1);
    metrics.record(null, null, 700, null, -5);

    assertThat(
            registry
                .get(HttpServerMetrics.REQUESTS)
                .tag("method", "OTHER")
                .tag("status_class", "unknown")
                .timers())
        .hasSize(2);
    assertThat(
            registry
                .get(HttpServerMetrics.REQUESTS)
                .tag("route", CardinalityGuard.OVERFLOW)
                .timers()
                .stream()
                .mapToLong(Timer::count)
                .sum())
        .isEqualTo(2);
    assertThat(registry.get(CardinalityGuard.OVERFLOW_METER).tag("tag", "route").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void percentileHistogramAddsMicrometerBuckets() {
    HttpServerMetrics fine =
        HttpServerMetrics.builder()
            .percentileHistogram(true)
            .serviceLevelObjectives(Duration.ofMillis(300))
            .build(new SimpleMeterRegistry());
    fine.record("GET", "/", 200, null, 1_000_000);
    // The registry is private to the instance above; a second one checks the builder validation.
    assertThatThrownBy(() -> HttpServerMetrics.builder().serviceLevelObjectives())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("buckets.length must be between 1 and 50, was 0");
    assertThatThrownBy(() -> HttpServerMetrics.builder().serviceLevelObjectives(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bucket must be longer than zero, was 0s");
    assertThatThrownBy(() -> HttpServerMetrics.builder().maxRoutes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRoutes must be between 1 and 100000, was 0");
  }

  @Test
  void percentileHistogramPublishesManyBuckets() {
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpServerMetrics.builder()
        .percentileHistogram(true)
        .build(own)
        .record("GET", "/", 200, null, 1);
    assertThat(own.scrape().lines().filter(l -> l.contains("_seconds_bucket{")).count())
        .isGreaterThan(60);
  }
}
