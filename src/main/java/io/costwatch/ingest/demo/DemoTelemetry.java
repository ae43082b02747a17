package io.costwatch.ingest.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.costwatch.core.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The demo's last 6 hours of per-minute Azure Monitor records, in the diagnostic-settings shape (lower-case numeric
 * aggregates, upper-cased resource ids, 7-digit fractional {@code time}) with a DCR-style {@code dimension} object
 * naming the cluster, grouped per workspace into event bodies {@code {"records":[...]}} of at most 50 records.
 *
 * <p>Workspace-level records carry only {@code Total Nodes} (and, every 15 minutes, {@code Completed Runs}, which
 * Costwatch ignores): a workspace-level GPU aggregate would double the per-cluster alerts.
 */
final class DemoTelemetry {

  static final int RECORDS_PER_BODY = 50;
  /** Minutes (from the telemetry start) of the deliberately bad inputs. */
  static final int NAN_MINUTE = 90;
  static final int MALFORMED_MINUTE = 120;
  static final int UNKNOWN_METRIC_MINUTE = 200;

  private static final DateTimeFormatter TIME = DateTimeFormatter
      .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private record Range(double low, double high) {}

  /** What one cluster does during the 6 hours; utilisation ranges in percent, drawn uniformly per minute. */
  private record Profile(String workspace, String cluster, int activeNodes, int idleNodes, int gpusPerNode,
      Range gpu, Range gpuMemory, Range cpu) {}

  private static final List<Profile> PROFILES = List.of(
      // a forgotten notebook: GPU memory held, no kernels, no CPU work (1 % of 24 vCPUs: 0.24 busy cores)
      new Profile("ws-vision", "gpu-a100", 2, 0, 1, new Range(0, 2), new Range(57, 63), new Range(0.5, 1.5)),
      new Profile("ws-vision", "gpu-train", 4, 0, 8, new Range(85, 98), new Range(70, 82), new Range(40, 60)),
      new Profile("ws-nlp", "gpu-t4", 2, 0, 1, new Range(11, 19), new Range(25, 35), new Range(86, 94)),
      new Profile("ws-forecast", "gpu-v100", 1, 0, 1, new Range(7, 13), new Range(6, 10), new Range(7, 13)),
      new Profile("ws-forecast", "cpu-pool", 0, 2, 0, null, null, new Range(1, 3)));

  private final Random random;

  DemoTelemetry(long seed) {
    this.random = new Random(seed ^ 0x5DEECE66DL);
  }

  List<DemoEvent> events(Instant start) {
    Instant from = start.plus(Duration.ofDays(DemoScenario.BILLING_DAYS))
        .minus(Duration.ofMinutes(DemoScenario.TELEMETRY_MINUTES)).truncatedTo(ChronoUnit.MINUTES);
    List<DemoEvent> events = new ArrayList<>();
    for (String workspace : DemoScenario.WORKSPACES.keySet()) {
      // Azure Monitor streams a workspace's records within minutes of their time: one body per workspace and
      // minute keeps the records' disorder across bodies well inside the window grace, as in production.
      for (int minute = 0; minute < DemoScenario.TELEMETRY_MINUTES; minute++) {
        List<ObjectNode> records = new ArrayList<>();
        minute(records, workspace, minute, from.plus(Duration.ofMinutes(minute)));
        for (int i = 0; i < records.size(); i += RECORDS_PER_BODY) {
          events.add(body(workspace, records.subList(i, Math.min(records.size(), i + RECORDS_PER_BODY)), false));
        }
      }
    }
    events.add(malformed(from.plus(Duration.ofMinutes(MALFORMED_MINUTE))));
    return events;
  }

  private void minute(List<ObjectNode> out, String workspace, int minute, Instant time) {
    int nodes = 0;
    for (Profile p : PROFILES) {
      if (!p.workspace().equals(workspace)) {
        continue;
      }
      int allNodes = p.activeNodes() + p.idleNodes();
      nodes += allNodes;
      if (p.gpu() != null) {
        out.add(utilisation(p, "GpuUtilization", p.gpu(), p.activeNodes() * p.gpusPerNode(), time));
        out.add(utilisation(p, "GpuMemoryUtilization", p.gpuMemory(), p.activeNodes() * p.gpusPerNode(), time));
      }
      out.add(utilisation(p, "CpuUtilization", p.cpu(), allNodes, time));
      out.add(count(workspace, p.cluster(), "Active Nodes", p.activeNodes(), time));
      out.add(count(workspace, p.cluster(), "Idle Nodes", p.idleNodes(), time));
      if (minute == NAN_MINUTE && p.cluster().equals("gpu-v100")) {
        ObjectNode bad = utilisation(p, "GpuUtilization", p.gpu(), 1, time);
        bad.put("average", "NaN");
        out.add(bad);
      }
      if (minute == UNKNOWN_METRIC_MINUTE && p.cluster().equals("gpu-a100")) {
        out.add(utilisation(p, "GpuUtilisation", p.gpu(), p.activeNodes(), time));
      }
    }
    out.add(count(workspace, null, "Total Nodes", nodes, time));
    if (minute % 15 == 14 && workspace.equals("ws-vision")) {
      out.add(count(workspace, null, "Completed Runs", 1 + random.nextInt(3), time));
    }
  }

  /** A per-minute utilisation aggregate over {@code samples} GPUs or nodes: min <= average <= max. */
  private ObjectNode utilisation(Profile p, String metric, Range range, int samples, Instant time) {
    int count = Math.max(1, samples);
    double average = round2(range.low() + random.nextDouble() * (range.high() - range.low()));
    double spread = count == 1 ? 0 : random.nextDouble() * (range.high() - range.low());
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("count", count);
    r.put("total", round2(average * count));
    r.put("minimum", round2(Math.max(0, average - spread)));
    r.put("maximum", round2(Math.min(100, average + spread)));
    r.put("average", average);
    return identify(r, p.workspace(), p.cluster(), metric, time);
  }

  private static ObjectNode count(String workspace, String cluster, String metric, double value, Instant time) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("count", 1);
    r.put("total", value);
    r.put("minimum", value);
    r.put("maximum", value);
    r.put("average", value);
    return identify(r, workspace, cluster, metric, time);
  }

  private static ObjectNode identify(ObjectNode r, String workspace, String cluster, String metric, Instant time) {
    r.put("resourceId", DemoScenario.WORKSPACES.get(workspace).toUpperCase(Locale.ROOT));
    r.put("time", TIME.format(time));
    r.put("metricName", metric);
    r.put("timeGrain", "PT1M");
    if (cluster != null) {
      r.putObject("dimension").put("ClusterName", cluster);
    }
    return r;
  }

  /** An event body; its timestamp is the end of the latest minute it holds, when Azure could first send it. */
  private static DemoEvent body(String workspace, List<ObjectNode> records, boolean truncate) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode array = root.putArray("records");
    Instant latest = Instant.EPOCH;
    for (ObjectNode r : records) {
      array.add(r);
      Instant t = Instant.from(TIME.parse(r.get("time").asText()));
      latest = t.isAfter(latest) ? t : latest;
    }
    String text = write(root);
    return new DemoEvent(DemoEvent.Kind.METRICS, DemoScenario.key(workspace),
        truncate ? text.substring(0, text.length() / 2) : text, latest.plus(Duration.ofMinutes(1)));
  }

  /** A body cut in half, as a broken producer or a partial capture would leave it. */
  private DemoEvent malformed(Instant time) {
    List<ObjectNode> records = new ArrayList<>();
    minute(records, "ws-nlp", -1, time);
    return body("ws-nlp", records, true);
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String write(ObjectNode root) {
    try {
      return Json.MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a demo body", e);
    }
  }
}
