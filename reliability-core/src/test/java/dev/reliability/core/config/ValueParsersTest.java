package dev.reliability.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "500ms, PT0.5S",
    "60s, PT1M",
    "60, PT0.06S",
    "5m, PT5M",
    "5min, PT5M",
    "1h, PT1H",
    "2d, PT48H",
    "1.5s, PT1.5S",
    "250us, PT0.00025S",
    "10ns, PT0.00000001S",
    "PT1M, PT1M",
    "pt30s, PT30S",
    "' 45s ', PT45S",
    "0, PT0S",
    "1_000ms, PT1S"
  })
  void parsesDurations(String text, String expected) {
    assertThat(ValueParsers.parseDuration(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest(name = "bare {0} in seconds")
  @ValueSource(strings = {"60", "60s", "1m", "PT60S"})
  void bareNumbersUseTheSettingsUnit(String text) {
    assertThat(ValueParsers.parseDuration(text, ChronoUnit.SECONDS))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @ParameterizedTest(name = "rejects duration \"{0}\"")
  @ValueSource(
      strings = {"", "soon", "5 parsecs", "ms", "-5s", "PT-1S", "1.5.5s", "5x", "s5", "1e3s"})
  void rejectsBadDurations(String text) {
    assertThatThrownBy(() -> ValueParsers.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a duration such as 500ms, 60s, 5m, 1h or PT1M");
  }

  @ParameterizedTest(name = "{0} -> {1} bytes")
  @CsvSource({
    "500MB, 524288000",
    "500mb, 524288000",
    "1GiB, 1073741824",
    "2GB, 2147483648",
    "512KB, 524288",
    "1.5KB, 1536",
    "100, 100",
    "100B, 100",
    "1TB, 1099511627776",
    "' 8 MB ', 8388608"
  })
  void parsesSizes(String text, long expected) {
    assertThat(ValueParsers.parseSize(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "rejects size \"{0}\"")
  @ValueSource(strings = {"", "big", "512k", "-1MB", "5PB", "MB", "99999999999TB"})
  void rejectsBadSizes(String text) {
    assertThatThrownBy(() -> ValueParsers.parseSize(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a size such as 512KB, 500MB, 2GB or a number of bytes");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "80%, 0.8",
    "0.8, 0.8",
    "100%, 1.0",
    "0%, 0.0",
    "12.5%, 0.125",
    "1, 1.0",
    "' 50 % ', 0.5"
  })
  void parsesPercentages(String text, double expected) {
    assertThat(ValueParsers.parsePercentage(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "rejects percentage \"{0}\"")
  @ValueSource(strings = {"80", "101%", "-1%", "half", "%", "1.5"})
  void rejectsAmbiguousOrOutOfRangePercentages(String text) {
    assertThatThrownBy(() -> ValueParsers.parsePercentage(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a percentage such as 80% or a fraction such as 0.8");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "true, true",
    "TRUE, true",
    "yes, true",
    "on, true",
    "1, true",
    "false, false",
    "No, false",
    "off, false",
    "0, false"
  })
  void parsesBooleans(String text, boolean expected) {
    assertThat(ValueParsers.parseBoolean(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "rejects boolean \"{0}\"")
  @ValueSource(strings = {"", "ture", "2", "enabled", "y"})
  void rejectsAnythingElseRatherThanReadingFalse(String text) {
    assertThatThrownBy(() -> ValueParsers.parseBoolean(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("true or false (also yes/no, on/off, 1/0)");
  }

  @ParameterizedTest(name = "int {0}")
  @CsvSource({"5, 5", "-3, -3", "+7, 7", "10_000, 10000"})
  void parsesInts(String text, int expected) {
    assertThat(ValueParsers.parseInt(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "rejects int \"{0}\"")
  @ValueSource(strings = {"five", "1.5", "99999999999", "", "1__0"})
  void rejectsBadInts(String text) {
    assertThatThrownBy(() -> ValueParsers.parseInt(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a whole number");
  }

  @ParameterizedTest(name = "double {0}")
  @CsvSource({"0.5, 0.5", "2, 2.0", "-1.25, -1.25"})
  void parsesDoubles(String text, double expected) {
    assertThat(ValueParsers.parseDouble(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "rejects double \"{0}\"")
  @ValueSource(strings = {"NaN", "Infinity", "1e5", "", "abc"})
  void rejectsNonFiniteOrScientificDoubles(String text) {
    assertThatThrownBy(() -> ValueParsers.parseDouble(text)).hasMessage("a decimal number");
  }
}
