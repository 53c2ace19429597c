package dev.reliability.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConvergenceTest {

  // Ten samples a second: sample i was taken at (i + 1) / 10 s.

  @Test
  void settlesAtTheFirstSampleFromWhichEveryLaterOneStaysInTheBand() {
    int[] limits = {16, 16, 16, 14, 12, 9, 11, 7, 8, 9, 10};

    // Band around 8 at 25%: 6 to 10. 11 at 0.7 s is outside; from 7 at 0.8 s on, all inside.
    assertThat(Convergence.settledAt(limits, 10, 0.3, 8, 0.25, 1)).hasValue(0.8);
  }

  @Test
  void aSampleOnTheBandsEdgeIsInside() {
    int[] limits = {16, 10, 6};

    assertThat(Convergence.settledAt(limits, 10, 0.1, 8, 0.25, 1)).hasValue(0.2);
  }

  @Test
  void neverSettlesWhenTheLastSampleIsOutsideTheBand() {
    int[] limits = {16, 8, 8, 8, 12};

    assertThat(Convergence.settledAt(limits, 10, 0.1, 8, 0.25, 1)).isEmpty();
  }

  @Test
  void samplesBeforeTheMoveDoNotCount() {
    int[] limits = {8, 8, 8, 8, 8, 8};

    // Already in the band before the move at 0.3 s: settled at the move itself.
    assertThat(Convergence.settledAt(limits, 10, 0.3, 8, 0.25, 1)).hasValue(0.3);
  }

  @Test
  void noLimitIsOutsideEveryBand() {
    int[] limits = {-1, -1, -1};

    assertThat(Convergence.settledAt(limits, 10, 0.1, 8, 0.25, 1)).isEmpty();
  }

  @Test
  void aMoveAfterTheLastSampleNeverSettles() {
    int[] limits = {8, 8};

    assertThat(Convergence.settledAt(limits, 10, 5.0, 8, 0.25, 1)).isEmpty();
  }

  @Test
  void firstWithinIsTheFirstSampleInTheBandAfterTheMove() {
    int[] limits = {8, 16, 16, 12, 9, 14, 8};

    // 8 at 0.1 s is before the move at 0.2 s; 9 at 0.5 s is the first after it in 6 to 10.
    assertThat(Convergence.firstWithin(limits, 10, 0.2, 8, 0.25)).hasValue(0.5);
    assertThat(Convergence.firstWithin(new int[] {16, 16}, 10, 0.1, 8, 0.25)).isEmpty();
  }

  @Test
  void shareWithinCountsTheSamplesInTheBandAfterTheMove() {
    int[] limits = {8, 8, 16, 9, 14, 8};

    // From 0.3 s: 16, 9, 14, 8; two of four in 6 to 10.
    assertThat(Convergence.shareWithin(limits, 10, 0.3, 8, 0.25)).isEqualTo(0.5);
    assertThat(Convergence.shareWithin(limits, 10, 9.0, 8, 0.25)).isNaN();
  }

  @Test
  void staysAtMostFromIsTheFirstIndexAfterWhichNoValueIsAbove() {
    double[] refused = {0.0, 0.5, 0.4, 0.005, 0.02, 0.01, 0.0, 0.0};

    assertThat(Convergence.staysAtMostFrom(refused, 2, 0.01)).hasValue(5);
    assertThat(Convergence.staysAtMostFrom(refused, 6, 0.01)).hasValue(6);
    assertThat(Convergence.staysAtMostFrom(new double[] {0.0, 0.3}, 0, 0.01)).isEmpty();
  }

  @Test
  void aLimitThatEntersTheBandOnlyAsTheRunEndsHasNotSettled() {
    int[] limits = {16, 16, 16, 16, 8, 8};

    assertThat(Convergence.settledAt(limits, 10, 0.1, 8, 0.25, 3)).isEmpty();
    assertThat(Convergence.settledAt(limits, 10, 0.1, 8, 0.25, 2)).hasValue(0.5);
  }
}
