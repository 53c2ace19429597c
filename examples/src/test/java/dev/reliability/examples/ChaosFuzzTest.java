package dev.reliability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.reliability.core.error.DataValidationException;
import dev.reliability.examples.support.Chaos;
import dev.reliability.test.CpuTime;

/**
 * Fuzzes the {@code /admin/chaos} parameters. The contract: new faults within range from plain
 * decimal numbers only, or a {@link DataValidationException} whose message and fields name each bad
 * parameter; never another exception, linear time.
 */
class ChaosFuzzTest {

  private static final int MAX_LENGTH = 4096;

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
    // Loads every class a parse can reach, so the CPU bound measures parsing only.
    Chaos.parse("0.5", "10", Chaos.HEALTHY);
    try {
      Chaos.parse("x\u0001", "-1", Chaos.HEALTHY);
    } catch (DataValidationException expected) {
      // the rejection path, warmed up too
    }
  }

  private static Chaos parse(String failureRate, String latencyMs) {
    try {
      return Chaos.parse(failureRate, latencyMs, Chaos.HEALTHY);
    } catch (DataValidationException e) {
      assertThat(e.getMessage()).matches("(?s)(failureRate|latencyMs) must be .*");
      assertThat(e.getMessage().length()).isLessThan(400);
      return null;
    }
  }

  @FuzzTest(maxDuration = "60s")
  void chaosParametersArePlainDecimalsOrNamedErrors(FuzzedDataProvider data) {
    warmUpOnce();
    String failureRate = data.consumeBoolean() ? null : data.consumeString(MAX_LENGTH);
    String latencyMs = data.consumeBoolean() ? null : data.consumeString(MAX_LENGTH);

    CpuTime.Measured<Chaos> parsed =
        CpuTime.measure(100_000_000L, () -> parse(failureRate, latencyMs));
    Chaos chaos = parsed.value();

    assertThat(parsed.nanos()).as("CPU nanoseconds of one parse").isLessThan(100_000_000L);
    if (chaos != null) {
      assertThat(chaos.failureRate()).isBetween(0.0, 1.0);
      assertThat(chaos.latencyMs()).isBetween(0L, Chaos.MAX_LATENCY_MS);
      if (failureRate != null) {
        assertThat(failureRate).matches("[0-9]+(\\.[0-9]+)?");
        assertThat(chaos.failureRate()).isEqualTo(Double.parseDouble(failureRate));
      }
      if (latencyMs != null) {
        assertThat(latencyMs).matches("[0-9]+");
        assertThat(chaos.latencyMs()).isEqualTo(Long.parseLong(latencyMs));
      }
    }
  }
}
