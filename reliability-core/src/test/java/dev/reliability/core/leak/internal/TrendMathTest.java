package dev.reliability.core.leak.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrendMathTest {

  private final double[] scratch = new double[1000];

  @Test
  void theilSenSlopeOfALineIsItsSlope() {
    double[] x = {0, 1, 2, 3, 4};
    double[] y = {5, 7, 9, 11, 13};

    assertThat(TrendMath.theilSenSlope(x, y, 5, scratch)).isEqualTo(2.0);
    assertThat(TrendMath.intercept(x, y, 5, 2.0, scratch)).isEqualTo(5.0);
  }

  @Test
  void theilSenSlopeIgnoresAnOutlier() {
    double[] x = {0, 1, 2, 3, 4, 5, 6};
    double[] y = {0, 1, 2, 300, 4, 5, 6};

    assertThat(TrendMath.theilSenSlope(x, y, 7, scratch)).isEqualTo(1.0);
  }

  @Test
  void theilSenSlopeIsZeroWhenAllXAreEqual() {
    double[] x = {3, 3, 3};
    double[] y = {1, 2, 3};

    assertThat(TrendMath.theilSenSlope(x, y, 3, scratch)).isZero();
  }

  @Test
  void kendallTauIsOneForGrowthMinusOneForDeclineAndZeroWhenFlat() {
    assertThat(TrendMath.kendallTau(new double[] {1, 2, 3, 4}, 4)).isEqualTo(1.0);
    assertThat(TrendMath.kendallTau(new double[] {4, 3, 2, 1}, 4)).isEqualTo(-1.0);
    assertThat(TrendMath.kendallTau(new double[] {2, 2, 2, 2}, 4)).isZero();
    assertThat(TrendMath.kendallTau(new double[] {1}, 1)).isZero();
  }

  @Test
  void kendallTauCountsDiscordantPairs() {
    // pairs: (1,3)+ (1,2)+ (3,2)- => (2 - 1) / 3
    assertThat(TrendMath.kendallTau(new double[] {1, 3, 2}, 3)).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(TrendMath.median(new double[] {5, 1, 3}, 3)).isEqualTo(3.0);
    assertThat(TrendMath.median(new double[] {4, 1, 3, 2}, 4)).isEqualTo(2.5);
    assertThat(TrendMath.median(new double[] {7}, 1)).isEqualTo(7.0);
    assertThat(TrendMath.median(new double[] {}, 0)).isNaN();
  }

  @Test
  void pairCount() {
    assertThat(TrendMath.pairCount(16)).isEqualTo(120);
    assertThat(TrendMath.pairCount(1)).isZero();
  }
}
