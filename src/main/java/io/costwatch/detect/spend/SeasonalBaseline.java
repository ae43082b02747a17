package io.costwatch.detect.spend;

import java.util.Arrays;

/**
 * The expected value of the next point of an evenly spaced series, from its recent past: a seasonal offset per
 * phase (day of week, hour of day), a robust trend and a slowly moving level. Every statistic is a median, so one
 * past spike, a refund or a holiday does not move the expectation, while a pattern that recurs (a weekly job, a
 * nightly batch) becomes part of it and steady growth moves the level instead of looking like a spike.
 *
 * <p>The fit runs twice: trend and level on the deseasonalised series, then the seasonal offsets on the detrended
 * series. The spread is the MAD of what remains, so a noisy series needs a larger excess to count. A trend too small
 * to tell from the noise is dropped and the fit repeated without it.
 */
public final class SeasonalBaseline {

  /** 1.4826 x MAD estimates the standard deviation of normally distributed noise. */
  public static final double MAD_TO_SIGMA = 1.4826;

  /**
   * 1.2533 x the mean absolute deviation also estimates the standard deviation, and it is the floor of the spread:
   * when most points sit exactly on the baseline (a workspace idle most hours) the MAD is zero or tiny and every
   * non-zero point would be an extreme z-score, whereas the mean deviation still sees how often and how far the
   * series moves. Residuals above their {@link #WINSOR} quantile are clipped first, so past spikes do not inflate it.
   */
  public static final double MEAN_AD_TO_SIGMA = 1.2533;
  static final double WINSOR = 0.9;
  /**
   * A trend is used only when it moves the series over the history by at least this many spreads; a smaller one is
   * indistinguishable from noise, and extrapolating it would only shift the baseline by chance.
   */
  static final double TREND_SIGNIFICANCE = 2;

  private SeasonalBaseline() {
  }

  /**
   * @param expected the expectation for the next point (never negative: spend does not go below zero by trend)
   * @param sigma the robust spread of the residuals (1.4826 x MAD)
   * @param seasonal whether the target's phase had enough history for its own offset
   * @param slope the trend per step
   * @param level the recent level without seasonal offset
   * @param points how many history points the fit used
   */
  public record Fit(double expected, double sigma, boolean seasonal, double slope, double level, int points) {
  }

  /**
   * Shape of the model for one cadence.
   *
   * @param period phases per cycle: 7 for days of week, 24 for hours of day
   * @param minPerPhase occurrences of a phase needed before it gets its own offset
   * @param trendBlock points per block whose median feeds the trend (1 for days, 24 for hours)
   * @param minTrendBlocks fewer blocks than this: no trend
   * @param recentPoints points whose median is the current level
   */
  public record Shape(int period, int minPerPhase, int trendBlock, int minTrendBlocks, int recentPoints) {

    /** Daily spend: day-of-week offsets from two weeks on, trend from a week and a half, level over a week. */
    public static Shape daily() {
      return new Shape(7, 2, 1, 10, 7);
    }

    /** Hourly spend: hour-of-day offsets from two days on, trend over daily blocks, level over the last day. */
    public static Shape hourly() {
      return new Shape(24, 2, 24, 3, 24);
    }
  }

  /**
   * @param history oldest first; the last element is one step before the target
   * @param phases the phase (0 .. period-1) of each history point
   * @param targetPhase the phase of the point being predicted
   */
  public static Fit fit(double[] history, int[] phases, int targetPhase, Shape shape) {
    int n = history.length;
    if (n == 0) {
      return new Fit(0, 0, false, 0, 0, 0);
    }
    boolean[] hasOffset = phasesWithEnoughHistory(phases, shape);
    Fit trended = fit(history, phases, targetPhase, shape, hasOffset, true);
    if (Math.abs(trended.slope()) * n >= TREND_SIGNIFICANCE * trended.sigma()) {
      return trended;
    }
    return fit(history, phases, targetPhase, shape, hasOffset, false);
  }

  private static Fit fit(double[] history, int[] phases, int targetPhase, Shape shape, boolean[] hasOffset,
      boolean withTrend) {
    int n = history.length;
    double[] offsets = new double[shape.period()];
    double slope = 0;
    double global = 0;
    double[] work = new double[n];
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        work[i] = history[i] - offsets[phases[i]];
      }
      slope = withTrend ? trend(work, shape) : 0;
      for (int i = 0; i < n; i++) {
        work[i] = history[i] - offsets[phases[i]] - slope * (i - n);
      }
      global = median(work, n);
      offsets = seasonalOffsets(history, phases, hasOffset, slope, global, shape);
    }
    for (int i = 0; i < n; i++) {
      work[i] = history[i] - offsets[phases[i]] - slope * (i - n) - global;
    }
    double sigma = Math.max(MAD_TO_SIGMA * madAroundZero(work, n), MEAN_AD_TO_SIGMA * winsorizedMeanAbs(work, n));
    int recent = Math.min(shape.recentPoints(), n);
    double[] tail = new double[recent];
    for (int k = 0; k < recent; k++) {
      int i = n - recent + k;
      tail[k] = history[i] - offsets[phases[i]] - slope * (i - n);
    }
    double level = median(tail, recent);
    double expected = Math.max(0, level + offsets[targetPhase]);
    return new Fit(expected, sigma, hasOffset[targetPhase], slope, level, n);
  }

  /**
   * Offsets exist for all phases or none: only once every phase has been seen {@code minPerPhase} times (two whole
   * weeks of days), since offsets fitted to some weekdays but not others would shift the level by chance.
   */
  private static boolean[] phasesWithEnoughHistory(int[] phases, Shape shape) {
    int[] counts = new int[shape.period()];
    for (int p : phases) {
      counts[p]++;
    }
    boolean all = shape.period() > 1;
    for (int count : counts) {
      all &= count >= shape.minPerPhase();
    }
    boolean[] enough = new boolean[shape.period()];
    Arrays.fill(enough, all);
    return enough;
  }

  private static double[] seasonalOffsets(double[] history, int[] phases, boolean[] hasOffset, double slope,
      double global, Shape shape) {
    int n = history.length;
    double[][] byPhase = new double[shape.period()][];
    int[] counts = new int[shape.period()];
    for (int p : phases) {
      counts[p]++;
    }
    for (int p = 0; p < byPhase.length; p++) {
      byPhase[p] = new double[counts[p]];
    }
    int[] fill = new int[shape.period()];
    for (int i = 0; i < n; i++) {
      byPhase[phases[i]][fill[phases[i]]++] = history[i] - slope * (i - n) - global;
    }
    double[] offsets = new double[shape.period()];
    for (int p = 0; p < offsets.length; p++) {
      offsets[p] = hasOffset[p] ? median(byPhase[p], byPhase[p].length) : 0;
    }
    return offsets;
  }

  /** Theil-Sen slope (median of pairwise slopes) over block medians; zero when there are too few blocks. */
  private static double trend(double[] values, Shape shape) {
    int block = shape.trendBlock();
    int blocks = values.length / block;
    if (blocks < shape.minTrendBlocks()) {
      return 0;
    }
    double[] medians = new double[blocks];
    int start = values.length - blocks * block;
    for (int b = 0; b < blocks; b++) {
      medians[b] = median(Arrays.copyOfRange(values, start + b * block, start + (b + 1) * block), block);
    }
    double[] slopes = new double[blocks * (blocks - 1) / 2];
    int k = 0;
    for (int i = 0; i < blocks; i++) {
      for (int j = i + 1; j < blocks; j++) {
        slopes[k++] = (medians[j] - medians[i]) / ((j - i) * (double) block);
      }
    }
    return median(slopes, k);
  }

  /** The mean absolute residual with the largest ones clipped to the {@link #WINSOR} quantile (past spikes). */
  private static double winsorizedMeanAbs(double[] residuals, int n) {
    if (n == 0) {
      return 0;
    }
    double[] abs = new double[n];
    for (int k = 0; k < n; k++) {
      abs[k] = Math.abs(residuals[k]);
    }
    Arrays.sort(abs);
    double cap = abs[Math.min(n - 1, (int) Math.floor(WINSOR * (n - 1)))];
    double sum = 0;
    for (double a : abs) {
      sum += Math.min(a, cap);
    }
    return sum / n;
  }

  private static double madAroundZero(double[] residuals, int n) {
    double[] abs = new double[n];
    for (int i = 0; i < n; i++) {
      abs[i] = Math.abs(residuals[i]);
    }
    return median(abs, n);
  }

  /** The median of the first {@code n} values (the array is not modified). */
  public static double median(double[] values, int n) {
    if (n == 0) {
      return 0;
    }
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
