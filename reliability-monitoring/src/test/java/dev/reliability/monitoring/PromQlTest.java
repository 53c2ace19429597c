package dev.reliability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsMetricNamesButNotFunctionsLabelsOrKeywords() {
    assertThat(
            PromQl.metricNames(
                "sum by (service, le) (rate(a_bucket{x=\"y or z\"}[5m])) / on (service)"
                    + " slo:ratio_rate1h{slo=\"s\"} > 0.5 and histogram_quantile(0.99, b_count)"))
        .containsExactly("a_bucket", "b_count", "slo:ratio_rate1h");
  }
}
