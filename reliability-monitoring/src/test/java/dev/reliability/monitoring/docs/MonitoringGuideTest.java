package dev.reliability.monitoring.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.policy.PolicyRegistry;
import dev.reliability.metrics.PolicyMetrics;
import dev.reliability.metrics.ReliabilityMetrics;
import dev.reliability.monitoring.LintReport;
import dev.reliability.monitoring.MetricsLint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code shown in docs/monitoring.md; the docs check asserts the text matches. */
class MonitoringGuideTest {

  @Test
  void theLibrarysOwnScrapePassesTheLint() {
    try (ReliabilityMetrics metrics =
            ReliabilityMetrics.builder()
                .service("checkout")
                .configSource(ConfigSource.fromMap("test", Map.of()))
                .build();
        PolicyRegistry policies = PolicyRegistry.ofDefaults()) {
      PolicyMetrics.of(policies).bindTo(metrics.registry());
      policies.policy("inventory").execute(() -> "in stock");

      // docs/monitoring.md: self-lint
      LintReport report =
          MetricsLint.builder()
              .maxSeries(5_000)
              .ignore(MetricsLint.MICROMETER_EXCEPTIONS)
              .build()
              .check(metrics.prometheus().orElseThrow());
      assertThat(report.problems()).isEmpty();

      assertThat(metrics.prometheus().orElseThrow().scrape())
          .contains("reliability_policy_calls_seconds_count{name=\"inventory\"");
    }
  }
}
