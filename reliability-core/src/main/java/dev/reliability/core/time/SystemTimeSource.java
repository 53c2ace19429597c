package dev.reliability.core.time;

import java.time.Instant;

/** The {@link TimeSource} backed by the JVM's clocks. */
enum SystemTimeSource implements TimeSource {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
