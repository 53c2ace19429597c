package dev.reliability.core.leak;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A G1-like model of the old generation for tests: a live set given by a shape over time, garbage
 * promoted at a steady rate (plus optional bursts) that accumulates until occupancy reaches the
 * initiating threshold, then a concurrent cycle whose mixed collections reclaim it. Young
 * collections happen about once a second, at seeded-random times.
 */
final class SyntheticHeap {

  static final long MB = 1024L * 1024;
  static final long MAX = 256 * MB;

  private final DoubleUnaryOperator liveMb;
  private DoubleUnaryOperator promotionKbPerSecond = t -> 2;
  private double noiseMb = 0.01;
  private double burstMb;
  private double burstEverySeconds;
  private double gcPerSecond = 1.0;
  private double ihop = 0.45;
  private long seed = 42;

  private SyntheticHeap(DoubleUnaryOperator liveMb) {
    this.liveMb = liveMb;
  }

  /** A heap whose live set in MB at second t is {@code liveMb(t)}. */
  static SyntheticHeap live(DoubleUnaryOperator liveMb) {
    return new SyntheticHeap(liveMb);
  }

  SyntheticHeap promotion(double kbPerSecond) {
    this.promotionKbPerSecond = t -> kbPerSecond;
    return this;
  }

  /** Garbage promoted at a rate in KB/s that changes over time, such as replaced cache entries. */
  SyntheticHeap promotion(DoubleUnaryOperator kbPerSecond) {
    this.promotionKbPerSecond = kbPerSecond;
    return this;
  }

  SyntheticHeap noise(double mb) {
    this.noiseMb = mb;
    return this;
  }

  SyntheticHeap bursts(double mb, double everySeconds) {
    this.burstMb = mb;
    this.burstEverySeconds = everySeconds;
    return this;
  }

  SyntheticHeap collectionsPerSecond(double rate) {
    this.gcPerSecond = rate;
    return this;
  }

  SyntheticHeap seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** What happened over a run: the state after each evaluation. */
  static final class Run {
    final List<Double> seconds = new ArrayList<>();
    final List<GaugeTrend> trends = new ArrayList<>();

    /** The first second at or after {@code from} at which the state was a leak, or -1. */
    double firstLeakAfter(double from) {
      for (int i = 0; i < seconds.size(); i++) {
        if (seconds.get(i) >= from && trends.get(i).state().isLeak()) {
          return seconds.get(i);
        }
      }
      return -1;
    }

    /**
     * The first second at or after {@code from} at which a suspicion episode began: the state went
     * from none to a leak, or a new suspicion replaced a standing one; -1 if none did.
     */
    double firstEpisodeAfter(double from) {
      for (int i = 0; i < seconds.size(); i++) {
        GaugeTrend t = trends.get(i);
        GaugeTrend previous = i == 0 ? null : trends.get(i - 1);
        boolean began =
            t.state() == LeakState.SUSPECTED
                && (previous == null
                    || !previous.state().isLeak()
                    || !previous.since().equals(t.since()));
        if (seconds.get(i) >= from && began) {
          return seconds.get(i);
        }
      }
      return -1;
    }

    /** The first second at which exhaustion was found imminent, or -1. */
    double firstImminent() {
      for (int i = 0; i < seconds.size(); i++) {
        if (trends.get(i).exhaustionImminent()) {
          return seconds.get(i);
        }
      }
      return -1;
    }

    /** The first second at which the state was confirmed, or -1. */
    double firstConfirmed() {
      for (int i = 0; i < seconds.size(); i++) {
        if (trends.get(i).state() == LeakState.CONFIRMED) {
          return seconds.get(i);
        }
      }
      return -1;
    }

    /** How many times the state went from none to a leak. */
    int suspicions() {
      int n = 0;
      boolean leak = false;
      for (GaugeTrend t : trends) {
        if (t.state().isLeak() && !leak) {
          n++;
        }
        leak = t.state().isLeak();
      }
      return n;
    }

    GaugeTrend last() {
      return trends.get(trends.size() - 1);
    }

    LeakState stateAt(double second) {
      LeakState s = LeakState.NONE;
      for (int i = 0; i < seconds.size() && seconds.get(i) <= second; i++) {
        s = trends.get(i).state();
      }
      return s;
    }
  }

  /** Feeds {@code seconds} of collections to a new heap trend, evaluating every 5 seconds. */
  Run run(LeakDetectorConfig config, int seconds) {
    ManualTimeSource time = ManualTimeSource.create();
    TrendDetector trend =
        TrendDetector.builder("heap")
            .kind(LeakKind.HEAP)
            .unit(GaugeUnit.BYTES)
            .limit(MAX)
            .config(config)
            .timeSource(time)
            .build();
    Random random = new Random(seed);
    Run run = new Run();
    double garbage = 0;
    double lastAfter = liveMb.applyAsDouble(0);
    int mixedLeft = 0;
    double nextBurst = burstEverySeconds;
    long stepMillis = 100;
    double nextEvaluation = 5;
    for (long ms = 0; ms <= seconds * 1000L; ms += stepMillis) {
      double t = ms / 1000.0;
      garbage += promotionKbPerSecond.applyAsDouble(t) / 1024.0 * stepMillis / 1000.0;
      if (burstMb > 0 && t >= nextBurst) {
        garbage += burstMb;
        nextBurst += burstEverySeconds;
      }
      if (random.nextDouble() < gcPerSecond * stepMillis / 1000.0) {
        double live = liveMb.applyAsDouble(t);
        double before = Math.max(lastAfter, live + garbage);
        if (mixedLeft == 0 && before >= ihop * MAX / MB) {
          mixedLeft = 4;
        }
        if (mixedLeft > 0) {
          garbage *= 0.35;
          mixedLeft--;
        }
        // Old-generation usage only falls when collected: noise is in-flight data promoted now.
        garbage += Math.abs(noiseMb * random.nextGaussian());
        double after = live + garbage;
        trend.recordCollection(
            (long) (Math.max(lastAfter, before) * MB), (long) (after * MB), false);
        lastAfter = after;
      }
      if (t >= nextEvaluation) {
        run.seconds.add(t);
        run.trends.add(trend.evaluate());
        nextEvaluation += 5;
      }
      time.advance(Duration.ofMillis(stepMillis));
    }
    return run;
  }
}
