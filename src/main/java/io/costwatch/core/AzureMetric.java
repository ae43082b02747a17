package io.costwatch.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Azure ML metrics Costwatch has rules for, by their REST names (several contain spaces). Names are matched
 * case-insensitively.
 */
public enum AzureMetric {
  GPU_UTILIZATION("GpuUtilization"),
  GPU_MEMORY_UTILIZATION("GpuMemoryUtilization"),
  CPU_UTILIZATION("CpuUtilization"),
  ACTIVE_NODES("Active Nodes"),
  IDLE_NODES("Idle Nodes"),
  TOTAL_NODES("Total Nodes"),
  PREEMPTED_NODES("Preempted Nodes"),
  GPU_ENERGY_JOULES("GpuEnergyJoules"),
  GPU_UTILIZATION_PERCENTAGE("GpuUtilizationPercentage"),
  GPU_MEMORY_UTILIZATION_PERCENTAGE("GpuMemoryUtilizationPercentage"),
  CPU_UTILIZATION_PERCENTAGE("CpuUtilizationPercentage"),
  REQUESTS_PER_MINUTE("RequestsPerMinute"),
  DEPLOYMENT_CAPACITY("DeploymentCapacity");

  /**
   * Real Azure ML metric names that Costwatch has no rule for: counted as ignored, never dead-lettered (an unknown
   * name, by contrast, is a dead letter: it usually means a typo or a payload from another resource type).
   */
  public static final Set<String> KNOWN_UNUSED = Set.of(
      "leaving nodes", "unusable nodes", "active cores", "idle cores", "leaving cores", "preempted cores",
      "unusable cores", "total cores", "quota utilization percentage", "gpuutilizationmilligpus",
      "gpucapacitymilligpus", "gpumemoryutilizationmegabytes", "gpumemorycapacitymegabytes",
      "cpuutilizationmillicores", "cpucapacitymillicores", "cpumemoryutilizationpercentage",
      "cpumemoryutilizationmegabytes", "cpumemorycapacitymegabytes", "diskavailmegabytes", "diskusedmegabytes",
      "diskreadmegabytes", "diskwritemegabytes", "storageapisuccesscount", "storageapifailurecount",
      "networkinputmegabytes", "networkoutputmegabytes", "ibreceivemegabytes", "ibtransmitmegabytes",
      "completed runs", "failed runs", "cancelled runs", "cancel requested runs", "started runs", "starting runs",
      "queued runs", "preparing runs", "provisioning runs", "finalizing runs", "not responding runs",
      "not started runs", "errors", "warnings", "model deploy started", "model deploy succeeded",
      "model deploy failed", "model register succeeded", "model register failed", "requestlatency",
      "requestlatency_p50", "requestlatency_p90", "requestlatency_p95", "requestlatency_p99", "connectionsactive",
      "newconnectionspersecond", "networkbytes", "datacollectioneventsperminute", "datacollectionerrorsperminute",
      "diskutilization", "agents", "runs", "tokens", "toolcalls");

  private static final Map<String, AzureMetric> BY_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(m -> m.restName.toLowerCase(Locale.ROOT), Function.identity()));

  private final String restName;

  AzureMetric(String restName) {
    this.restName = restName;
  }

  public String restName() {
    return restName;
  }

  public static Optional<AzureMetric> byRestName(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  public static boolean isKnownUnused(String name) {
    return name != null && KNOWN_UNUSED.contains(name.trim().toLowerCase(Locale.ROOT));
  }
}
