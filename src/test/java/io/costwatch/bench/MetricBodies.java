package io.costwatch.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * Generated Azure Monitor event bodies in the two shapes {@link io.costwatch.ingest.monitor.MetricPayloadParser}
 * reads, deterministic for a seed. One body is one workspace's minute: {@link #COMPUTES_PER_WORKSPACE} clusters x
 * {@link #METRICS_PER_COMPUTE} metrics = {@link #RECORDS_PER_BODY} records, close to the 50-record bodies Azure
 * Monitor streams to Event Hubs.
 *
 * <ul>
 *   <li>{@link Shape#DIAGNOSTIC}: diagnostic settings, lower-case numeric aggregates, upper-cased resource id,
 *       7-digit fraction in {@code time}, with a {@code dimension} naming the cluster (as the demo sends them);</li>
 *   <li>{@link Shape#DCR}: DCR-based export, capitalised string aggregates, {@code unit} and {@code dimension}.</li>
 * </ul>
 * Each cluster keeps one utilisation profile (idle, under-used or busy, by its index), so windows of idle clusters
 * raise findings and the detection and publishing path is exercised too.
 */
final class MetricBodies {

  static final int COMPUTES_PER_WORKSPACE = 10;
  static final int METRICS_PER_COMPUTE = 5;
  static final int RECORDS_PER_BODY = COMPUTES_PER_WORKSPACE * METRICS_PER_COMPUTE;
  static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be0c";

  private static final DateTimeFormatter TIME = DateTimeFormatter
      .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String[] METRICS = {"GpuUtilization", "GpuMemoryUtilization", "CpuUtilization",
      "Active Nodes", "Idle Nodes"};

  enum Shape {
    DIAGNOSTIC,
    DCR
  }

  private final Random random;

  MetricBodies(long seed) {
    this.random = new Random(seed);
  }

  static String workspaceId(int workspace) {
    return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-bench/providers/"
        + "Microsoft.MachineLearningServices/workspaces/" + workspaceName(workspace);
  }

  /** The record key Costwatch producers use: the lower-cased workspace id. */
  static String key(int workspace) {
    return workspaceId(workspace).toLowerCase(Locale.ROOT);
  }

  static String workspaceName(int workspace) {
    return String.format(Locale.ROOT, "ws-%04d", workspace);
  }

  /** The body of one workspace's minute: {@link #RECORDS_PER_BODY} records. */
  String body(Shape shape, int workspace, Instant minute) {
    StringBuilder out = new StringBuilder(RECORDS_PER_BODY * 360).append("{\"records\":[");
    String resourceId = workspaceId(workspace).toUpperCase(Locale.ROOT);
    String time = TIME.format(minute);
    for (int c = 0; c < COMPUTES_PER_WORKSPACE; c++) {
      String cluster = String.format(Locale.ROOT, "gpu-%02d", c);
      double[] averages = profile(c);
      for (int m = 0; m < METRICS_PER_COMPUTE; m++) {
        if (c > 0 || m > 0) {
          out.append(',');
        }
        record(out, shape, resourceId, time, METRICS[m], cluster, averages[m], m < 3 ? 4 : 1);
      }
    }
    return out.append("]}").toString();
  }

  /** Per-minute averages of the five metrics: GPU, GPU memory, CPU (percent), active and idle nodes. */
  private double[] profile(int cluster) {
    return switch (cluster % 3) {
      case 0 -> new double[] {jitter(0, 2), jitter(55, 65), jitter(2, 6), 2, 0};
      case 1 -> new double[] {jitter(10, 20), jitter(25, 35), jitter(85, 95), 2, 0};
      default -> new double[] {jitter(85, 98), jitter(70, 82), jitter(40, 60), 4, 1};
    };
  }

  private double jitter(double low, double high) {
    return Math.round((low + random.nextDouble() * (high - low)) * 100) / 100.0;
  }

  private static void record(StringBuilder out, Shape shape, String resourceId, String time, String metric,
      String cluster, double average, int count) {
    String avg = Double.toString(average);
    String total = Double.toString(Math.round(average * count * 100) / 100.0);
    if (shape == Shape.DIAGNOSTIC) {
      out.append("{\"count\":").append(count).append(",\"total\":").append(total)
          .append(",\"minimum\":").append(avg).append(",\"maximum\":").append(avg)
          .append(",\"average\":").append(avg);
    } else {
      out.append("{\"Average\":\"").append(avg).append("\",\"Count\":\"").append(count)
          .append("\",\"Maximum\":\"").append(avg).append("\",\"Minimum\":\"").append(avg)
          .append("\",\"Total\":\"").append(total).append("\",\"unit\":\"")
          .append(metric.endsWith("Nodes") ? "Count" : "Percent").append('"');
    }
    out.append(",\"resourceId\":\"").append(resourceId).append("\",\"time\":\"").append(time)
        .append("\",\"metricName\":\"").append(metric).append("\",\"timeGrain\":\"PT1M\"")
        .append(",\"dimension\":{\"ClusterName\":\"").append(cluster).append("\"}}");
  }
}
