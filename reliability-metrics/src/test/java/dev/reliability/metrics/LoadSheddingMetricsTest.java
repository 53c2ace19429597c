package dev.reliability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.core.shedding.LoadShedder;
import dev.reliability.core.shedding.LoadSheddingConfig;
import dev.reliability.test.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LoadSheddingMetricsTest {

  private static final Function<String, String> NO_HEADERS = h -> null;
  private static final Function<String, String> INTERACTIVE =
      h -> h.equals("X-Traffic-Class") ? "interactive" : null;

  private final ManualTimeSource time = ManualTimeSource.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** A fixed limit of 3 with a share of 0.4 (one permit) reserved for interactive requests. */
  private LoadShedder shedder() {
    return LoadShedder.builder(
            LoadSheddingConfig.builder()
                .limit(
                    AdaptiveLimitConfig.builder()
                        .initialLimit(3)
                        .minLimit(3)
                        .maxLimit(3)
                        .partition("interactive", 0.4)
                        .build())
                .exemptPaths(List.of("/health"))
                .build())
        .timeSource(time)
        .build();
  }

  private double count(String meter, String tag, String value) {
    return meters.get(meter).tag("name", "inbound").tag(tag, value).functionCounter().count();
  }

  @Test
  void admittedExemptAndShedRequestsAreCountedPerTrafficClass() {
    LoadShedder shedder = shedder();
    LoadSheddingMetrics.of(shedder).bindTo(meters);

    // Two default requests take what the interactive reservation leaves; the third is shed.
    assertThat(shedder.acquire("GET", "/api", NO_HEADERS).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", NO_HEADERS).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", NO_HEADERS).admitted()).isFalse();
    assertThat(shedder.acquire("GET", "/api", INTERACTIVE).admitted()).isTrue();
    assertThat(shedder.acquire("GET", "/api", INTERACTIVE).admitted()).isFalse();
    assertThat(shedder.acquire("GET", "/health/ready", NO_HEADERS).exempt()).isTrue();

    assertThat(count(LoadSheddingMetrics.REQUESTS, "outcome", "admitted")).isEqualTo(3);
    assertThat(count(LoadSheddingMetrics.REQUESTS, "outcome", "exempt")).isEqualTo(1);
    assertThat(count(LoadSheddingMetrics.SHED, "traffic_class", "default")).isEqualTo(1);
    assertThat(count(LoadSheddingMetrics.SHED, "traffic_class", "interactive")).isEqualTo(1);
    assertThat(
            meters
                .get(LoadSheddingMetrics.UNKNOWN_TRAFFIC_CLASS)
                .tag("name", "inbound")
                .functionCounter()
                .count())
        .isZero();
    // The limiter's own meters, as for a policy's adaptive limit.
    assertThat(meters.get(PolicyMetrics.ADAPTIVE_LIMIT).tag("name", "inbound").gauge().value())
        .isEqualTo(3);
    assertThat(
            meters
                .get(PolicyMetrics.ADAPTIVE_LIMIT_CONCURRENT)
                .tag("name", "inbound")
                .gauge()
                .value())
        .isEqualTo(3);
    assertThat(
            meters
                .get(PolicyMetrics.ADAPTIVE_LIMIT_PARTITION_REJECTIONS)
                .tag("name", "inbound")
                .tag("partition", "interactive")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(meters.find(PolicyMetrics.REJECTIONS).meters()).isEmpty();
  }

  @Test
  void thePrometheusNamesAreTheOnesTheAlertsRead() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LoadSheddingMetrics.of(shedder()).bindTo(prometheus);

    assertThat(prometheus.scrape())
        .contains("reliability_shedding_requests_total{name=\"inbound\",outcome=\"admitted\"} 0")
        .contains("reliability_shedding_shed_total{name=\"inbound\",traffic_class=\"default\"} 0")
        .contains("reliability_shedding_unknown_traffic_class_total{name=\"inbound\"} 0")
        .contains("reliability_adaptivelimit_limit{name=\"inbound\"} 3");
  }

  @Test
  void aNullShedderIsRefused() {
    assertThatThrownBy(() -> LoadSheddingMetrics.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("shedder");
  }
}
