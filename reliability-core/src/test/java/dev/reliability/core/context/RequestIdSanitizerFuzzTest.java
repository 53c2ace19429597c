package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Fuzzes the request-ID sanitizer with hostile IDs up to 64 KB. The contract: an ID comes back
 * unchanged exactly when it is acceptable (allowed characters, within the maximum length); anything
 * else is replaced by a fresh acceptable ID and counted once under the reason {@link
 * RequestIdSanitizer#check} gives; never an exception, and linear time.
 */
class RequestIdSanitizerFuzzTest {

  private static final int MAX_LENGTH = 64 * 1024;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static boolean warm;

  /**
   * Runs the target a few times before the first measured call, once Jazzer's agent has
   * instrumented it, so the CPU bound measures the work and not class loading.
   */
  private static void warmUpOnce() {
    if (warm) {
      return;
    }
    warm = true;
    // Loads every class a sanitize can reach, so the CPU bound measures sanitizing only.
    RequestIdSanitizer warm = RequestIdSanitizer.builder().minter(() -> "minted-id").build();
    for (String id : new String[] {"ok", "a\nb", "a\u0001", "a'b", "a b", "x".repeat(200)}) {
      warm.sanitize(id);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void hostileIdsAreKeptOnlyWhenAcceptableAndOtherwiseReplaced(FuzzedDataProvider data) {
    warmUpOnce();
    int maxLength = data.consumeInt(16, 1024);
    String incoming = data.consumeRemainingAsString();
    if (incoming.length() > MAX_LENGTH) {
      return;
    }
    RequestIdSanitizer sanitizer =
        RequestIdSanitizer.builder().maxLength(maxLength).minter(() -> "minted-id").build();

    long start = THREADS.getCurrentThreadCpuTime();
    String id = sanitizer.sanitize(incoming);
    RequestIdSanitizer.Rejection reason = RequestIdSanitizer.check(incoming, maxLength);
    long cpu = THREADS.getCurrentThreadCpuTime() - start;

    assertThat(cpu).as("CPU nanoseconds of one sanitize").isLessThan(100_000_000L);
    assertThat(sanitizer.isAcceptable(id)).isTrue();
    if (incoming.isEmpty()) {
      assertThat(id).isEqualTo("minted-id");
      assertThat(sanitizer.rejectedCount()).isZero();
    } else if (reason == null) {
      assertThat(id).isSameAs(incoming);
      assertThat(incoming.length()).isLessThanOrEqualTo(maxLength);
      assertThat(incoming).matches("[A-Za-z0-9._:+/=-]+");
      assertThat(sanitizer.rejectedCount()).isZero();
    } else {
      assertThat(id).isEqualTo("minted-id");
      assertThat(sanitizer.rejectedCount(reason)).isOne();
      assertThat(sanitizer.rejectedCount()).isOne();
      if (incoming.indexOf('\r') >= 0 || incoming.indexOf('\n') >= 0) {
        assertThat(reason).isEqualTo(RequestIdSanitizer.Rejection.LINE_BREAK);
      }
    }
  }
}
