package dev.reliability.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile text costs the redactor no more than ordinary text of the same length, from 1 KB to 64
 * KB, for every pattern it applies.
 *
 * <p>Each case builds an input shaped to make a backtracking pattern re-read long runs (the
 * reported one is {@code GET /tokentoken...:}). Time is the measuring thread's CPU time, the least
 * of up to three runs, compared with a baseline of realistic log text full of secrets, of the same
 * length, measured in the same test. The factors are generous so that a busy machine does not fail
 * the test; a quadratic pattern costs hundreds to thousands of times the baseline at 64 KB, a
 * linear one a few times.
 */
class RedactionTimeIsLinearTest {

  private static final int MAX = 64 * 1024;
  // Hostile text may cost this many times the baseline of the same length, plus the slack.
  private static final long FACTOR = 40;
  private static final long SLACK_NANOS = 20_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String BASELINE_LINE =
      "user=bob password=hunter2 GET /api/orders?key=abc&page=2 Authorization: Bearer abc123def456"
          + " from https://app:pw@db:5432/app card 4111 1111 1111 1111 mail bob@example.com"
          + " eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghij AKIAIOSFODNN7EXAMPLE done\n";

  private final Redactor redactor = Redactor.builder().maskEmails(true).build(); // every pattern on

  @BeforeAll
  static void cpuTimeIsMeasurable() {
    assertThat(THREADS.isCurrentThreadCpuTimeSupported()).isTrue();
  }

  static Stream<Arguments> hostileInputs() {
    return Stream.of(
        hostile("reported: GET /tokentoken...:", n -> "GET /" + fill("token", n - 6) + ":"),
        hostile("key words split by separators", n -> fill("t_o-k.e_n", n) + "="),
        hostile("sensitive key then whitespace", n -> "password" + fill(" ", n - 9) + "x"),
        hostile("separators after a sensitive key", n -> fill("password:", n)),
        hostile("unclosed quoted values", n -> fill("\"secret\":\"", n)),
        hostile("query parameters", n -> fill("?key=&code", n)),
        hostile("schemes without user-info", n -> fill("a://", n)),
        hostile("user names with slashes then @", n -> fill("a://b/", n - 1) + "@"),
        hostile("scheme runs", n -> fill("a.", n - 3) + "://"),
        hostile("url password without @", n -> "http://x:" + fill("y", n - 9)),
        hostile("bearer then a long run", n -> "bearer " + fill("a", n - 7)),
        hostile("repeated bearer", n -> fill("Bearer ", n)),
        hostile("JWT starts inside one run", n -> fill("eyJ-", n)),
        hostile("JWT segments without an end", n -> fill("eyJaaaaa.", n)),
        hostile("e-mail local part run", n -> fill("a", n - 1) + "@"),
        hostile("e-mail domains without a TLD", n -> "a@" + fill("b-.", n - 2)),
        hostile("repeated @", n -> fill("a@", n)),
        hostile("card digits with separators", n -> fill("1 ", n)),
        hostile("long digit run", n -> fill("4111111111111111", n)),
        hostile("AWS key ID prefixes", n -> fill("AKIA", n)),
        hostile("AWS key ID in a long run", n -> "AKIA" + fill("A", n - 4)),
        hostile("PEM begin markers", n -> fill("-----BEGIN ", n)),
        hostile("PEM blocks without an end", n -> fill("-----BEGIN RSA PRIVATE KEY-----", n)),
        hostile("PEM end markers", n -> fill("-----BEGIN PRIVATE KEY-----x-----END ", n)),
        hostile("Slack webhook prefixes", n -> fill("hooks.slack.com/services/", n)),
        hostile("Slack webhook path run", n -> "hooks.slack.com/services/T" + fill("/", n - 26)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileInputs")
  void hostileTextCostsAboutAsMuchAsOrdinaryTextOfTheSameLength(IntFunction<String> input) {
    warmUp(input);
    for (int n = 1024; n <= MAX; n *= 2) {
      String hostile = input.apply(n);
      String baseline = fill(BASELINE_LINE, n);
      long budget = FACTOR * cpuNanos(baseline, Long.MAX_VALUE) + SLACK_NANOS;
      long took = cpuNanos(hostile, budget);
      assertThat(took)
          .as("CPU time on %d hostile characters, budget %d ns", hostile.length(), budget)
          .isLessThanOrEqualTo(budget);
    }
  }

  private void warmUp(IntFunction<String> input) {
    String small = input.apply(1024);
    String baseline = fill(BASELINE_LINE, 1024);
    for (int i = 0; i < 20; i++) {
      redactor.redact(baseline);
    }
    redactor.redact(small);
  }

  /** The least CPU time of up to three runs; stops early once a run is within the budget. */
  private long cpuNanos(String text, long budget) {
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long start = THREADS.getCurrentThreadCpuTime();
      String out = redactor.redact(text);
      long took = THREADS.getCurrentThreadCpuTime() - start;
      assertThat(out).isNotNull();
      best = Math.min(best, took);
      if (best <= budget && budget != Long.MAX_VALUE) {
        break;
      }
    }
    return best;
  }

  private static Arguments hostile(String name, IntFunction<String> input) {
    return Arguments.of(Named.of(name, input));
  }

  /** {@code unit} repeated, cut to {@code length} characters. */
  static String fill(String unit, int length) {
    StringBuilder sb = new StringBuilder(length + unit.length());
    while (sb.length() < length) {
      sb.append(unit);
    }
    sb.setLength(Math.max(0, length));
    return sb.toString();
  }
}
