package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;
import static io.costwatch.detect.Numbers.pct;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GPU idle and under-utilisation while nodes are active, with the cause that picks the remedy.
 *
 * <p>GPU utilisation (NVML) is the share of time any kernel ran: low readings are reliable evidence of waste, high
 * ones are not proof of efficiency, so this rule only ever looks for low readings. The idle rule also requires a low
 * duty cycle (few busy minutes), so a bursty serving GPU with a low mean is not called idle.
 */
public final class GpuWasteDetector {

  private final GpuRules rules;

  public GpuWasteDetector(GpuRules rules) {
    this.rules = rules;
  }

  public Optional<Finding> evaluate(UsageWindow window, NodePrice price) {
    AzureMetric gpuMetric = window.has(AzureMetric.GPU_UTILIZATION) ? AzureMetric.GPU_UTILIZATION
        : AzureMetric.GPU_UTILIZATION_PERCENTAGE;
    if (!window.has(gpuMetric)) {
      return Optional.empty();
    }
    double nodes = activeNodes(window);
    if (nodes < rules.minActiveNodes()) {
      return Optional.empty();
    }
    MetricStats gpu = window.stats(gpuMetric);
    double util = gpu.average();
    double busyShare = gpu.shareAtOrAbove(rules.busyMinuteUtilization());
    boolean idle = util < rules.idleUtilization() && busyShare <= rules.idleBusyMinuteShare();
    if (!idle && util >= rules.underUtilization()) {
      return Optional.empty();
    }
    double cpu = cpu(window);
    double gpuMemory = window.average(AzureMetric.GPU_MEMORY_UTILIZATION);
    String cause = idle ? "IDLE" : classify(cpu, gpuMemory, window);
    BigDecimal hourlyCost = price.hourly().amount().multiply(BigDecimal.valueOf(nodes));
    BigDecimal unusedShare = BigDecimal.valueOf(Math.max(0, 100 - util) / 100.0);
    Money wastePerHour = new Money(hourlyCost.multiply(unusedShare), price.hourly().currency()).rounded();

    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("gpuUtilizationAvgPercent", dec(util));
    observed.put("gpuBusyMinuteShare", dec(busyShare));
    observed.put("activeNodesAvg", dec(nodes));
    if (window.has(AzureMetric.CPU_UTILIZATION) || window.has(AzureMetric.CPU_UTILIZATION_PERCENTAGE)) {
      observed.put("cpuUtilizationAvgPercent", dec(cpu));
    }
    if (window.has(AzureMetric.GPU_MEMORY_UTILIZATION)) {
      observed.put("gpuMemoryUtilizationAvgPercent", dec(gpuMemory));
    }
    observed.put("burnRatePerHour", hourlyCost.setScale(2, java.math.RoundingMode.HALF_UP));
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put(idle ? "idleUtilizationPercent" : "underUtilizationPercent",
        dec(idle ? rules.idleUtilization() : rules.underUtilization()));
    thresholds.put("minActiveNodes", dec(rules.minActiveNodes()));
    if (idle) {
      thresholds.put("idleBusyMinuteShare", dec(rules.idleBusyMinuteShare()));
    }
    FindingType type = idle ? FindingType.GPU_IDLE : FindingType.GPU_UNDERUTILIZED;
    String summary = String.format(java.util.Locale.ROOT,
        "%s: GPU %s at %s average utilisation on %s active node(s) of %s from %s to %s (%s); about %s/h of GPU "
            + "capacity unused.",
        window.scope().label(), idle ? "idle" : "under-utilised", pct(util), dec(nodes).stripTrailingZeros()
            .toPlainString(), price.vmSize(), window.windowStart(), window.windowEnd(), causeText(cause),
        wastePerHour);
    return Optional.of(new Finding(type, rules.hourlyTiers().of(wastePerHour.amount()), window.scope(),
        window.windowStart(), window.windowEnd(), idle ? "gpu-idle" : "gpu-underutilized", thresholds, observed,
        Map.of("gpuUtilizationAvgPercent", dec(idle ? rules.idleUtilization() : rules.underUtilization())), cause,
        wastePerHour, "PT1H", price.vmSize(), summary, window.records(), window.firstSource(),
        window.lastSource()));
  }

  private String classify(double cpu, double gpuMemory, UsageWindow window) {
    boolean hasCpu = window.has(AzureMetric.CPU_UTILIZATION) || window.has(AzureMetric.CPU_UTILIZATION_PERCENTAGE);
    if (hasCpu && cpu >= rules.inputBoundCpu()) {
      return "INPUT_BOUND";
    }
    boolean hasMemory = window.has(AzureMetric.GPU_MEMORY_UTILIZATION);
    if (hasCpu && hasMemory && gpuMemory < rules.oversizedGpuMemory()) {
      return "OVERSIZED";
    }
    return "LOW_UTILIZATION";
  }

  private static String causeText(String cause) {
    return switch (cause) {
      case "IDLE" -> "nothing is running on the GPU: a forgotten notebook or a hung job";
      case "INPUT_BOUND" -> "the CPU is busy while the GPU waits: the input pipeline is the bottleneck";
      case "OVERSIZED" -> "GPU, GPU memory and CPU are all low: the job needs a smaller GPU";
      default -> "low utilisation";
    };
  }

  static double activeNodes(UsageWindow window) {
    if (window.has(AzureMetric.ACTIVE_NODES)) {
      return window.average(AzureMetric.ACTIVE_NODES);
    }
    return window.has(AzureMetric.DEPLOYMENT_CAPACITY) ? window.average(AzureMetric.DEPLOYMENT_CAPACITY) : 0;
  }

  private static double cpu(UsageWindow window) {
    return window.has(AzureMetric.CPU_UTILIZATION) ? window.average(AzureMetric.CPU_UTILIZATION)
        : window.average(AzureMetric.CPU_UTILIZATION_PERCENTAGE);
  }
}
