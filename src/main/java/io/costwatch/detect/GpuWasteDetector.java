package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;
import static io.costwatch.detect.Numbers.pct;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.core.ScopeKind;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * GPU idle and under-utilisation on training compute while nodes are active, with the cause that picks the remedy.
 *
 * <p>GPU utilisation (NVML) is the share of time any kernel ran: low readings are reliable evidence of waste, high
 * ones are not proof of efficiency, so this rule only ever looks for low readings. The idle rule also requires a low
 * duty cycle (few busy minutes), so a bursty GPU with a low mean is not called idle.
 *
 * <p>Online-endpoint deployments are left to {@link IdleDeploymentDetector}: serving GPUs are bursty by nature and a
 * mean-based under-utilisation rule would flag every healthy low-traffic service.
 *
 * <p>The rule is per window; how many consecutive windows must fire before an alert opens is the alert
 * lifecycle's decision, not this class's.
 */
public final class GpuWasteDetector {

  public static final String IDLE = "IDLE";
  public static final String INPUT_BOUND = "INPUT_BOUND";
  public static final String OVERSIZED = "OVERSIZED";
  public static final String LOW_UTILIZATION = "LOW_UTILIZATION";

  /** GPU memory at or above this while the GPU is idle means a process still holds the GPU (notebook, hung job). */
  static final double HELD_MEMORY_PERCENT = 10;

  private final GpuRules rules;

  public GpuWasteDetector(GpuRules rules) {
    this.rules = rules;
  }

  public Optional<Finding> evaluate(UsageWindow window, NodePrice price) {
    if (window.scope() == null || isServing(window)) {
      return Optional.empty();
    }
    Optional<AzureMetric> gpuMetric = firstPresent(window, AzureMetric.GPU_UTILIZATION,
        AzureMetric.GPU_UTILIZATION_PERCENTAGE);
    if (gpuMetric.isEmpty()) {
      return Optional.empty();
    }
    double nodes = billedActiveNodes(window);
    if (nodes <= 0 || nodes < rules.minActiveNodes()) {
      return Optional.empty();
    }
    MetricStats gpu = window.stats(gpuMetric.get());
    if (Double.isNaN(gpu.average())) {
      return Optional.empty();
    }
    double util = percent(gpu.average());
    double busyShare = gpu.shareAtOrAbove(rules.busyMinuteUtilization());
    boolean idle = util < rules.idleUtilization() && busyShare <= rules.idleBusyMinuteShare();
    if (!idle && util >= rules.underUtilization()) {
      return Optional.empty();
    }
    Optional<AzureMetric> cpuMetric = firstPresent(window, AzureMetric.CPU_UTILIZATION,
        AzureMetric.CPU_UTILIZATION_PERCENTAGE);
    Optional<AzureMetric> memoryMetric = firstPresent(window, AzureMetric.GPU_MEMORY_UTILIZATION,
        AzureMetric.GPU_MEMORY_UTILIZATION_PERCENTAGE);
    double cpu = cpuMetric.map(m -> percent(window.average(m))).orElse(Double.NaN);
    double gpuMemory = memoryMetric.map(m -> percent(window.average(m))).orElse(Double.NaN);
    String cause = idle ? IDLE : classify(cpu, gpuMemory);
    BigDecimal hourlyCost = price.hourly().amount().multiply(BigDecimal.valueOf(nodes));
    BigDecimal unusedShare = BigDecimal.valueOf((100 - util) / 100.0);
    Money wastePerHour = new Money(hourlyCost.multiply(unusedShare), price.hourly().currency()).rounded();

    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("gpuUtilizationAvgPercent", dec(util));
    observed.put("gpuBusyMinuteShare", dec(busyShare));
    observed.put("activeNodesAvg", dec(nodes));
    if (!window.has(AzureMetric.ACTIVE_NODES)) {
      observed.put("activeNodesInferred", BigDecimal.ONE);
    }
    if (cpuMetric.isPresent()) {
      observed.put("cpuUtilizationAvgPercent", dec(cpu));
    }
    if (memoryMetric.isPresent()) {
      observed.put("gpuMemoryUtilizationAvgPercent", dec(gpuMemory));
    }
    observed.put("burnRatePerHour", hourlyCost.setScale(2, RoundingMode.HALF_UP));
    Map<String, BigDecimal> thresholds = thresholds(idle, cause);
    FindingType type = idle ? FindingType.GPU_IDLE : FindingType.GPU_UNDERUTILIZED;
    String summary = String.format(Locale.ROOT,
        "%s: GPU %s at %s average utilisation (%s of minutes at or above %s) on %s active node(s) of %s from %s "
            + "to %s (%s); about %s/h of GPU capacity unused.",
        window.scope().label(), idle ? "idle" : "under-utilised", pct(util), pct(busyShare * 100),
        pct(rules.busyMinuteUtilization()), dec(nodes).stripTrailingZeros().toPlainString(), price.vmSize(),
        window.windowStart(), window.windowEnd(), causeText(cause, gpuMemory), wastePerHour);
    return Optional.of(new Finding(type, rules.hourlyTiers().of(wastePerHour.amount()), window.scope(),
        window.windowStart(), window.windowEnd(), idle ? "gpu-idle" : "gpu-underutilized", thresholds, observed,
        Map.of("gpuUtilizationAvgPercent", dec(idle ? rules.idleUtilization() : rules.underUtilization())), cause,
        wastePerHour, "PT1H", price.vmSize(), summary, window.records(), window.firstSource(),
        window.lastSource()));
  }

  /**
   * The cause of an under-utilised (not idle) GPU. Missing CPU or GPU-memory telemetry never produces a cause that
   * needs it: without CPU there is no INPUT_BOUND, without both there is no OVERSIZED.
   */
  String classify(double cpu, double gpuMemory) {
    if (!Double.isNaN(cpu) && cpu >= rules.inputBoundCpu()) {
      return INPUT_BOUND;
    }
    if (!Double.isNaN(cpu) && !Double.isNaN(gpuMemory) && gpuMemory < rules.oversizedGpuMemory()) {
      return OVERSIZED;
    }
    return LOW_UTILIZATION;
  }

  private Map<String, BigDecimal> thresholds(boolean idle, String cause) {
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    if (idle) {
      thresholds.put("idleUtilizationPercent", dec(rules.idleUtilization()));
      thresholds.put("idleBusyMinuteShare", dec(rules.idleBusyMinuteShare()));
    } else {
      thresholds.put("underUtilizationPercent", dec(rules.underUtilization()));
    }
    thresholds.put("busyMinuteUtilizationPercent", dec(rules.busyMinuteUtilization()));
    thresholds.put("minActiveNodes", dec(rules.minActiveNodes()));
    if (INPUT_BOUND.equals(cause)) {
      thresholds.put("inputBoundCpuPercent", dec(rules.inputBoundCpu()));
    }
    if (OVERSIZED.equals(cause)) {
      thresholds.put("inputBoundCpuPercent", dec(rules.inputBoundCpu()));
      thresholds.put("oversizedGpuMemoryPercent", dec(rules.oversizedGpuMemory()));
    }
    return thresholds;
  }

  private static String causeText(String cause, double gpuMemory) {
    return switch (cause) {
      case IDLE -> !Double.isNaN(gpuMemory) && gpuMemory >= HELD_MEMORY_PERCENT
          ? "GPU memory is held while nothing runs: a forgotten notebook or a hung job"
          : "nothing is running on the GPU: a node kept up without work";
      case INPUT_BOUND -> "the CPU is busy while the GPU waits: the input pipeline is the bottleneck";
      case OVERSIZED -> "GPU, GPU memory and CPU are all low: the job needs a smaller GPU";
      default -> "low utilisation with GPU memory in use";
    };
  }

  private static boolean isServing(UsageWindow window) {
    ScopeKind kind = window.scope().scope();
    return kind == ScopeKind.DEPLOYMENT || kind == ScopeKind.ENDPOINT;
  }

  /**
   * Average active nodes the GPU figures describe. A compute scope that reports GPU telemetry but no node-count
   * metric at all (a compute instance: one VM, no cluster node metrics) is one running node, since only running
   * nodes emit GPU metrics. A workspace-level window without node counts gets 0: the GPU average there mixes
   * clusters and cannot be priced.
   */
  static double billedActiveNodes(UsageWindow window) {
    if (window.has(AzureMetric.ACTIVE_NODES)) {
      return Math.max(0, window.average(AzureMetric.ACTIVE_NODES));
    }
    boolean anyNodeCount = window.has(AzureMetric.IDLE_NODES) || window.has(AzureMetric.TOTAL_NODES);
    return window.scope().scope() == ScopeKind.COMPUTE && !anyNodeCount ? 1 : 0;
  }

  /** Average active nodes as reported (0 when not reported); for evidence fields. */
  static double activeNodes(UsageWindow window) {
    if (window.has(AzureMetric.ACTIVE_NODES)) {
      return window.average(AzureMetric.ACTIVE_NODES);
    }
    return window.has(AzureMetric.DEPLOYMENT_CAPACITY) ? window.average(AzureMetric.DEPLOYMENT_CAPACITY) : 0;
  }

  /** The first of {@code metrics} the window holds values for (classic names before the newer per-instance ones). */
  static Optional<AzureMetric> firstPresent(UsageWindow window, AzureMetric... metrics) {
    for (AzureMetric m : metrics) {
      if (window.has(m)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** A percentage clamped to 0..100 (NaN stays NaN: missing), so a bad reading cannot make an impact negative. */
  static double percent(double value) {
    return Double.isNaN(value) ? value : Math.max(0, Math.min(100, value));
  }
}
