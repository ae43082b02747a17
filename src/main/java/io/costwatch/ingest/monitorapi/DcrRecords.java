package io.costwatch.ingest.monitorapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.costwatch.core.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes Metrics API series as the event bodies the raw metrics topic already carries: {@code {"records":[...]}}
 * in the DCR-export record shape (capitalised string aggregates, {@code unit} and a {@code dimension} object), the
 * one of the two export shapes that keeps dimensions. {@code MetricPayloadParser} reads it unchanged, so the
 * topology does not know which path a value took.
 *
 * <p>A minute without any aggregate is a gap: Azure emitted nothing, and no record is written (never a zero).
 * {@code time} is the Metrics API's {@code timeStamp}, the start of the minute, which is Costwatch's convention.
 */
public final class DcrRecords {

  /** Records per event body: about 150 KB, far below Kafka's and Event Hubs' 1 MB. */
  public static final int MAX_RECORDS_PER_BODY = 500;

  private DcrRecords() {
  }

  /** One event body and what it covers. */
  public record Body(String json, int records, Instant lastMinute) {
  }

  /**
   * The bodies for one resource's series (none when every minute is a gap), in minute order across all series: the
   * topology closes a scope's windows by that scope's own event time, so one query's last minutes must not be
   * published before another query's first minutes of the same resource (they would arrive after their window
   * closed).
   */
  public static List<Body> of(String resourceId, List<BatchResult.Series> series) {
    List<Minute> minutes = new ArrayList<>();
    for (BatchResult.Series s : series) {
      for (BatchResult.Point p : s.points()) {
        ObjectNode record = record(resourceId, s, p);
        if (record != null) {
          minutes.add(new Minute(p.time(), record));
        }
      }
    }
    minutes.sort(java.util.Comparator.comparing(Minute::time));
    List<Body> out = new ArrayList<>();
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode records = root.putArray("records");
    Instant last = null;
    for (Minute m : minutes) {
      records.add(m.record());
      last = m.time();
      if (records.size() == MAX_RECORDS_PER_BODY) {
        out.add(new Body(root.toString(), records.size(), last));
        records.removeAll();
      }
    }
    if (!records.isEmpty()) {
      out.add(new Body(root.toString(), records.size(), last));
    }
    return out;
  }

  private record Minute(Instant time, ObjectNode record) {
  }

  private static ObjectNode record(String resourceId, BatchResult.Series s, BatchResult.Point p) {
    Double average = p.average();
    if (average == null && p.total() != null && p.count() != null && p.count() > 0) {
      average = p.total() / p.count();
    }
    if (p.empty() || average == null) {
      return null;
    }
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("time", p.time().toString());
    r.put("resourceId", resourceId);
    r.put("metricName", s.metricName());
    r.put("timeGrain", "PT1M");
    if (s.unit() != null) {
      r.put("unit", s.unit());
    }
    r.put("Average", text(average));
    putIfPresent(r, "Minimum", p.minimum());
    putIfPresent(r, "Maximum", p.maximum());
    putIfPresent(r, "Total", p.total());
    putIfPresent(r, "Count", p.count());
    if (!s.dimensions().isEmpty()) {
      ObjectNode dimension = r.putObject("dimension");
      s.dimensions().forEach(dimension::put);
    }
    return r;
  }

  private static void putIfPresent(ObjectNode r, String name, Double value) {
    if (value != null) {
      r.put(name, text(value));
    }
  }

  /** Whole numbers without a fraction ({@code "3"}, as the DCR sample prints them), others in full precision. */
  private static String text(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
