package dev.reliability.core.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LatencyTrackerTest {

  private static final long WINDOW = Duration.ofSeconds(10).toNanos();
  private static final long MS = 1_000_000;

  @Property(tries = 500)
  void aBucketsUpperBoundIsAtMostOneSixteenthAboveTheLatency(
      @ForAll @LongRange(min = 0, max = 60_000_000_000_000L) long nanos) {
    int bucket = LatencyTracker.bucket(nanos);
    long upper = LatencyTracker.upperBoundNanos(bucket);

    assertThat(bucket).isBetween(0, LatencyTracker.BUCKETS - 1);
    assertThat(upper).isGreaterThanOrEqualTo(nanos);
    assertThat(upper).isLessThanOrEqualTo(nanos + nanos / 16 + 1000);
  }

  @Property(tries = 200)
  void bucketsGrowWithTheLatency(
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long a,
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long b) {
    if (a <= b) {
      assertThat(LatencyTracker.bucket(a)).isLessThanOrEqualTo(LatencyTracker.bucket(b));
    }
  }

  @Test
  void thePercentileIsTheBucketOfTheRankedSample() {
    LatencyTracker t = new LatencyTracker(0, WINDOW);
    for (int i = 1; i <= 100; i++) {
      t.record(i * MS, 0);
    }

    assertThat(t.count(0)).isEqualTo(100);
    assertThat(t.percentileNanos(0.95, 10, 0)).isBetween(95 * MS, 95 * MS + 95 * MS / 16);
    assertThat(t.percentileNanos(0.5, 10, 0)).isBetween(50 * MS, 50 * MS + 50 * MS / 16);
    assertThat(t.percentileNanos(0.95, 101, 0)).as("too few samples").isEqualTo(-1);
  }

  @Test
  void aSampleCountsForOneToTwoWindows() {
    LatencyTracker t = new LatencyTracker(0, WINDOW);
    t.record(5 * MS, WINDOW - 1);

    assertThat(t.count(WINDOW - 1)).isEqualTo(1);
    assertThat(t.count(WINDOW)).as("the previous window still counts").isEqualTo(1);
    assertThat(t.count(2 * WINDOW - 1)).isEqualTo(1);
    assertThat(t.count(2 * WINDOW)).as("two windows later it is gone").isZero();
  }

  @Test
  void aNewWindowReplacesTheCountOfTheWindowTwoBefore() {
    LatencyTracker t = new LatencyTracker(0, WINDOW);
    t.record(5 * MS, 0);
    t.record(5 * MS, 0);
    t.record(5 * MS, 2 * WINDOW);

    assertThat(t.count(2 * WINDOW)).isEqualTo(1);
    assertThat(t.countInWindow(LatencyTracker.bucket(5 * MS), 0)).isZero();
  }

  @Test
  void aSampleOlderThanItsCellsWindowIsDropped() {
    LatencyTracker t = new LatencyTracker(0, WINDOW);
    int bucket = LatencyTracker.bucket(5 * MS);
    t.recordInWindow(bucket, 2);
    t.recordInWindow(bucket, 0);

    assertThat(t.countInWindow(bucket, 2)).isEqualTo(1);
    assertThat(t.countInWindow(bucket, 0)).isZero();
  }
}
