package dev.reliability.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The redactor's contract on any text: secrets placed in it never survive, the output is bounded,
 * nothing is thrown, and the time taken stays within a per-character budget.
 *
 * <p>{@code mvn verify} replays the committed seeds in {@code
 * RedactorFuzzTestInputs/redactionHidesSecretsInAnyText/}; {@code JAZZER_FUZZ=1} fuzzes,
 * coverage-guided, for at most {@code maxDuration}.
 */
class RedactorFuzzTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final long BASE_BUDGET_NANOS = 200_000_000L;
  private static final long BUDGET_NANOS_PER_CHAR = 2_000L;

  /** What is placed in the text, and the part of each that must not survive. */
  private static final String PLANTED =
      " password=Zq7SecretKV1 "
          + " Authorization: Bearer Zq7SecretBearer2x "
          + " https://Zq7SecretUser3@git.example.com/x "
          + " postgres://app:Zq7SecretPass4@db:5432/app "
          + " eyJhbGciOiJub25lIn0.eyJzdWIiOiJacTcifQ.Zq7SecretJwt5sig "
          + " AKIAZQ7SECRETAWS6XYZ "
          + "\n-----BEGIN PRIVATE KEY-----\nZq7SecretPem7\n-----END PRIVATE KEY-----\n"
          + " https://hooks.slack.com/services/T0/B0/Zq7SecretSlack8 "
          + " GET /cb?code=Zq7SecretCode9&state=1 "
          + "  4111 1111 1111 1111  ";

  private static final List<String> SECRETS =
      List.of(
          "Zq7SecretKV1",
          "Zq7SecretBearer2x",
          "Zq7SecretUser3",
          "Zq7SecretPass4",
          "Zq7SecretJwt5sig",
          "ZQ7SECRETAWS6XYZ",
          "Zq7SecretPem7",
          "Zq7SecretSlack8",
          "Zq7SecretCode9",
          "4111 1111 1111 1111");

  private final Redactor redactor = Redactor.defaults();
  private final Redactor withEmails = Redactor.builder().maskEmails(true).build();

  @FuzzTest(maxDuration = "60s")
  void redactionHidesSecretsInAnyText(byte[] input) {
    String fuzz = new String(input, StandardCharsets.UTF_8);

    String alone = timed(redactor, fuzz);
    assertThat(alone.length()).isLessThanOrEqualTo(bound(fuzz));
    timed(withEmails, fuzz);
    redactor.isSensitiveKey(fuzz);
    redactor.redactValue("field", fuzz);

    if (SECRETS.stream().anyMatch(fuzz::contains)) {
      return; // the input itself spells a planted secret; nothing to learn from it
    }
    String text = fuzz + PLANTED + fuzz;
    String out = timed(redactor, text);
    if (text.length() <= redactor.maxTextLength()) {
      for (String secret : SECRETS) {
        assertThat(out).as("secret %s in %s", secret, out).doesNotContain(secret);
      }
    }
    assertThat(out.length()).isLessThanOrEqualTo(bound(text));
  }

  private static String timed(Redactor r, String text) {
    long start = THREADS.getCurrentThreadCpuTime();
    String out = r.redact(text);
    long took = THREADS.getCurrentThreadCpuTime() - start;
    assertThat(out).isNotNull();
    assertThat(took)
        .as("CPU time for %d characters", text.length())
        .isLessThanOrEqualTo(BASE_BUDGET_NANOS + BUDGET_NANOS_PER_CHAR * text.length());
    return out;
  }

  /** Each mask replaces at least one character by four, and a cut text gains the marker. */
  private int bound(String text) {
    return 4 * Math.min(text.length(), redactor.maxTextLength()) + Redactor.TRUNCATED.length();
  }
}
