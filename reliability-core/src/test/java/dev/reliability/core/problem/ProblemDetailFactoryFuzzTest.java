package dev.reliability.core.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.core.error.ErrorCode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Problem details built from any request path and any client-error message are valid JSON of
 * bounded size, never carry a planted secret, never throw, and take time within a per-character
 * budget.
 *
 * <p>{@code mvn verify} replays the committed seeds in {@code
 * ProblemDetailFactoryFuzzTestInputs/problemsFromHostileTextAreBoundedAndRedacted/}; {@code
 * JAZZER_FUZZ=1} fuzzes, coverage-guided, for at most {@code maxDuration}.
 */
class ProblemDetailFactoryFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final ErrorCode NOT_FOUND = ErrorCode.of("NOT_FOUND", 404, false, "No resource");
  private static final String SECRET = "Zq7SecretKV1";
  // The body's fixed members, the request ID and room for JSON escapes of the bounded texts.
  private static final int MAX_JSON =
      2_048
          + 6
              * (ProblemDetailFactory.MAX_DETAIL_LENGTH
                  + ProblemDetailFactory.MAX_INSTANCE_LENGTH
                  + 6);

  private final ProblemDetailFactory factory = ProblemDetailFactory.ofDefaults();

  @FuzzTest(maxDuration = "60s")
  void problemsFromHostileTextAreBoundedAndRedacted(byte[] input) throws Exception {
    String fuzz = new String(input, StandardCharsets.UTF_8);
    boolean planted = !fuzz.contains(SECRET);
    String text = planted ? fuzz + " password=" + SECRET + " " + fuzz : fuzz;

    long start = THREADS.getCurrentThreadCpuTime();
    ProblemDetail fromCode = factory.create(NOT_FOUND, text, "req-1", "/" + text, Map.of());
    ProblemDetail fromException =
        factory.create(new DataValidationException(text, Map.of("field", text)), "req-1", text);
    long took = THREADS.getCurrentThreadCpuTime() - start;

    assertThat(took).isLessThanOrEqualTo(400_000_000L + 4_000L * text.length());
    for (ProblemDetail p : new ProblemDetail[] {fromCode, fromException}) {
      String json = p.toJson();
      JsonNode body = JSON.readTree(json);
      assertThat(body.get("status").asInt()).isBetween(400, 499);
      assertThat(p.detail().length())
          .isLessThanOrEqualTo(ProblemDetailFactory.MAX_DETAIL_LENGTH + 3);
      assertThat(p.instance().orElse("").length())
          .isLessThanOrEqualTo(ProblemDetailFactory.MAX_INSTANCE_LENGTH + 3);
      if (planted) {
        assertThat(p.detail()).doesNotContain(SECRET);
        assertThat(p.instance().orElse("")).doesNotContain(SECRET);
      }
    }
    assertThat(fromCode.toJson().length()).isLessThanOrEqualTo(MAX_JSON);
  }
}
