package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.reliability.core.policy.CircuitBreakerConfig;
import dev.reliability.core.policy.TimeLimiterConfig;
import dev.reliability.test.CpuTime;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * Fuzzes the value parsers with hostile text. The contract: a value within the parser's range, or
 * an {@link IllegalArgumentException} whose message is the rule; never another exception, and never
 * more than a few milliseconds of CPU on input of at most {@value #MAX_LENGTH} characters.
 *
 * <p>{@code mvn verify} replays the seed corpus under {@code
 * src/test/resources/dev/reliability/core/config/ValueParsersFuzzTestInputs/}; {@code
 * JAZZER_FUZZ=1} fuzzes each method for its {@code maxDuration} (see docs/adversarial-testing.md).
 */
class ValueParsersFuzzTest {

  static final int MAX_LENGTH = 4096;

  /** CPU time one parse may take: generous, since fuzzing instruments every branch. */
  static final long CPU_BOUND_NANOS = 100_000_000L;

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
    // Loads and links every class a parse can reach, so the CPU bound measures parsing only.
    warmUp("PT1M", "-PT1S", "P1D", "1.5s", "500ms", "9999999999999999999999d", "80%", "512KB");
    warmUp("x", "", "1_000", "true", "0.5", "-1", "P", "1e3");
  }

  private static void warmUp(String... texts) {
    for (String text : texts) {
      for (Runnable parse :
          java.util.List.<Runnable>of(
              () -> ValueParsers.parseDuration(text, ChronoUnit.SECONDS),
              () -> ValueParsers.parseSize(text),
              () -> ValueParsers.parsePercentage(text),
              () -> ValueParsers.parseInt(text),
              () -> ValueParsers.parseLong(text),
              () -> ValueParsers.parseDouble(text),
              () -> ValueParsers.parseBoolean(text),
              () -> CircuitBreakerConfig.WAIT_IN_OPEN.parse(text),
              () -> TimeLimiterConfig.TIMEOUT.parse(text))) {
        try {
          parse.run();
        } catch (IllegalArgumentException e) {
          // expected for most of them
        }
      }
    }
    assertThat(CpuTime.isSupported()).isTrue();
  }

  @FuzzTest(maxDuration = "60s")
  void durationsAreBoundedValuesOrTheRule(FuzzedDataProvider data) {
    warmUpOnce();
    ChronoUnit unit = data.pickValue(new ChronoUnit[] {ChronoUnit.MILLIS, ChronoUnit.SECONDS});
    String text = data.consumeRemainingAsString();
    if (text.length() > MAX_LENGTH) {
      return;
    }
    Duration d =
        valueOrRule(() -> ValueParsers.parseDuration(text, unit), ValueParsers.DURATION_RULE);
    if (d != null) {
      assertThat(d.isNegative()).isFalse();
      assertThat(d).isLessThanOrEqualTo(ValueParsers.MAX_DURATION);
      assertThat(d.toNanos()).isNotNegative();
    }
    for (Setting<Duration> setting :
        java.util.List.of(CircuitBreakerConfig.WAIT_IN_OPEN, TimeLimiterConfig.TIMEOUT)) {
      Duration v = valueOrRule(() -> setting.parse(text), setting.rule());
      if (v != null) {
        assertThat(setting.accepts(v)).isTrue();
        assertThat(v).isLessThanOrEqualTo(Duration.ofDays(1));
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void sizesAreBoundedValuesOrTheRule(FuzzedDataProvider data) {
    warmUpOnce();
    String text = data.consumeRemainingAsString();
    if (text.length() > MAX_LENGTH) {
      return;
    }
    Long bytes = valueOrRule(() -> ValueParsers.parseSize(text), ValueParsers.SIZE_RULE);
    if (bytes != null) {
      assertThat(bytes).isNotNegative();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void percentagesAreFractionsOrTheRule(FuzzedDataProvider data) {
    warmUpOnce();
    String text = data.consumeRemainingAsString();
    if (text.length() > MAX_LENGTH) {
      return;
    }
    Double fraction =
        valueOrRule(() -> ValueParsers.parsePercentage(text), ValueParsers.PERCENTAGE_RULE);
    if (fraction != null) {
      assertThat(fraction).isBetween(0.0, 1.0);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void countsAndNumbersAreValuesOrTheRule(FuzzedDataProvider data) {
    warmUpOnce();
    String text = data.consumeRemainingAsString();
    if (text.length() > MAX_LENGTH) {
      return;
    }
    valueOrRule(() -> ValueParsers.parseInt(text), "a whole number");
    valueOrRule(() -> ValueParsers.parseLong(text), "a whole number");
    Double d = valueOrRule(() -> ValueParsers.parseDouble(text), "a decimal number");
    if (d != null) {
      assertThat(d).isFinite();
    }
    valueOrRule(() -> ValueParsers.parseBoolean(text), ValueParsers.BOOLEAN_RULE);
  }

  /**
   * Runs one parse; returns its value, or null when it failed with an {@link
   * IllegalArgumentException} whose message starts with {@code rule}. Anything else fails the test,
   * as does a parse that takes more than {@link #CPU_BOUND_NANOS} of this thread's CPU time.
   */
  static <T> T valueOrRule(Supplier<T> parse, String rule) {
    CpuTime.Measured<T> parsed = CpuTime.measure(CPU_BOUND_NANOS, () -> parseOnce(parse, rule));
    assertThat(parsed.nanos()).as("CPU nanoseconds of one parse").isLessThan(CPU_BOUND_NANOS);
    return parsed.value();
  }

  private static <T> T parseOnce(Supplier<T> parse, String rule) {
    try {
      T value = parse.get();
      assertThat(value).isNotNull();
      return value;
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith(rule);
      return null;
    }
  }
}
