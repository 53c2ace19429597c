package dev.reliability.monitoring;

import dev.reliability.core.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated Prometheus recording rule.
 *
 * @param record the recorded series name, such as {@code slo:sli_error:ratio_rate5m}
 * @param expr the PromQL expression
 * @param labels the labels the rule adds
 */
public record RecordingRule(String record, String expr, Map<String, String> labels) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   */
  public RecordingRule {
    Checks.notBlank("record", record);
    Checks.notBlank("expr", expr);
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }
}
