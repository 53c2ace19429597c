package dev.reliability.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class DeadlineHeaderProperties {

  private static final long CAP = 60_000;

  @Property
  void whateverComesInTheResultIsAbsentOrWithinTheCap(@ForAll String value) {
    DeadlineHeader header = DeadlineHeader.ofDefaults();
    long millis = header.parseMillis(value);
    assertThat(millis).isBetween(-1L, CAP);
  }

  @Property
  void aValueIsAcceptedOnlyWhenItIsOneToTenDigitsWithSpacesAround(
      @ForAll
          @Chars({' ', '\t', '0', '1', '2', '5', '9', '-', '+', '.', 'x', '\u0660'})
          @StringLength(max = 40)
          String value) {
    DeadlineHeader header = DeadlineHeader.builder().build();
    boolean wellFormed = value.length() <= 32 && value.matches("[ \t]*[0-9]{1,10}[ \t]*");
    long millis = header.parseMillis(value);
    assertThat(millis >= 0).isEqualTo(wellFormed);
    assertThat(header.malformedValues()).isEqualTo(wellFormed ? 0 : 1);
  }

  @Property
  void everyNumberUpToTheCapIsReadBackExactly(@ForAll @LongRange(min = 0, max = CAP) long millis) {
    assertThat(DeadlineHeader.ofDefaults().parseMillis(Long.toString(millis))).isEqualTo(millis);
  }

  @Property
  void anyLargerNumberOfTenDigitsOrFewerIsClippedToTheCap(
      @ForAll @LongRange(min = CAP + 1, max = 9_999_999_999L) long millis) {
    assertThat(DeadlineHeader.ofDefaults().parseMillis(Long.toString(millis))).isEqualTo(CAP);
  }

  @Property
  void aWrittenDeadlineReadsBackAsTheSameTimeLeft(
      @ForAll @LongRange(min = 0, max = CAP) long millis) {
    dev.reliability.test.ManualTimeSource time = dev.reliability.test.ManualTimeSource.create();
    Deadline sent = Deadline.after(Duration.ofMillis(millis), time);
    Deadline received = DeadlineHeader.ofDefaults().read(DeadlineHeader.format(sent), time);
    assertThat(received.remainingNanos()).isEqualTo(sent.remainingNanos());
  }
}
