package dev.reliability.core.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.reliability.core.policy.AdaptiveLimitConfig;
import dev.reliability.test.ManualTimeSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Fuzzes what a client controls on the shedding path: the request path and the traffic-class and
 * request-ID headers, up to 64 KB each. The contract: a decision without an exception, a traffic
 * class that is a configured partition or the default, an exempt path only under an exempt prefix
 * and never with {@code %}, a request ID the sanitizer accepts, and bounded CPU time.
 */
class LoadShedderFuzzTest {

  private static final int MAX_LENGTH = 64 * 1024;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static final LoadShedder SHEDDER =
      LoadShedder.builder(
              LoadSheddingConfig.builder()
                  .limit(
                      AdaptiveLimitConfig.builder()
                          .minLimit(1)
                          .maxLimit(1)
                          .initialLimit(1)
                          .partition("interactive", 0.5)
                          .build())
                  .exemptPaths(List.of("/health", "/static/"))
                  .build())
          .timeSource(ManualTimeSource.create())
          .build();

  @FuzzTest(maxDuration = "30s")
  void hostileRequestsAreDecidedQuicklyWithoutFailing(FuzzedDataProvider data) {
    String path = data.consumeString(MAX_LENGTH);
    String trafficClass = data.consumeString(MAX_LENGTH);
    String requestId = data.consumeRemainingAsString();

    long start = THREADS.getCurrentThreadCpuTime();
    LoadShedder.Ticket ticket =
        SHEDDER.acquire(
            "GET", path, h -> h.equalsIgnoreCase("X-Traffic-Class") ? trafficClass : requestId);
    String id = SHEDDER.requestId(h -> requestId);
    long cpu = THREADS.getCurrentThreadCpuTime() - start;
    ticket.complete(200);

    assertThat(cpu).as("CPU nanoseconds of one decision").isLessThan(50_000_000L);
    assertThat(SHEDDER.trafficClass("GET", path, h -> trafficClass)).isIn("default", "interactive");
    if (ticket.exempt()) {
      assertThat(path).doesNotContain("%").matches("(?s)(/health(/.*)?|/static/.*)");
    }
    assertThat(id).isNotEmpty().doesNotContain("\n", "\r", " ");
    assertThat(SHEDDER.limiter().inFlight()).isZero();
  }
}
