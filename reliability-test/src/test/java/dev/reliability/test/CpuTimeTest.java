package dev.reliability.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

  /** A clock that returns the given readings in order. */
  private static CpuTime readings(Long... nanos) {
    Deque<Long> left = new ArrayDeque<>(List.of(nanos));
    return new CpuTime(left::removeFirst);
  }

  @Test
  void aFastCallRunsOnceAndReportsItsTime() {
    AtomicInteger runs = new AtomicInteger();

    CpuTime.Measured<String> m =
        readings(100L, 150L).run(1_000, () -> "v" + runs.incrementAndGet());

    assertThat(m.value()).isEqualTo("v1");
    assertThat(m.nanos()).isEqualTo(50);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aOneTimeCostIsNotCountedWhenTheSecondRunIsFast() {
    AtomicInteger runs = new AtomicInteger();

    CpuTime.Measured<String> m =
        readings(0L, 5_000L, 5_000L, 5_010L).run(1_000, () -> "v" + runs.incrementAndGet());

    assertThat(m.value()).isEqualTo("v1");
    assertThat(m.nanos()).isEqualTo(10);
    assertThat(runs).hasValue(2);
  }

  @Test
  void aCallThatIsSlowTwiceReportsTheSecondRun() {
    CpuTime.Measured<String> m = readings(0L, 5_000L, 5_000L, 9_000L).run(1_000, () -> "v");

    assertThat(m.nanos()).isEqualTo(4_000);
  }

  @Test
  void theBoundMustBePositive() {
    assertThatThrownBy(() -> CpuTime.measure(0, () -> "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boundNanos must be more than 0, was 0");
  }

  @Test
  void theThreadClockMeasuresRealWork() {
    assertThat(CpuTime.isSupported()).isTrue();
    CpuTime.Measured<Long> m =
        CpuTime.measure(
            Long.MAX_VALUE,
            () -> {
              long x = 0;
              for (int i = 0; i < 5_000_000; i++) {
                x += Long.rotateLeft(x ^ i, 7);
              }
              return x;
            });

    assertThat(m.nanos()).isPositive();
  }
}
