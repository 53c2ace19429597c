package dev.reliability.core.leak.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TrendMathProperties {

  @Property(tries = 300)
  void medianMatchesSorting(@ForAll @Size(min = 1, max = 80) double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;

    double actual = TrendMath.median(values.clone(), n);

    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      return; // NaN ordering is not defined for medians
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Property(tries = 300)
  void theilSenRecoversTheSlopeOfANoisyLineWithAFewOutliers(
      @ForAll @DoubleRange(min = -1e6, max = 1e6) double slope,
      @ForAll @DoubleRange(min = -1e9, max = 1e9) double intercept,
      @ForAll @IntRange(min = 8, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 1) int outlierEvery) {
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i * 5.0;
      y[i] = intercept + slope * x[i];
      if (outlierEvery == 1 && i % 5 == 2) {
        y[i] += 1e12; // 20% wild outliers
      }
    }
    double[] scratch = new double[TrendMath.pairCount(n)];

    double fitted = TrendMath.theilSenSlope(x, y, n, scratch);

    assertThat(fitted).isCloseTo(slope, within(Math.abs(slope) * 1e-6 + 1e-3));
  }

  @Property(tries = 300)
  void kendallTauStaysWithinItsRange(@ForAll @Size(min = 2, max = 60) double[] values) {
    double tau = TrendMath.kendallTau(values, values.length);

    assertThat(tau).isBetween(-1.0, 1.0);
  }
}
