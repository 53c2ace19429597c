package dev.reliability.monitoring;

import dev.reliability.core.internal.Checks;

/**
 * One finding of {@link MetricsLint}.
 *
 * @param metric the metric family (or series name) concerned, or {@code *} for the whole scrape
 * @param message what is wrong, worded like {@code promtool check metrics}
 */
public record LintProblem(String metric, String message) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public LintProblem {
    Checks.notNull("metric", metric);
    Checks.notNull("message", message);
  }

  @Override
  public String toString() {
    return metric + ": " + message;
  }
}
