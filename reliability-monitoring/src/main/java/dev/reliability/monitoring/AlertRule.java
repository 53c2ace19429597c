package dev.reliability.monitoring;

import dev.reliability.core.internal.Checks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated Prometheus alerting rule.
 *
 * @param name the alert name
 * @param expr the PromQL expression
 * @param pendingFor the rule's {@code for}
 * @param labels the labels the rule adds ({@code severity} and, for burn-rate alerts, {@code slo}
 *     and {@code tier})
 * @param summary the {@code summary} annotation template
 * @param description the {@code description} annotation template
 * @param runbook the anchor of the alert's runbook entry in {@code docs/alerts.md}
 */
public record AlertRule(
    String name,
    String expr,
    Duration pendingFor,
    Map<String, String> labels,
    String summary,
    String description,
    String runbook) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   */
  public AlertRule {
    Checks.notBlank("name", name);
    Checks.notBlank("expr", expr);
    Checks.notNull("pendingFor", pendingFor);
    labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    Checks.notBlank("summary", summary);
    Checks.notBlank("description", description);
    Checks.notBlank("runbook", runbook);
  }

  /**
   * Returns the severity label.
   *
   * @return {@code page} or {@code ticket}
   */
  public String severity() {
    return labels.get("severity");
  }
}
