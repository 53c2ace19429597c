package dev.reliability.core.leak;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link ForkedJvmLeakTest} runs in a forked JVM with a small heap: request-like
 * garbage at about 150 MB/s, and from second 1.5 on 8 MB/s of 1 KB objects that are either kept in
 * a static list ({@code leak}) or dropped after 100 ms ({@code churn}, the same volume). A leak
 * detector tuned to seconds watches the heap and prints every event as one line: {@code EVENT
 * <millis> <type> <gauge> <state> <explanation>}. A leaking run ends shortly after its first
 * suspicion.
 */
public final class ForkedLeakMain {

  static final List<byte[]> LEAKED = new ArrayList<>();
  static final long LEAK_START_MILLIS = 1500;

  private static volatile boolean detected;
  private static volatile long lastEvent = Long.MAX_VALUE;

  private ForkedLeakMain() {}

  public static void main(String[] args) throws Exception {
    boolean leak = args[0].equals("leak");
    long durationMillis = Long.parseLong(args[1]);
    long start = System.nanoTime();
    LeakDetectorConfig config =
        LeakDetectorConfig.builder()
            .sampleInterval(Duration.ofMillis(100))
            .warmUp(Duration.ofSeconds(1))
            .minSpan(Duration.ofSeconds(1))
            .window(Duration.ofMinutes(1))
            .withdrawAfter(Duration.ofSeconds(5))
            .confirmAfter(Duration.ofSeconds(2))
            .jvmGauges(false)
            .build();
    LeakListener print =
        new LeakListener() {
          @Override
          public void onStateChange(LeakEvent e) {
            line(start, "state", e);
            if (leak && e.state().isLeak()) {
              detected = true; // the leaking run has shown what it must; end it early
            }
          }

          @Override
          public void onThreshold(LeakEvent e) {
            line(start, e.type().jsonName(), e);
          }
        };
    try (LeakDetector detector =
        LeakDetector.builder().name("forked").config(config).listener(print).build().start()) {
      ArrayDeque<Object> inFlight = new ArrayDeque<>();
      ArrayDeque<byte[]> recent = new ArrayDeque<>();
      long blackhole = 0;
      double debt = 0;
      long last = System.nanoTime();
      while (true) {
        long now = System.nanoTime();
        long elapsed = (now - start) / 1_000_000;
        if (elapsed >= durationMillis || (detected && elapsed >= lastEvent + 200)) {
          break;
        }
        // ~150 MB/s of short-lived garbage in 16 KB pieces.
        for (int i = 0; i < 100; i++) {
          inFlight.addLast(new byte[16 * 1024]);
          if (inFlight.size() > 64) {
            blackhole += inFlight.removeFirst().hashCode();
          }
        }
        if (elapsed >= LEAK_START_MILLIS) {
          debt += 8.0 * 1024 * (now - last) / 1e9; // 8 MB/s in 1 KB objects
          while (debt >= 1) {
            byte[] b = new byte[1000];
            if (leak) {
              LEAKED.add(b);
            } else {
              recent.addLast(b);
            }
            debt--;
          }
          while (!leak && recent.size() > 800) {
            blackhole += recent.removeFirst().length;
          }
        }
        last = now;
        Thread.sleep(10);
      }
      long gcs = 0;
      for (java.lang.management.GarbageCollectorMXBean gc :
          java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        gcs += gc.getCollectionCount();
      }
      System.out.println(
          "END "
              + (System.nanoTime() - start) / 1_000_000
              + " "
              + gcs
              + " collections "
              + blackhole % 2);
      System.out.println("REPORT " + detector.report().toJson());
    }
  }

  private static void line(long start, String type, LeakEvent e) {
    lastEvent = (System.nanoTime() - start) / 1_000_000;
    synchronized (System.out) {
      System.out.println(
          "EVENT "
              + (System.nanoTime() - start) / 1_000_000
              + " "
              + type
              + " "
              + e.gauge()
              + " "
              + e.state().jsonName()
              + " "
              + e.message());
    }
  }
}
