package dev.reliability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped monitoring files are what the code generates. Regenerate them with {@code mvn -B
 * verify -pl reliability-monitoring -am -Dreliability.docs.update=true}.
 */
class MonitoringFilesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<Path> DIRECTORIES =
      List.of(
          ROOT.resolve("docs/monitoring"),
          ROOT.resolve(
              "reliability-monitoring/src/main/resources/" + MonitoringFiles.RESOURCE_DIR));

  private final Map<String, String> generated =
      MonitoringFiles.all(MonitoringDeclaration.defaults());

  @Test
  void committedFilesMatchTheGeneratedOnes() throws IOException {
    if (Boolean.getBoolean("reliability.docs.update")) {
      for (Path dir : DIRECTORIES) {
        MonitoringFiles.write(MonitoringDeclaration.defaults(), dir);
      }
    }
    List<String> stale = new ArrayList<>();
    for (Path dir : DIRECTORIES) {
      for (Map.Entry<String, String> e : generated.entrySet()) {
        Path file = dir.resolve(e.getKey());
        String committed =
            Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "<missing>";
        if (!committed.equals(e.getValue())) {
          stale.add(ROOT.relativize(file).toString());
        }
      }
    }
    assertThat(stale).as("out of date; regenerate with -Dreliability.docs.update=true").isEmpty();
  }

  @Test
  void everyAlertHasARunbookEntryInTheDocs() throws IOException {
    String alerts = Files.readString(ROOT.resolve("docs/alerts.md"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    for (String name : MonitoringDeclaration.defaults().alertNames()) {
      String section = "\n### " + name + "\n";
      int at = alerts.indexOf(section);
      if (at < 0) {
        missing.add(name);
        continue;
      }
      int end = alerts.indexOf("\n### ", at + section.length());
      String entry = alerts.substring(at, end < 0 ? alerts.length() : end);
      if (!entry.contains("**Means**")
          || !entry.contains("**Investigate**")
          || !entry.contains("**Mitigate**")) {
        missing.add(name + " (incomplete)");
      }
    }
    assertThat(missing).as("alerts without a complete runbook entry in docs/alerts.md").isEmpty();
  }

  @Test
  void theFilesAreOnTheClassPath() throws IOException {
    for (String name : generated.keySet()) {
      try (InputStream in =
          getClass()
              .getClassLoader()
              .getResourceAsStream(MonitoringFiles.RESOURCE_DIR + "/" + name)) {
        assertThat(in).as(name).isNotNull();
      }
    }
  }

  @Test
  void rulesHaveThreeGroupsAndEveryAlertHasASeverityAndARunbook() throws IOException {
    JsonNode rules = new YAMLMapper().readTree(generated.get(MonitoringFiles.RULES));
    assertThat(rules.get("groups"))
        .extracting(g -> g.get("name").asText())
        .containsExactly(
            "reliability-slo-recordings", "reliability-slo-alerts", "reliability-alerts");
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        if (rule.has("alert")) {
          assertThat(rule.at("/labels/severity").asText()).isIn("page", "ticket");
          assertThat(rule.at("/annotations/runbook_url").asText())
              .startsWith(MonitoringDeclaration.DEFAULT_RUNBOOK_BASE + "#reliability");
        }
      }
    }
  }

  @Test
  void burnRateAlertsCarryTheirTierAndTheAlertmanagerInhibitsSlowerTiers() throws IOException {
    JsonNode am = new YAMLMapper().readTree(generated.get(MonitoringFiles.ALERTMANAGER));
    List<String> inhibitions = new ArrayList<>();
    for (JsonNode rule : am.get("inhibit_rules")) {
      inhibitions.add(
          rule.get("source_matchers").toString() + " -> " + rule.get("target_matchers"));
    }
    assertThat(inhibitions)
        .contains(
            "[\"alertname=\\\"ReliabilityErrorBudgetBurn\\\"\",\"tier=\\\"1\\\"\"] ->"
                + " [\"alertname=\\\"ReliabilityErrorBudgetBurn\\\"\",\"tier=~\\\"2|3|4\\\"\"]",
            "[\"severity=\\\"page\\\"\"] -> [\"severity=\\\"ticket\\\"\"]");
    assertThat(am.at("/route/routes/0/receiver").asText()).isEqualTo("pagerduty");
    assertThat(am.at("/time_intervals/0/name").asText()).isEqualTo("maintenance");
  }

  @Test
  void theDashboardIsValidJsonWithEveryRow() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(generated.get(MonitoringFiles.DASHBOARD));
    assertThat(dashboard.get("uid").asText()).isEqualTo("reliability-overview");
    List<String> rows = new ArrayList<>();
    int panels = 0;
    for (JsonNode p : dashboard.get("panels")) {
      if (p.get("type").asText().equals("row")) {
        rows.add(p.get("title").asText());
      } else {
        panels++;
        assertThat(p.get("targets")).isNotEmpty();
      }
    }
    assertThat(rows)
        .containsExactly(
            "Service overview: rate, errors, latency, saturation",
            "Service level objectives",
            "Resilience: breakers, retries, rejections",
            "Load: adaptive limits, throttling, hedging",
            "Health (0 healthy, 1 degraded, 2 unknown, 3 unhealthy)",
            "JVM and memory",
            "Business");
    assertThat(panels).isGreaterThan(15);
  }
}
