package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The amplification load test, run tiny: 2 clients, 300 calls each, against a local server. */
class RetryBudgetLoadTest {

  @Test
  void budgetsKeepAttemptsWithinTheirBoundWhereAPlainRetryTriplesThem() throws Exception {
    Map<String, RetryBudgetLoad.Result> results = new LinkedHashMap<>();
    for (RetryBudgetLoad.Result r :
        RetryBudgetLoad.run(
            new ArrayList<>(RetryBudgetLoad.VARIANTS.keySet()),
            2,
            4,
            Duration.ofSeconds(20),
            300)) {
      results.put(r.variant(), r);
    }

    for (RetryBudgetLoad.Result r : results.values()) {
      assertThat(r.calls()).as(r.variant()).isEqualTo(600);
    }
    assertThat(results.get("none").amplification()).isEqualTo(1.0);
    assertThat(results.get("retry-3").amplification()).isEqualTo(3.0);
    for (String name :
        List.of(
            "ratio-per-key",
            "token-bucket-per-key",
            "percent-per-key",
            "ratio-shared",
            "token-bucket-shared",
            "percent-shared")) {
      RetryBudgetLoad.Result r = results.get(name);
      assertThat(r.amplification()).as(name).isLessThanOrEqualTo(r.bound() + 1e-9).isLessThan(3.0);
      assertThat(r.refused()).as(name).isPositive();
    }
    // One bucket for four keys lets fewer retries through than four buckets.
    for (String rule : List.of("ratio", "token-bucket", "percent")) {
      assertThat(results.get(rule + "-shared").attempts())
          .as(rule)
          .isLessThan(results.get(rule + "-per-key").attempts());
    }
  }
}
