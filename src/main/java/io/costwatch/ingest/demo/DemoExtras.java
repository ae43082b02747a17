package io.costwatch.ingest.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.costwatch.core.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Two more stories of the demo's last 6 hours, in the DCR-export shape (capitalised, string-typed aggregates plus
 * {@code unit}), so the demo carries both payload shapes:
 * <ul>
 *   <li>{@code ws-vision/gpu-sweep}: a busy hyper-parameter sweep on 2 nodes that fans out to
 *       {@link #SWEEP_NODES} nodes for the last hour: a burn-rate spike while every GPU is busy;</li>
 *   <li>{@code ws-nlp} online endpoint {@code chat-api}, deployment {@code blue}: 2 instances serving almost no
 *       requests on idle GPUs.</li>
 * </ul>
 */
final class DemoExtras {

  static final int SWEEP_NODES = 40;
  static final int FAN_OUT_MINUTE = 300;

  private final Random random;

  DemoExtras(long seed) {
    this.random = new Random(seed * 31 + 7);
  }

  List<DemoEvent> events(Instant start) {
    Instant from = start.plus(Duration.ofDays(DemoScenario.BILLING_DAYS))
        .minus(Duration.ofMinutes(DemoScenario.TELEMETRY_MINUTES)).truncatedTo(ChronoUnit.MINUTES);
    List<DemoEvent> events = new ArrayList<>();
    String vision = DemoScenario.WORKSPACES.get("ws-vision");
    String deployment = DemoScenario.WORKSPACES.get("ws-nlp") + "/onlineEndpoints/chat-api/deployments/blue";
    for (int minute = 0; minute < DemoScenario.TELEMETRY_MINUTES; minute++) {
      Instant t = from.plus(Duration.ofMinutes(minute));
      int nodes = minute < FAN_OUT_MINUTE ? 2 : SWEEP_NODES;
      List<ObjectNode> sweep = List.of(
          record(vision, "gpu-sweep", "GpuUtilization", between(80, 95), t),
          record(vision, "gpu-sweep", "CpuUtilization", between(30, 50), t),
          record(vision, "gpu-sweep", "Active Nodes", nodes, t),
          record(vision, "gpu-sweep", "Idle Nodes", 0, t));
      events.add(body("ws-vision", sweep, t));
      List<ObjectNode> serving = List.of(
          record(deployment, null, "DeploymentCapacity", 2, t),
          record(deployment, null, "RequestsPerMinute", between(0, 0.05), t),
          record(deployment, null, "GpuUtilizationPercentage", between(0, 2), t),
          record(deployment, null, "CpuUtilizationPercentage", between(1, 3), t));
      events.add(body("ws-nlp", serving, t));
    }
    return events;
  }

  private double between(double low, double high) {
    return Math.round((low + random.nextDouble() * (high - low)) * 100) / 100.0;
  }

  private static ObjectNode record(String resourceId, String cluster, String metric, double value, Instant time) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    String v = Double.toString(value);
    r.put("Average", v);
    r.put("Count", "1");
    r.put("Maximum", v);
    r.put("Minimum", v);
    r.put("Total", v);
    r.put("resourceId", resourceId.toLowerCase(Locale.ROOT));
    r.put("time", time.toString());
    r.put("unit", metric.contains("Utilization") ? "Percent" : "Count");
    r.put("metricName", metric);
    r.put("timeGrain", "PT1M");
    if (cluster != null) {
      r.putObject("dimension").put("ClusterName", cluster);
    }
    return r;
  }

  private static DemoEvent body(String workspace, List<ObjectNode> records, Instant minute) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    records.forEach(root.putArray("records")::add);
    try {
      return new DemoEvent(DemoEvent.Kind.METRICS, DemoScenario.key(workspace), Json.MAPPER.writeValueAsString(root),
          minute.plus(Duration.ofMinutes(1)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a demo body", e);
    }
  }
}
