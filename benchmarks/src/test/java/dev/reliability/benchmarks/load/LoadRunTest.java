package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadRunTest {

  @Test
  void goodputIsTheSuccessesPerSecondOfTheWindow() {
    LoadRun run =
        new LoadRun.Builder("x", 4)
            .second(latencies(), 100, 5, 0, 0)
            .second(latencies(), 1600, 5, 0, 0)
            .second(latencies(), 1500, 5, 0, 0)
            .second(latencies(), 1700, 5, 0, 0)
            .build();

    assertThat(run.goodput(1, 4)).isEqualTo(1600.0);
    assertThat(run.goodput(0, 1)).isEqualTo(100.0);
  }

  @Test
  void callsSentCountEveryAdmittedCallButNotTheLimitersRejections() {
    LoadRun run =
        new LoadRun.Builder("x", 2)
            .second(latencies(), 100, 900, 50, 2)
            .second(latencies(), 200, 900, 100, 0)
            .build();

    assertThat(run.sentRate(0, 2)).isEqualTo(226.0);
    assertThat(run.rejectionRate(0, 2)).isEqualTo(900.0);
    assertThat(run.droppedRate(0, 2)).isEqualTo(75.0);
    assertThat(run.errors(0, 2)).isEqualTo(2);
  }

  @Test
  void latencyMergesOnlyTheSecondsOfTheWindow() {
    LoadRun run =
        new LoadRun.Builder("x", 3)
            .second(latencies(500_000), 1, 0, 0, 0)
            .second(latencies(10_000, 11_000), 2, 0, 0, 0)
            .second(latencies(12_000), 1, 0, 0, 0)
            .build();

    Histogram steady = run.latency(1, 3);

    assertThat(steady.getTotalCount()).isEqualTo(3);
    assertThat(steady.getMaxValue()).isCloseTo(12_000, within(12L));
  }

  @Test
  void limitStatsCoverTheSamplesOfTheWindowOnly() {
    LoadRun.Builder builder = new LoadRun.Builder("x", 2);
    for (int limit : new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}) {
      builder.limitSample(limit);
    }
    for (int limit : new int[] {10, 12, 14, 16, 18, 20, 22, 24, 26, 28}) {
      builder.limitSample(limit);
    }
    LoadRun run = builder.build();

    LoadRun.LimitStats second = run.limitStats(1, 2);

    assertThat(second.mean()).isEqualTo(19.0);
    assertThat(second.min()).isEqualTo(10);
    assertThat(second.max()).isEqualTo(28);
  }

  @Test
  void aRunWithoutALimitHasNoLimitStats() {
    LoadRun run = new LoadRun.Builder("none", 1).limitSample(-1).limitSample(-1).build();

    assertThat(run.limitStats(0, 1).mean()).isNaN();
  }

  private static Histogram latencies(long... micros) {
    Histogram h = new Histogram(3);
    for (long m : micros) {
      h.recordValue(m);
    }
    return h;
  }
}
