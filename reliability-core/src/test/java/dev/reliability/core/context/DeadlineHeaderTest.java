package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.config.ConfigSource;
import dev.reliability.core.config.ConfigurationException;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadlineHeaderTest {

  private final ManualTimeSource time = ManualTimeSource.create();

  @Test
  void readsTheTimeLeftFromNowOnTheGivenClock() {
    Deadline d = DeadlineHeader.ofDefaults().read("250", time);

    assertThat(d.remaining()).isEqualTo(Duration.ofMillis(250));
    time.advanceMillis(250);
    assertThat(d.isExpired()).isTrue();
  }

  @Test
  void aValueAboveTheCapIsClippedToIt() {
    DeadlineHeader header = DeadlineHeader.builder().maxInbound(Duration.ofSeconds(10)).build();

    assertThat(header.parseMillis("3600000")).isEqualTo(10_000);
    assertThat(header.parseMillis("9999999999")).isEqualTo(10_000);
    assertThat(header.malformedValues()).isZero();
  }

  @ParameterizedTest(name = "\"{0}\" is ignored")
  @ValueSource(strings = {"", " ", "-5", "+5", "1.5", "5ms", "0x10", "12345678901", "1 2", "٣"})
  void aMalformedValueIsIgnoredAndCounted(String value) {
    DeadlineHeader header = DeadlineHeader.builder().build();

    assertThat(header.read(value, time)).isNull();
    assertThat(header.malformedValues()).isEqualTo(1);
  }

  @Test
  void spacesAroundTheDigitsAreAllowed() {
    assertThat(DeadlineHeader.ofDefaults().parseMillis(" \t300 ")).isEqualTo(300);
  }

  @Test
  void anAbsentHeaderIsNotMalformed() {
    DeadlineHeader header = DeadlineHeader.builder().build();

    assertThat(header.read(null, time)).isNull();
    assertThat(header.malformedValues()).isZero();
  }

  @Test
  void aSixtyFourKilobyteValueIsRefusedByItsLengthQuickly() {
    DeadlineHeader header = DeadlineHeader.builder().build();
    String digits = "7".repeat(64 * 1024);
    String spaces = " ".repeat(64 * 1024) + "5";

    long begin = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      assertThat(header.parseMillis(digits)).isEqualTo(-1);
      assertThat(header.parseMillis(spaces)).isEqualTo(-1);
    }
    long elapsed = System.nanoTime() - begin;

    assertThat(header.malformedValues()).isEqualTo(2_000);
    assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void whenOffNothingIsRead() {
    DeadlineHeader off = DeadlineHeader.builder().enabled(false).build();

    assertThat(off.read("300", time)).isNull();
  }

  @Test
  void formatSendsTheWholeMillisecondsLeftAndZeroOncePassed() {
    Deadline d = Deadline.after(Duration.ofNanos(1_999_999), time);
    assertThat(DeadlineHeader.format(d)).isEqualTo("1");
    time.advanceMillis(5);
    assertThat(DeadlineHeader.format(d)).isEqualTo("0");
  }

  @Test
  void settingsAreValidatedWithTheirRule() {
    assertThatThrownBy(() -> DeadlineHeader.builder().name("X Bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header must be an HTTP header name of 1 to 64 letters, digits"
                + " or '-', was \"X Bad\"");
    assertThatThrownBy(() -> DeadlineHeader.builder().maxInbound(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-inbound");
  }

  @Test
  void operatorsCanRenameTheHeaderAndChangeTheCapWithoutARelease() {
    DeadlineHeader h =
        DeadlineHeader.ofDefaults()
            .withOverrides(
                ConfigSource.fromMap(
                    "test",
                    Map.of(
                        "reliability.deadline.header", "X-Deadline-Ms",
                        "reliability.deadline.max-inbound", "5s")));

    assertThat(h.name()).isEqualTo("X-Deadline-Ms");
    assertThat(h.maxInbound()).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(
            () ->
                DeadlineHeader.ofDefaults()
                    .withOverrides(
                        ConfigSource.fromMap(
                            "test", Map.of("reliability.deadline.max-inbound", "-1s"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reliability.deadline.max-inbound");
  }
}
