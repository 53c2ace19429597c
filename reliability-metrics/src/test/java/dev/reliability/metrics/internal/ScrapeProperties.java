package dev.reliability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

class ScrapeProperties {

  @Property
  void neverThrowsOnAnyHeader(@ForAll String accept) {
    Scrape.prefersOpenMetrics(accept);
  }

  @Property
  void theHigherQualityWins(
      @ForAll @DoubleRange(min = 0.01, max = 1) double om,
      @ForAll @DoubleRange(min = 0.01, max = 1) double text) {
    String header = "text/plain;version=0.0.4;q=" + text + ",application/openmetrics-text;q=" + om;
    assertThat(Scrape.prefersOpenMetrics(header)).isEqualTo(om > text);
  }

  @Property
  void withoutOpenMetricsTheAnswerIsText(@ForAll String other) {
    String header = "text/plain," + other.replace("openmetrics", "");
    assertThat(Scrape.prefersOpenMetrics(header)).isFalse();
  }
}
