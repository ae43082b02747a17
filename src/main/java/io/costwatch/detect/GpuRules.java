package io.costwatch.detect;

import java.math.BigDecimal;

/**
 * Thresholds of the GPU and node rules. Utilisation values are percent (0-100); busy cores are CPU % x the VM size's
 * vCPUs / 100, per node.
 *
 * <p>Each GPU threshold that opens a waste has a looser exit threshold that a compute already in waste (its previous
 * window was a finding) must cross to leave it: a reading that wanders around a threshold neither flaps nor switches
 * cause every window.
 *
 * @param minActiveNodes nodes must be at least this busy (average active nodes) for a GPU rule to apply
 * @param idleUtilization average GPU utilisation below this is idle
 * @param idleBusyMinuteShare and at most this share of minutes may reach {@code busyMinuteUtilization}
 * @param busyMinuteUtilization a minute at or above this GPU utilisation counts as busy (10% grid)
 * @param underUtilization average GPU utilisation below this is under-utilised
 * @param inputBoundCpu CPU at or above this percent of the whole VM while the GPU is under-used means the job waits
 *     for input (the rule for VM sizes whose vCPUs are unknown; a VM this busy is CPU-bound whatever its size)
 * @param oversizedGpuMemory GPU memory below this (with low CPU) means the GPU is larger than the job needs
 * @param minIdleNodes average idle nodes at or above this over a window raises an idle-nodes finding
 * @param idleExitUtilization an idle GPU stays idle until its average utilisation reaches this
 * @param idleExitBusyMinuteShare or more than this share of its minutes are busy
 * @param underExitUtilization a GPU in waste stays in waste until its average utilisation reaches this
 * @param inputBoundBusyCores busy cores per node at or above this while the GPU is under-used (or idle) means the job
 *     waits for its input pipeline (one busy loader core on a 40-vCPU VM reads 2.5 % CPU: 1 core)
 * @param inputBoundExitBusyCores an input-bound waste stays input-bound until its busy cores fall below this
 * @param idleCpuBusyCores below this many busy cores per node the CPU does no work: an idle GPU holding memory is a
 *     forgotten notebook or a hung job
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
    SeverityTiers hourlyTiers,
    double idleExitUtilization,
    double idleExitBusyMinuteShare,
    double underExitUtilization,
    double inputBoundBusyCores,
    double inputBoundExitBusyCores,
    double idleCpuBusyCores) {

  public GpuRules {
    requireBand("idleExitUtilization", idleExitUtilization, "idleUtilization", idleUtilization, true);
    requireBand("idleExitBusyMinuteShare", idleExitBusyMinuteShare, "idleBusyMinuteShare", idleBusyMinuteShare, true);
    requireBand("underExitUtilization", underExitUtilization, "underUtilization", underUtilization, true);
    requireBand("inputBoundExitBusyCores", inputBoundExitBusyCores, "inputBoundBusyCores", inputBoundBusyCores,
        false);
  }

  public static GpuRules defaults() {
    return new GpuRules(0.5, 5, 0.1, 10, 30, 70, 40, 0.5,
        new SeverityTiers(new BigDecimal("5"), new BigDecimal("25"), new BigDecimal("100")),
        10, 0.2, 40, 0.8, 0.5, 0.5);
  }

  /** An exit threshold must be on the far side of its entry threshold, or the band would make waste harder to keep. */
  private static void requireBand(String exitName, double exit, String enterName, double enter, boolean above) {
    if (above ? exit < enter : exit > enter) {
      throw new IllegalArgumentException(exitName + "=" + exit + " must be " + (above ? ">=" : "<=") + " "
          + enterName + "=" + enter);
    }
  }
}
