package dev.reliability.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.reliability.test.CpuTime;
import java.util.Locale;

/**
 * Fuzzes content negotiation with hostile {@code Accept} headers and query strings up to 16 KB
 * each. The contract: always a format, never an exception, linear time; a header that names no JSON
 * type and no wildcard leaves the endpoint's default, so an odd probe client never fails a probe.
 */
class AcceptHeaderFuzzTest {

  private static final int MAX_LENGTH = 16 * 1024;

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
    // Loads every class a negotiation can reach, so the CPU bound measures parsing only.
    for (HealthFormat f : HealthFormat.values()) {
      AcceptHeader.choose("application/json;q=0.5, */*;q=x", "format=mp", f);
      AcceptHeader.choose("application/health+json;q=0.9", "a=b", f);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void everyHeaderGetsAFormat(FuzzedDataProvider data) {
    warmUpOnce();
    HealthFormat defaultFormat = data.pickValue(HealthFormat.values());
    String query = data.consumeBoolean() ? null : data.consumeString(MAX_LENGTH);
    String accept = data.consumeBoolean() ? null : data.consumeString(MAX_LENGTH);

    CpuTime.Measured<HealthFormat> negotiated =
        CpuTime.measure(100_000_000L, () -> AcceptHeader.choose(accept, query, defaultFormat));
    HealthFormat chosen = negotiated.value();

    assertThat(negotiated.nanos())
        .as("CPU nanoseconds of one negotiation")
        .isLessThan(100_000_000L);
    assertThat(chosen).isNotNull();
    String lowerQuery = query == null ? "" : query.toLowerCase(Locale.ROOT);
    String lowerAccept = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
    if (!lowerQuery.contains("format=") && !lowerAccept.contains("json")) {
      assertThat(chosen).isEqualTo(defaultFormat);
    }
  }
}
