package dev.reliability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by {@code ScrapeParametersFuzzTest}: a media range or coding of only semicolons (such as
 * {@code Accept: ;;.}) split into no parts at all and failed the scrape with {@code
 * ArrayIndexOutOfBoundsException} (a 500 and a logged stack trace per request). It is now ignored.
 */
class ScrapeHeaderParsingTest {

  @ParameterizedTest
  @ValueSource(strings = {";", ";;.", "text/plain,;", ";,application/openmetrics-text;q=0"})
  void rangesOfOnlySemicolonsAreIgnored(String accept) {
    assertThat(Scrape.prefersOpenMetrics(accept)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {";", ";;", "identity,;"})
  void codingsOfOnlySemicolonsAreIgnored(String acceptEncoding) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    Scrape.Response response = Scrape.render(registry, ";", acceptEncoding, Set.of());

    assertThat(response.gzipped()).isFalse();
    assertThat(response.contentType()).isEqualTo(Scrape.TEXT_004);
  }
}
