package dev.reliability.core.leak.internal;

/**
 * Robust statistics for short series: the Theil-Sen slope (median of pairwise slopes), its
 * intercept, Kendall's rank correlation and a selection-based median.
 *
 * <p>All methods work on the first {@code n} entries of caller-owned arrays and take a scratch
 * array for the pairwise slopes, so an evaluation allocates nothing. The series this library feeds
 * them are at most a few dozen points long, so the quadratic pair count is cheap.
 *
 * <p>This class is internal and may change at any time. Stateless and thread-safe.
 */
public final class TrendMath {

  private TrendMath() {}

  /**
   * Returns the number of pairs among {@code n} points, the scratch size {@link #theilSenSlope}
   * needs.
   *
   * @param n the number of points
   * @return {@code n * (n - 1) / 2}
   */
  public static int pairCount(int n) {
    return n * (n - 1) / 2;
  }

  /**
   * Returns the Theil-Sen slope: the median of the slopes between every pair of points with
   * different x. Tolerates up to about 29% of outliers.
   *
   * @param x the x values
   * @param y the y values
   * @param n how many points to use, at least 2
   * @param scratch at least {@link #pairCount(int)} entries, overwritten
   * @return the slope in y per x unit, or 0 if every x is equal
   */
  public static double theilSenSlope(double[] x, double[] y, int n, double[] scratch) {
    int m = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dx = x[j] - x[i];
        if (dx != 0) {
          scratch[m++] = (y[j] - y[i]) / dx;
        }
      }
    }
    return m == 0 ? 0 : median(scratch, m);
  }

  /**
   * Returns the intercept that goes with a Theil-Sen slope: the median of {@code y - slope * x}.
   *
   * @param x the x values
   * @param y the y values
   * @param n how many points to use, at least 1
   * @param slope the slope
   * @param scratch at least {@code n} entries, overwritten
   * @return the intercept
   */
  public static double intercept(double[] x, double[] y, int n, double slope, double[] scratch) {
    for (int i = 0; i < n; i++) {
      scratch[i] = y[i] - slope * x[i];
    }
    return median(scratch, n);
  }

  /**
   * Returns Kendall's tau-a for points whose x values increase: the share of concordant pairs minus
   * the share of discordant pairs. Ties count as neither, so a flat series scores 0 and a strictly
   * increasing one scores 1.
   *
   * @param y the y values, in x order
   * @param n how many points to use
   * @return tau between -1 and 1, or 0 for fewer than two points
   */
  public static double kendallTau(double[] y, int n) {
    if (n < 2) {
      return 0;
    }
    long score = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        score += Double.compare(y[j], y[i]) > 0 ? 1 : y[j] < y[i] ? -1 : 0;
      }
    }
    return (double) score / pairCount(n);
  }

  /**
   * Returns the Mann-Kendall trend statistic as a standard normal score: Kendall's S corrected for
   * continuity and divided by its standard deviation under the hypothesis of no trend (without the
   * tie correction, which makes it conservative when values repeat).
   *
   * @param tau Kendall's tau-a of the points
   * @param n how many points
   * @return the z score; above 3.09 means a rising trend at a one-sided 0.1% level
   */
  public static double mannKendallZ(double tau, int n) {
    if (n < 3) {
      return 0;
    }
    double s = tau * pairCount(n);
    double variance = n * (n - 1.0) * (2.0 * n + 5.0) / 18.0;
    double corrected = s > 0 ? s - 1 : s < 0 ? s + 1 : 0;
    return corrected / Math.sqrt(variance);
  }

  /**
   * Returns the median of the first {@code n} values, reordering them. For an even count, the mean
   * of the two middle values.
   *
   * @param values the values, partially reordered on return
   * @param n how many values, at least 1
   * @return the median
   */
  public static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    int mid = n / 2;
    double upper = select(values, 0, n - 1, mid);
    if ((n & 1) == 1) {
      return upper;
    }
    double lower = values[0];
    for (int i = 1; i < mid; i++) {
      lower = Math.max(lower, values[i]);
    }
    return (lower + upper) / 2;
  }

  /** Quickselect: places the k-th smallest value at index k, smaller ones before it. */
  private static double select(double[] a, int left, int right, int k) {
    while (left < right) {
      double pivot = medianOfThree(a[left], a[(left + right) >>> 1], a[right]);
      int i = left;
      int j = right;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        right = j;
      } else if (k >= i) {
        left = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static double medianOfThree(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
