package io.costwatch.ingest.monitorapi;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one {@code metrics:getBatch} call returned, per resource. */
public record BatchResult(List<ResourceResult> resources) {

  /**
   * One resource's answer: its series, or an error. The documented per-resource failure is a metric whose
   * {@code errorCode} is not {@code Success} (with {@code errorMessage}); an {@code error} object on the resource's
   * entry is read the same way.
   */
  public record ResourceResult(String resourceId, List<Series> series, String errorCode, String errorMessage) {

    public boolean failed() {
      return errorCode != null;
    }

    /** A resource that no longer exists (deleted deployment or workspace). */
    public boolean gone() {
      return errorCode != null && errorCode.toLowerCase(Locale.ROOT).contains("notfound");
    }
  }

  /** One time series: a metric and, when split, its dimension values (names as Azure spells them). */
  public record Series(String metricName, String unit, Map<String, String> dimensions, List<Point> points) {
  }

  /**
   * One minute. Aggregates are null where Azure returned none: a minute without any value is a gap (no data was
   * emitted), not a zero.
   */
  public record Point(Instant time, Double average, Double minimum, Double maximum, Double total, Double count) {

    public boolean empty() {
      return average == null && total == null && maximum == null && minimum == null;
    }
  }
}
