package io.costwatch.detect;

/**
 * Thresholds of the GPU and node rules. Utilisation values are percent (0-100).
 *
 * @param minActiveNodes nodes must be at least this busy (average active nodes) for a GPU rule to apply
 * @param idleUtilization average GPU utilisation below this is idle
 * @param idleBusyMinuteShare and at most this share of minutes may reach {@code busyMinuteUtilization}
 * @param busyMinuteUtilization a minute at or above this GPU utilisation counts as busy (10% grid)
 * @param underUtilization average GPU utilisation below this is under-utilised
 * @param inputBoundCpu CPU at or above this while the GPU is under-used means the job waits for input
 * @param oversizedGpuMemory GPU memory below this (with low CPU) means the GPU is larger than the job needs
 * @param minIdleNodes average idle nodes at or above this over a window raises an idle-nodes finding
 */
public record GpuRules(
    double minActiveNodes,
    double idleUtilization,
    double idleBusyMinuteShare,
    double busyMinuteUtilization,
    double underUtilization,
    double inputBoundCpu,
    double oversizedGpuMemory,
    double minIdleNodes,
    SeverityTiers hourlyTiers) {

  public static GpuRules defaults() {
    return new GpuRules(0.5, 5, 0.1, 10, 30, 70, 40, 0.5,
        new SeverityTiers(new java.math.BigDecimal("5"), new java.math.BigDecimal("25"),
            new java.math.BigDecimal("100")));
  }
}
