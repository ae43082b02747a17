package io.costwatch.eval;

import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.SpendSpikeDetector;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.TreeMap;

/**
 * Replays a series point by point as a stream: when point {@code i} is evaluated, the detector sees points
 * {@code 0..i} only, with restatements applied from the point they became known. No look-ahead.
 */
public final class StreamingRun {

  private static final AzureResourceId WORKSPACE = AzureResourceId.workspace(
      "/subscriptions/eval/resourcegroups/eval/providers/microsoft.machinelearningservices/workspaces/eval");

  private StreamingRun() {
  }

  /** The points the detector flagged. */
  public static boolean[] detector(SpendSpikeDetector detector, LabelledSeries s) {
    boolean[] flagged = new boolean[s.size()];
    TreeMap<LocalDate, BigDecimal> days = new TreeMap<>();
    TreeMap<Instant, BigDecimal> hours = new TreeMap<>();
    double[] known = new double[s.size()];
    for (int i = 0; i < s.size(); i++) {
      reveal(s, i, known);
      if (s.daily()) {
        for (int j = Math.max(0, i - 7); j <= i; j++) {
          days.put(LocalDate.ofInstant(s.starts()[j], ZoneOffset.UTC), BigDecimal.valueOf(known[j]));
        }
        LocalDate day = LocalDate.ofInstant(s.starts()[i], ZoneOffset.UTC);
        flagged[i] = detector.evaluate(WORKSPACE, "USD", days, day, 1, null, null).isPresent();
      } else {
        hours.put(s.starts()[i], BigDecimal.valueOf(known[i]));
        flagged[i] = detector.evaluate(WORKSPACE, "USD", hours, s.starts()[i], 1, null, null).isPresent();
      }
    }
    return flagged;
  }

  /** The naive baseline: flags a point above the mean + k standard deviations of the previous {@code lookback}. */
  public static boolean[] naive(LabelledSeries s, int lookback, int minHistory, double sigmas) {
    boolean[] flagged = new boolean[s.size()];
    double[] known = new double[s.size()];
    for (int i = 0; i < s.size(); i++) {
      reveal(s, i, known);
      int from = Math.max(0, i - lookback);
      int n = i - from;
      if (n < minHistory || n == 0) {
        continue;
      }
      double sum = 0;
      for (int j = from; j < i; j++) {
        sum += known[j];
      }
      double mean = sum / n;
      double squares = 0;
      for (int j = from; j < i; j++) {
        squares += (known[j] - mean) * (known[j] - mean);
      }
      flagged[i] = known[i] > mean + sigmas * Math.sqrt(squares / n);
    }
    return flagged;
  }

  /** Sets {@code known[i]} as first reported, and applies restatements that become known at point {@code i}. */
  private static void reveal(LabelledSeries s, int i, double[] known) {
    known[i] = s.values()[i];
    for (LabelledSeries.Revision r : s.revisions()) {
      if (r.index() == i && r.knownAt() > i) {
        known[i] = r.firstValue();
      }
      if (r.knownAt() == i && r.index() < i) {
        known[r.index()] = s.values()[r.index()];
      }
    }
  }
}
