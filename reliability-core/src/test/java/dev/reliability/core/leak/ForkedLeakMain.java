package dev.reliability.core.leak;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link ForkedJvmLeakTest} runs in a forked JVM with a small heap, in rounds of about
 * 10 ms: each round allocates 1.6 MB of request-like garbage (about 150 MB/s) and, from round
 * {@value #LEAK_START_ROUND} on, 80 objects of 1000 bytes (about 8 MB/s) that are either kept in a
 * static list ({@code leak}) or dropped ten rounds later ({@code churn}, the same volume). The leak
 * is paced by rounds, not by the clock, so a machine too busy to run the rounds on time slows the
 * leak, the garbage and the collections alike, and detection is measured in rounds. A leak detector
 * tuned to seconds watches the heap and prints every event as one line: {@code EVENT <round>
 * <millis> <type> <gauge> <state> <explanation>}. A leaking run ends shortly after its first
 * suspicion; every run ends after its rounds or its time limit.
 */
public final class ForkedLeakMain {

  static final List<byte[]> LEAKED = new ArrayList<>();
  static final int LEAK_START_ROUND = 150;

  private static volatile boolean detected;
  private static volatile int round;

  private ForkedLeakMain() {}

  /**
   * Runs.
   *
   * @param args {@code leak} or {@code churn}, the number of rounds, the time limit in ms
   * @throws Exception if interrupted
   */
  public static void main(String[] args) throws Exception {
    boolean leak = args[0].equals("leak");
    int rounds = Integer.parseInt(args[1]);
    long limitMillis = Long.parseLong(args[2]);
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
      int afterDetection = 0;
      for (int r = 0; r < rounds && afterDetection < 20; r++) {
        round = r;
        if ((System.nanoTime() - start) / 1_000_000 >= limitMillis) {
          break;
        }
        if (detected) {
          afterDetection++;
        }
        // Request-like garbage in 16 KB pieces.
        for (int i = 0; i < 100; i++) {
          inFlight.addLast(new byte[16 * 1024]);
          if (inFlight.size() > 64) {
            blackhole += inFlight.removeFirst().hashCode();
          }
        }
        if (r >= LEAK_START_ROUND) {
          for (int i = 0; i < 80; i++) {
            byte[] b = new byte[1000];
            if (leak) {
              LEAKED.add(b);
            } else {
              recent.addLast(b);
            }
          }
          while (!leak && recent.size() > 800) {
            blackhole += recent.removeFirst().length;
          }
        }
        Thread.sleep(10);
      }
      long gcs = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        gcs += gc.getCollectionCount();
      }
      System.out.println(
          "END "
              + round
              + " "
              + (System.nanoTime() - start) / 1_000_000
              + " "
              + gcs
              + " collections "
              + blackhole % 2);
      System.out.println("REPORT " + detector.report().toJson());
    }
  }

  private static void line(long start, String type, LeakEvent e) {
    synchronized (System.out) {
      System.out.println(
          "EVENT "
              + round
              + " "
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
