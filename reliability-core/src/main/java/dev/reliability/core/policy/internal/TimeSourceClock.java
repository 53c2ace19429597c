package dev.reliability.core.policy.internal;

import dev.reliability.core.time.TimeSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} for Resilience4j that reads a {@link TimeSource}'s monotonic clock, anchored at
 * the wall-clock time of its creation: wall-clock jumps cannot shorten or stretch an open state.
 *
 * <p>Internal: may change at any time.
 */
final class TimeSourceClock extends Clock {

  private final TimeSource time;
  private final long anchorEpochNanos;
  private final long anchorNanoTime;

  TimeSourceClock(TimeSource time) {
    this.time = time;
    Instant now = time.now();
    this.anchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    this.anchorNanoTime = time.nanoTime();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return Math.floorDiv(epochNanos(), 1_000_000L);
  }

  @Override
  public Instant instant() {
    long n = epochNanos();
    return Instant.ofEpochSecond(
        Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  private long epochNanos() {
    return anchorEpochNanos + (time.nanoTime() - anchorNanoTime);
  }
}
