package dev.reliability.core.config;

import dev.reliability.core.error.ReliabilityException;
import dev.reliability.core.error.StandardErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration is invalid. Code {@code CONFIGURATION_ERROR}, 500, never retried.
 *
 * <p>Thrown at start-up by {@link ConfigBinder#throwIfInvalid()} with every problem found, so one
 * failed start shows everything to fix:
 *
 * <pre>
 * Invalid configuration (2 problems):
 *   - reliability.circuitbreaker.payments.failure-threshold must be a whole number between 1 and
 *     10000, was "0" (from environment variable RELIABILITY_CIRCUITBREAKER_PAYMENTS_FAILURE_THRESHOLD)
 *   - reliability.health.check-timeout must be a duration such as 500ms, 60s, 5m, 1h or PT1M,
 *     was "soon" (from system property reliability.health.check-timeout)
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public class ConfigurationException extends ReliabilityException {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  /**
   * Creates the exception from the problems found.
   *
   * @param problems the problems, at least one
   */
  public ConfigurationException(List<ConfigProblem> problems) {
    super(StandardErrorCode.CONFIGURATION_ERROR, message(problems), details(problems), null);
    this.problems = List.copyOf(problems);
  }

  /**
   * Creates the exception for a problem that is not about one setting.
   *
   * @param message what is wrong
   */
  public ConfigurationException(String message) {
    super(StandardErrorCode.CONFIGURATION_ERROR, message);
    this.problems = List.of();
  }

  /**
   * Returns the problems found.
   *
   * @return the problems, possibly empty when the exception was created from a message
   */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String message(List<ConfigProblem> problems) {
    if (problems == null || problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty, was " + problems);
    }
    StringBuilder sb = new StringBuilder("Invalid configuration (");
    sb.append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
    for (ConfigProblem p : problems) {
      sb.append(System.lineSeparator()).append("  - ").append(p.describe());
    }
    return sb.toString();
  }

  private static Map<String, Object> details(List<ConfigProblem> problems) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ConfigProblem p : problems) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", p.key());
      if (p.value() != null) {
        m.put("value", p.value());
      }
      m.put("origin", p.origin());
      m.put("rule", p.rule());
      list.add(m);
    }
    return Map.of("problems", list);
  }
}
