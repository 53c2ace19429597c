package dev.reliability.core.leak;

import dev.reliability.test.ManualTimeSource;
import java.time.Duration;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A polled gauge for tests: a shape over time plus Gaussian noise, read every sample interval by a
 * {@link TrendDetector} on manual time and evaluated after every read.
 */
final class SyntheticGauge {

  private final DoubleUnaryOperator shape;
  private double noise;
  private long seed = 11;

  private SyntheticGauge(DoubleUnaryOperator shape) {
    this.shape = shape;
  }

  /** A gauge whose value at second t is {@code shape(t)}. */
  static SyntheticGauge shape(DoubleUnaryOperator shape) {
    return new SyntheticGauge(shape);
  }

  SyntheticGauge noise(double sigma) {
    this.noise = sigma;
    return this;
  }

  SyntheticGauge seed(long seed) {
    this.seed = seed;
    return this;
  }

  SyntheticHeap.Run run(LeakDetectorConfig config, long minIncrease, int seconds) {
    ManualTimeSource time = ManualTimeSource.create();
    TrendDetector trend =
        TrendDetector.builder("gauge")
            .minIncrease(minIncrease)
            .config(config)
            .timeSource(time)
            .build();
    Random random = new Random(seed);
    SyntheticHeap.Run run = new SyntheticHeap.Run();
    long step = config.sampleInterval().toMillis();
    for (long ms = 0; ms <= seconds * 1000L; ms += step) {
      double t = ms / 1000.0;
      trend.record(Math.round(shape.applyAsDouble(t) + noise * random.nextGaussian()));
      run.seconds.add(t);
      run.trends.add(trend.evaluate());
      time.advance(Duration.ofMillis(step));
    }
    return run;
  }
}
