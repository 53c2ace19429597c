package dev.reliability.monitoring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link MetricsLint} found: the problems, and the series counts the budget was checked
 * against. Immutable and thread-safe.
 */
public final class LintReport {

  private final List<LintProblem> problems;
  private final int seriesCount;
  private final Map<String, Integer> seriesPerMetric;

  LintReport(List<LintProblem> problems, int seriesCount, Map<String, Integer> seriesPerMetric) {
    this.problems = List.copyOf(problems);
    this.seriesCount = seriesCount;
    this.seriesPerMetric = Collections.unmodifiableMap(new LinkedHashMap<>(seriesPerMetric));
  }

  /**
   * Returns the problems.
   *
   * @return the problems, empty when the scrape is clean
   */
  public List<LintProblem> problems() {
    return problems;
  }

  /**
   * Returns whether nothing was found.
   *
   * @return true when there are no problems
   */
  public boolean isClean() {
    return problems.isEmpty();
  }

  /**
   * Returns the number of series in the scrape.
   *
   * @return the series count
   */
  public int seriesCount() {
    return seriesCount;
  }

  /**
   * Returns the number of series of each family.
   *
   * @return family name to series count, in scrape order
   */
  public Map<String, Integer> seriesPerMetric() {
    return seriesPerMetric;
  }

  /**
   * Throws if anything was found, for tests without AssertJ.
   *
   * @throws AssertionError listing every problem
   */
  public void assertClean() {
    if (!problems.isEmpty()) {
      throw new AssertionError(toString());
    }
  }

  @Override
  public String toString() {
    if (problems.isEmpty()) {
      return "LintReport[clean, " + seriesCount + " series]";
    }
    return "LintReport["
        + problems.size()
        + " problems, "
        + seriesCount
        + " series]\n  "
        + problems.stream().map(LintProblem::toString).collect(Collectors.joining("\n  "));
  }
}
