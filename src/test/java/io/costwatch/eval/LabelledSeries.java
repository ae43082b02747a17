package io.costwatch.eval;

import java.time.Instant;
import java.util.List;

/**
 * One evenly spaced series with a ground-truth label per point, as the detector sees it in a stream.
 *
 * @param dataset the dataset (an ms-cloud-monitoring domain folder, or {@code generated/<kind>})
 * @param name the series' file or scenario name
 * @param daily true for one point per UTC day, false for one point per UTC hour
 * @param starts the start instant of each point, ascending and evenly spaced
 * @param values the value (spend) of each point as finally known
 * @param labels true where the point is (or contains) an anomaly
 * @param revisions restatements: earlier points whose value first read differently (empty for most series)
 */
public record LabelledSeries(String dataset, String name, boolean daily, Instant[] starts, double[] values,
    boolean[] labels, List<Revision> revisions) {

  /**
   * A point whose value was first reported as {@code firstValue} and corrected to the final value when the point
   * {@code knownAt} was evaluated (a billing restatement).
   */
  public record Revision(int index, double firstValue, int knownAt) {
  }

  public int size() {
    return values.length;
  }

  /** Hours one point covers. */
  public int pointHours() {
    return daily ? 24 : 1;
  }
}
