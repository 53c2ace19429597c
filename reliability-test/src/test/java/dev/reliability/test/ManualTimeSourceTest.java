package dev.reliability.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliability.core.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualTimeSourceTest {

  @Test
  void startsAtZeroAndTheDefaultInstant() {
    ManualTimeSource time = ManualTimeSource.create();

    assertThat(time.nanoTime()).isZero();
    assertThat(time.now()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(time.currentTimeMillis()).isEqualTo(time.now().toEpochMilli());
  }

  @Test
  void advanceMovesBothClocksTogether() {
    ManualTimeSource time = ManualTimeSource.startingAt(Instant.parse("2026-01-01T10:00:00Z"));

    time.advance(Duration.ofSeconds(60)).advanceMillis(1).advance(Duration.ofNanos(5));

    assertThat(time.nanoTime()).isEqualTo(60_001_000_005L);
    assertThat(time.now()).isEqualTo(Instant.parse("2026-01-01T10:01:00.001000005Z"));
  }

  @Test
  void refusesToGoBack() {
    ManualTimeSource time = ManualTimeSource.create();

    assertThatThrownBy(() -> time.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("amount must be zero or longer, was -1ms");
    assertThatThrownBy(() -> time.advance(null)).hasMessage("amount must not be null");
    assertThat(time.nanoTime()).isZero();
  }

  @Test
  void systemSourceIsMonotonicAndCloseToTheWallClock() {
    TimeSource system = TimeSource.system();
    long a = system.nanoTime();
    long b = system.nanoTime();

    assertThat(b).isGreaterThanOrEqualTo(a);
    assertThat(Math.abs(system.currentTimeMillis() - System.currentTimeMillis())).isLessThan(5_000);
    assertThat(system).hasToString("TimeSource.system()");
  }
}
