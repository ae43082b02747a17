package io.costwatch.usage;

/**
 * Running statistics of one metric in one window. Percent metrics also keep a ten-bucket histogram of the
 * per-minute averages (bucket i holds values in [10i, 10i+10), the last bucket includes 100), so duty-cycle rules
 * ("share of minutes above 10%") can be evaluated for any threshold on a 10% grid without keeping the samples.
 */
public record MetricStats(long count, double sum, double min, double max, long[] histogram) {

  public static final int BUCKETS = 10;

  public static MetricStats empty() {
    return new MetricStats(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, new long[BUCKETS]);
  }

  public MetricStats add(double value) {
    long[] next = histogram.clone();
    next[bucket(value)]++;
    return new MetricStats(count + 1, sum + value, Math.min(min, value), Math.max(max, value), next);
  }

  public double average() {
    return count == 0 ? 0 : sum / count;
  }

  /** Share (0..1) of values at or above {@code percent}, rounded down to the 10% grid. */
  public double shareAtOrAbove(double percent) {
    if (count == 0) {
      return 0;
    }
    long above = 0;
    for (int i = bucket(percent); i < BUCKETS; i++) {
      above += histogram[i];
    }
    return (double) above / count;
  }

  static int bucket(double value) {
    int b = (int) Math.floor(value / 10.0);
    return Math.max(0, Math.min(BUCKETS - 1, b));
  }

  /**
   * The mutable twin of a {@link MetricStats}, for folding a batch of samples into a window without copying the
   * histogram per sample. It applies the same arithmetic in the same order as {@link #add}, so {@link #build} equals
   * what {@code add} one value at a time gives, bit for bit. What {@code build} returns shares nothing with it.
   */
  static final class Accumulator {

    private long count;
    private double sum;
    private double min;
    private double max;
    private final long[] histogram;

    Accumulator(MetricStats from) {
      this.count = from.count;
      this.sum = from.sum;
      this.min = from.min;
      this.max = from.max;
      this.histogram = from.histogram.clone();
    }

    void add(double value) {
      histogram[bucket(value)]++;
      count++;
      sum = sum + value;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }

    MetricStats build() {
      return new MetricStats(count, sum, min, max, histogram.clone());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricStats other && count == other.count && Double.compare(sum, other.sum) == 0
        && Double.compare(min, other.min) == 0 && Double.compare(max, other.max) == 0
        && java.util.Arrays.equals(histogram, other.histogram);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(count, sum, min, max, java.util.Arrays.hashCode(histogram));
  }

  @Override
  public String toString() {
    return "MetricStats[count=" + count + ", avg=" + average() + ", min=" + min + ", max=" + max + "]";
  }
}
