package dev.reliability.benchmarks.leak;

import dev.reliability.core.leak.GaugeTrend;
import dev.reliability.core.leak.GaugeUnit;
import dev.reliability.core.leak.LeakDetectorConfig;
import dev.reliability.core.leak.LeakKind;
import dev.reliability.core.leak.TrendDetector;
import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the leak detector costs: recording one post-collection sample (done on the JDK's
 * notification thread for every garbage collection) and one evaluation of a full window (done on
 * the detector's thread every {@code sample-interval} per gauge), with a leak in the window or
 * without. No JVM library does trend-based leak detection, so there is no peer to run beside it;
 * seed 000's rule is one comparison per reading.
 *
 * <p>Run: {@code flock /tmp/reliability-jmh.lock java -jar benchmarks/target/benchmarks.jar
 * LeakDetectorBenchmark -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LeakDetectorBenchmark {

  private static final long MB = 1024L * 1024;

  /** The shape of the hour of samples in the window. */
  @Param({"flat", "leaking"})
  public String window;

  private ManualTimeSource time;
  private TrendDetector trend;
  private long value;

  @Setup(Level.Trial)
  public void fill() {
    time = ManualTimeSource.create();
    trend =
        TrendDetector.builder("heap")
            .kind(LeakKind.HEAP)
            .unit(GaugeUnit.BYTES)
            .limit(256 * MB)
            .config(LeakDetectorConfig.builder().warmUp(Duration.ZERO).build())
            .timeSource(time)
            .build();
    boolean leaking = window.equals("leaking");
    for (int s = 0; s < 3600; s++) {
      value = 40 * MB + (leaking ? s * 16 * 1024L : (s % 7) * 1024L);
      trend.recordCollection(value, value, false);
      time.advance(Duration.ofSeconds(1));
    }
  }

  /** One collection's sample: what the notification thread does per GC. */
  @Benchmark
  public void recordCollection() {
    trend.recordCollection(value, value, false);
  }

  /** One evaluation of the hour-long window: what the detector thread does per gauge and tick. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public GaugeTrend evaluate() {
    return trend.evaluate();
  }

  /** Seed 000's rule for comparison: RSS over the first reading plus 500 MB. */
  @Benchmark
  public boolean seed000Rule() {
    return value > 40 * MB + 500 * MB;
  }
}
