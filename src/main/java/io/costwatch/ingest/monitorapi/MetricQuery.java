package io.costwatch.ingest.monitorapi;

import java.util.List;

/**
 * One metrics request shape: the metric names asked together and the dimension filter that splits them. The
 * batch API applies one filter to every metric of a call, so metrics split by different dimensions (or not split)
 * need separate queries.
 *
 * @param metricNames REST names, several containing spaces
 * @param filter the {@code filter} parameter (e.g. {@code instanceId eq '*'}), or null for one series per resource
 */
public record MetricQuery(List<String> metricNames, String filter) {

  /** Every aggregation, so the records carry what diagnostic settings would (count, total, min, max, average). */
  public static final String AGGREGATION = "average,minimum,maximum,total,count";

  public MetricQuery {
    metricNames = List.copyOf(metricNames);
  }

  /**
   * The queries for a kind of resource, matching the metrics the topology knows ({@code AzureMetric}):
   * <ul>
   *   <li>deployment, unsplit: {@code DeploymentCapacity} (instances) and {@code RequestsPerMinute}, one value per
   *       deployment and minute (neither is exported by diagnostic settings);</li>
   *   <li>deployment, per instance ({@code instanceId eq '*'}): GPU, GPU memory, CPU and CPU memory utilisation;</li>
   *   <li>workspace, per cluster ({@code ClusterName eq '*'}): node counts and cluster GPU/CPU utilisation, which
   *       diagnostic settings export only summed over the workspace.</li>
   * </ul>
   */
  public static List<MetricQuery> forKind(PolledResource.Kind kind) {
    return switch (kind) {
      case DEPLOYMENT -> List.of(
          new MetricQuery(List.of("DeploymentCapacity", "RequestsPerMinute"), null),
          new MetricQuery(List.of("GpuUtilizationPercentage", "GpuMemoryUtilizationPercentage",
              "CpuUtilizationPercentage", "CpuMemoryUtilizationPercentage"), "instanceId eq '*'"));
      case WORKSPACE -> List.of(
          new MetricQuery(List.of("Active Nodes", "Idle Nodes", "Total Nodes", "Preempted Nodes", "GpuUtilization",
              "GpuMemoryUtilization", "CpuUtilization"), "ClusterName eq '*'"));
    };
  }
}
