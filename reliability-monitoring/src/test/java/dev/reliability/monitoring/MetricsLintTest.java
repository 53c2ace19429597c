package dev.reliability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsLintTest {

  private static List<String> problems(String exposition) {
    return MetricsLint.ofDefaults().check(exposition).problems().stream()
        .map(LintProblem::toString)
        .toList();
  }

  @Test
  void reportsWhatPromtoolCheckMetricsReports() {
    String text =
        "# HELP requests Requests\n"
            + "# TYPE requests counter\n"
            + "requests 1\n"
            + "# HELP queue_total Queue\n"
            + "# TYPE queue_total gauge\n"
            + "queue_total 1\n"
            + "# TYPE latency_milliseconds gauge\n"
            + "latency_milliseconds 1\n"
            + "# HELP size_ms Size\n"
            + "# TYPE size_ms gauge\n"
            + "size_ms 1\n"
            + "# HELP httpRequests Requests\n"
            + "# TYPE httpRequests gauge\n"
            + "httpRequests{routeName=\"a\"} 1\n"
            + "# HELP jobs_count Jobs\n"
            + "# TYPE jobs_count gauge\n"
            + "jobs_count{le=\"1\"} 1\n"
            + "# HELP free_gauge Free\n"
            + "# TYPE free_gauge gauge\n"
            + "free_gauge 1\n"
            + "# HELP ratio:rate5m Ratio\n"
            + "# TYPE ratio:rate5m gauge\n"
            + "ratio:rate5m 1\n";
    assertThat(problems(text))
        .containsExactly(
            "requests: counter metrics should have \"_total\" suffix",
            "queue_total: non-counter metrics should not have \"_total\" suffix",
            "latency_milliseconds: no help text",
            "latency_milliseconds: use base unit \"seconds\" instead of \"milliseconds\"",
            "size_ms: metric names should not contain abbreviated units",
            "httpRequests: metric names should be written in 'snake_case' not 'camelCase'",
            "httpRequests: label names should be written in 'snake_case' not 'camelCase', was"
                + " routeName",
            "jobs_count: non-histogram and non-summary metrics should not have \"_count\" suffix",
            "jobs_count: non-histogram metrics should not have \"le\" label",
            "free_gauge: metric name should not include type 'gauge'",
            "ratio:rate5m: metric names should not contain ':'");
  }

  @Test
  void acceptsOpenMetricsCounters() {
    String text =
        "# TYPE calls counter\n# HELP calls Calls\ncalls_total 1\ncalls_created 1\n# EOF\n";
    assertThat(MetricsLint.ofDefaults().check(text).isClean()).isTrue();
  }

  @Test
  void checksTheCardinalityBudget() {
    StringBuilder text = new StringBuilder("# HELP x X\n# TYPE x gauge\n");
    for (int i = 0; i < 5; i++) {
      text.append("x{k=\"").append(i).append("\"} 1\n");
    }
    LintReport report =
        MetricsLint.builder().maxSeries(4).maxSeriesPerMetric(3).build().check(text.toString());

    assertThat(report.seriesCount()).isEqualTo(5);
    assertThat(report.seriesPerMetric()).containsEntry("x", 5);
    assertThat(report.problems())
        .extracting(LintProblem::toString)
        .containsExactly(
            "x: has 5 series, over the budget of 3 per metric",
            "*: has 5 series, over the budget of 4");
    assertThatThrownBy(report::assertClean)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 problems, 5 series");
  }

  @Test
  void reportsUnreadableLinesAndValidatesSettings() {
    assertThat(problems("x{a=\"unterminated 1\n"))
        .containsExactly("*: unreadable exposition: line 1: unterminated label value");
    assertThatThrownBy(() -> MetricsLint.builder().maxSeries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSeries must be at least 1, was 0");
  }
}
