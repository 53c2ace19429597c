package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.internal.DurationText;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ValueParsersProperties {

  @Property
  void formattedDurationsParseBackToTheSameDuration(
      @ForAll @LongRange(min = 0, max = 9_000_000_000_000_000L) long nanos) {
    Duration d = Duration.ofNanos(nanos);
    assertThat(ValueParsers.parseDuration(DurationText.format(d))).isEqualTo(d);
  }

  @Property
  void isoDurationsParseBack(@ForAll @LongRange(min = 0, max = 1_000_000_000L) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(ValueParsers.parseDuration(d.toString())).isEqualTo(d);
  }

  @Property
  void sizesScaleByPowersOf1024(
      @ForAll @LongRange(min = 0, max = 1_000_000) long n, @ForAll("units") String unit) {
    long multiplier =
        switch (unit.toUpperCase()) {
          case "B" -> 1L;
          case "KB", "KIB" -> 1L << 10;
          case "MB", "MIB" -> 1L << 20;
          case "GB", "GIB" -> 1L << 30;
          default -> throw new AssertionError(unit);
        };
    assertThat(ValueParsers.parseSize(n + unit)).isEqualTo(n * multiplier);
  }

  @Provide
  Arbitrary<String> units() {
    return Arbitraries.of("B", "KB", "kb", "MB", "MiB", "GB", "gib");
  }

  @Property
  void percentagesAndFractionsAgree(@ForAll @IntRange(min = 0, max = 100) int percent) {
    double fromPercent = ValueParsers.parsePercentage(percent + "%");
    double fromFraction = ValueParsers.parsePercentage(Double.toString(percent / 100.0));
    assertThat(fromPercent).isCloseTo(fromFraction, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(fromPercent).isBetween(0.0, 1.0);
  }

  @Property(tries = 2000)
  void arbitraryTextEitherParsesOrFailsWithTheRule(@ForAll String text) {
    assertRejectsCleanly(() -> ValueParsers.parseDuration(text), ValueParsers.DURATION_RULE);
    assertRejectsCleanly(() -> ValueParsers.parseSize(text), ValueParsers.SIZE_RULE);
    assertRejectsCleanly(() -> ValueParsers.parsePercentage(text), ValueParsers.PERCENTAGE_RULE);
    assertRejectsCleanly(() -> ValueParsers.parseBoolean(text), ValueParsers.BOOLEAN_RULE);
    assertRejectsCleanly(() -> ValueParsers.parseLong(text), "a whole number");
    assertRejectsCleanly(() -> ValueParsers.parseDouble(text), "a decimal number");
  }

  @Property(tries = 2000)
  void numberLikeTextEitherParsesOrFailsWithTheRule(@ForAll("numberish") String text) {
    assertRejectsCleanly(() -> ValueParsers.parseDuration(text), ValueParsers.DURATION_RULE);
    assertRejectsCleanly(() -> ValueParsers.parseSize(text), ValueParsers.SIZE_RULE);
    assertRejectsCleanly(() -> ValueParsers.parsePercentage(text), ValueParsers.PERCENTAGE_RULE);
  }

  @Provide
  Arbitrary<String> numberish() {
    return Arbitraries.strings().withChars("0123456789.-+_ %PTmsnhdkKMGBi").ofMaxLength(24);
  }

  @Property
  void booleansNeverDefaultToFalse(@ForAll String text) {
    String t = text.strip().toLowerCase(java.util.Locale.ROOT);
    boolean known =
        java.util.Set.of("true", "false", "yes", "no", "on", "off", "1", "0").contains(t);
    if (!known) {
      assertThatThrownBy(() -> ValueParsers.parseBoolean(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(ValueParsers.BOOLEAN_RULE);
    }
  }

  private static void assertRejectsCleanly(Runnable parse, String rule) {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith(rule);
    }
  }

  @Property
  void parsersAcceptSurroundingWhitespace(@ForAll @IntRange(min = 0, max = 100_000) int n) {
    assertThatCode(() -> ValueParsers.parseDuration("  " + n + "ms\t")).doesNotThrowAnyException();
    assertThat(ValueParsers.parseInt(" " + n + " ")).isEqualTo(n);
  }
}
