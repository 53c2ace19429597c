package dev.reliability.metrics.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapabilityReportTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void warnsAboutPrometheusFamiliesThatClash() {
    Counter.builder("app.jobs").tag("queue", "a").register(registry);
    Counter.builder("app.jobs").tags("queue", "b", "priority", "high").register(registry);
    Gauge.builder("app.jobs.total", () -> 1).register(registry);

    // The registry does not keep registration order, so either meter may count as the first.
    assertThat(CapabilityReport.check(Backend.PROMETHEUS, registry.getMeters(), false).warnings())
        .extracting(Object::toString)
        .hasSize(2)
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("prometheus app.jobs: has tag keys ")
                    .contains("[priority, queue]", "[queue]", "family app_jobs_total")
                    .endsWith("; the Prometheus registry exports only the first"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("maps to Prometheus family app_jobs_total like ")
                    .endsWith("; the Prometheus registry exports only the first"));
  }

  @Test
  void thePrometheusRegistryReallyLosesTheSecondMeter() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("app.jobs").tag("queue", "a").register(prometheus).increment();
    try {
      Counter.builder("app.jobs")
          .tags("queue", "b", "priority", "high")
          .register(prometheus)
          .increment();
    } catch (IllegalArgumentException e) {
      // Some Micrometer versions refuse it outright; either way it is not exported.
    }
    assertThat(prometheus.scrape()).contains("queue=\"a\"").doesNotContain("priority");
  }

  @Test
  void warnsAboutCloudWatchAndStackdriverLimits() {
    Tags tags = Tags.empty();
    for (int i = 0; i < 31; i++) {
      tags = tags.and("t" + i, "v");
    }
    Counter.builder("app.wide").tags(tags).register(registry);
    Counter.builder("app.long").tag("note", "x".repeat(1025)).register(registry);

    assertThat(CapabilityReport.check(Backend.CLOUDWATCH, registry.getMeters(), false).warnings())
        .extracting(Object::toString)
        .containsExactlyInAnyOrder(
            "cloudwatch app.wide: has 31 dimensions; CloudWatch accepts at most 30 and rejects its"
                + " data",
            "cloudwatch app.long: dimension note is longer than 1024 characters; CloudWatch"
                + " rejects it");
    assertThat(CapabilityReport.check(Backend.STACKDRIVER, registry.getMeters(), false).warnings())
        .extracting(CapabilityWarning::meter)
        .containsExactlyInAnyOrder("app.wide", "app.long");
    assertThat(CapabilityReport.check(Backend.OTLP, registry.getMeters(), false).isClean())
        .isTrue();
  }

  @Test
  void warnsThatDatadogNeedsAnApplicationKeyForMetadata() {
    Counter.builder("app.jobs").description("Jobs").register(registry);
    Counter.builder("app.tagged").tag("note", "y".repeat(200)).register(registry);

    assertThat(CapabilityReport.check(Backend.DATADOG, registry.getMeters(), false).warnings())
        .extracting(Object::toString)
        .containsExactlyInAnyOrder(
            "datadog app.tagged: tag note is 205 characters long; Datadog truncates tags at 200",
            "datadog *: 1 meters have descriptions or base units, which Datadog only receives with"
                + " an application key (reliability.metrics.datadog.application-key)");
    assertThat(CapabilityReport.check(Backend.DATADOG, registry.getMeters(), true).warnings())
        .hasSize(1);
  }

  @Test
  void checksEveryBackendOfAnExporterSet() {
    try (MetricsExporters exporters =
        MetricsExporters.builder().configSource(ConfigSource.fromMap("test", Map.of())).build()) {
      PrometheusMeterRegistry prometheus = exporters.prometheus().orElseThrow();
      Counter.builder("app.jobs").tag("queue", "a").register(prometheus);
      Gauge.builder("app.jobs.total", () -> 1).register(prometheus);

      CapabilityReport report = exporters.capabilityReport();
      assertThat(report.isClean()).isFalse();
      assertThat(report.warnings())
          .extracting(CapabilityWarning::backend)
          .containsOnly(Backend.PROMETHEUS);
      assertThat(report.toString()).startsWith("CapabilityReport[\n  prometheus app.jobs.total");
    }
  }
}
