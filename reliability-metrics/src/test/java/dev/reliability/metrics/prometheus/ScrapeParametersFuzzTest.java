package dev.reliability.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.reliability.metrics.internal.Scrape;
import dev.reliability.test.CpuTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Set;

/**
 * Fuzzes the scrape handler's request parsing: hostile query strings with {@code name[]} parameters
 * (percent-encoding included), {@code Accept} and {@code Accept-Encoding} headers, up to 8 KB each.
 * The contract: a set of names that each came from a {@code name[]} parameter, and a rendered
 * scrape in one of the two formats; never an exception, linear time.
 */
class ScrapeParametersFuzzTest {

  private static final int MAX_LENGTH = 8 * 1024;
  private static final PrometheusMeterRegistry REGISTRY = registry();

  private static boolean warm;

  /**
   * Runs the target a few times before the first measured call, once Jazzer's agent has
   * instrumented it, so the CPU bound measures the work and not class loading.
   */
  private static void warmUpOnce() {
    if (warm) {
      return;
    }
    warm = true;
    // Renders every format once, so the CPU bound measures the request, not class loading.
    try {
      for (String accept : new String[] {null, "application/openmetrics-text;q=0.9", "*/*;q=x"}) {
        Scrape.render(REGISTRY, accept, "gzip", PrometheusScrapeHandler.names("name[]=%zz&a"));
        Scrape.render(REGISTRY, accept, null, Set.of());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Scrape.Response render(String accept, String encoding, Set<String> names) {
    try {
      return Scrape.render(REGISTRY, accept, encoding, names);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("fuzz.requests").tag("outcome", "ok").register(registry).increment();
    Counter.builder("fuzz.errors").register(registry);
    return registry;
  }

  @FuzzTest(maxDuration = "60s")
  void hostileScrapeRequestsRenderOrSelectNothing(FuzzedDataProvider data) throws IOException {
    warmUpOnce();
    String accept = data.consumeBoolean() ? null : data.consumeString(MAX_LENGTH);
    String encoding = data.consumeBoolean() ? null : data.consumeString(256);
    String query = data.consumeRemainingAsString();
    if (query.length() > MAX_LENGTH) {
      return;
    }

    CpuTime.Measured<Scrape.Response> scraped =
        CpuTime.measure(
            200_000_000L, () -> render(accept, encoding, PrometheusScrapeHandler.names(query)));
    Set<String> names = PrometheusScrapeHandler.names(query);
    Scrape.Response response = scraped.value();

    assertThat(scraped.nanos()).as("CPU nanoseconds of one scrape").isLessThan(200_000_000L);
    if (!query.contains("name")) {
      assertThat(names).isEmpty();
    }
    assertThat(names.size()).isLessThanOrEqualTo(query.length() / 7 + 1);
    assertThat(response.contentType()).isIn(Scrape.TEXT_004, Scrape.OPENMETRICS_100);
    assertThat(response.body()).isNotNull();
  }
}
