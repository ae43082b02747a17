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
import java.time.Duration;
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
 * <p>The rule is per window, with one piece of memory per compute ({@link GpuWasteMemory}): a compute whose previous
 * window was waste stays in waste, and keeps an idle or input-bound cause, until looser exit thresholds are crossed
 * (hysteresis). Both finding types share one alert fingerprint ({@link FindingType#fingerprintType()}), so a cause
 * change is an UPDATE of the same alert. How many consecutive windows must fire before an alert opens is the alert
 * lifecycle's decision, not this class's.
 *
 * <p>CPU is judged in busy cores: Azure ML reports CPU as a percentage of the whole VM, so one busy loader core on a
 * 40-vCPU VM reads 2.5 %. A GPU at idle level with busy cores is a starved job ({@code INPUT_BOUND}), not idle.
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

  /** The outcome of one window: its finding, and the memory the compute's next window is judged with (null: none). */
  public record Verdict(Optional<Finding> finding, GpuWasteMemory memory) {
  }

  /** The window judged on its own, as for a compute with no waste in its previous window. */
  public Optional<Finding> evaluate(UsageWindow window, NodePrice price) {
    return judge(window, price, null);
  }

  /**
   * The window judged with what the compute's previous window concluded ({@code previous}, null when it was no
   * waste): a compute in waste keeps it until the looser exit thresholds are crossed, so one waste is one alert
   * whose cause moves, not a flapping pair. A window not newer than {@code previous} (a replay) is judged on its own
   * and leaves the memory unchanged.
   */
  public Verdict evaluate(UsageWindow window, NodePrice price, GpuWasteMemory previous) {
    if (previous != null && !window.windowEnd().isAfter(previous.windowEnd())) {
      return new Verdict(judge(window, price, null), previous);
    }
    GpuWasteMemory held = previous != null && follows(previous, window) ? previous : null;
    Optional<Finding> finding = judge(window, price, held);
    return new Verdict(finding, finding.map(GpuWasteMemory::of).orElse(null));
  }

  /** The memory is of the window before this one, or of the one before that (a window without telemetry between). */
  private static boolean follows(GpuWasteMemory previous, UsageWindow window) {
    Duration length = Duration.between(window.windowStart(), window.windowEnd());
    return !previous.windowEnd().isBefore(window.windowStart().minus(length));
  }

  private Optional<Finding> judge(UsageWindow window, NodePrice price, GpuWasteMemory held) {
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
    boolean idleEnters = util < rules.idleUtilization() && busyShare <= rules.idleBusyMinuteShare();
    boolean idleHeld = held != null && held.type() == FindingType.GPU_IDLE && util < rules.idleExitUtilization()
        && busyShare <= rules.idleExitBusyMinuteShare();
    boolean underEnters = util < rules.underUtilization();
    boolean underHeld = held != null && util < rules.underExitUtilization();
    if (!(idleEnters || idleHeld || underEnters || underHeld)) {
      return Optional.empty();
    }
    Optional<AzureMetric> cpuMetric = firstPresent(window, AzureMetric.CPU_UTILIZATION,
        AzureMetric.CPU_UTILIZATION_PERCENTAGE);
    Optional<AzureMetric> memoryMetric = firstPresent(window, AzureMetric.GPU_MEMORY_UTILIZATION,
        AzureMetric.GPU_MEMORY_UTILIZATION_PERCENTAGE);
    double cpu = cpuMetric.map(m -> percent(window.average(m))).orElse(Double.NaN);
    double cores = busyCores(cpu, price.vcpus());
    double gpuMemory = memoryMetric.map(m -> percent(window.average(m))).orElse(Double.NaN);
    boolean wasInputBound = held != null && INPUT_BOUND.equals(held.cause());
    boolean cpuBound = cpuBound(cpu, cores, wasInputBound);
    // a GPU at idle level while CPU cores are busy is a job starved by its input pipeline, not an idle GPU
    boolean idle = (idleEnters || idleHeld) && !cpuBound;
    String cause = idle ? IDLE : cpuBound ? INPUT_BOUND : classify(cpu, gpuMemory);
    boolean byHysteresis = idle ? !idleEnters : !underEnters;
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
    if (!Double.isNaN(cores)) {
      observed.put("cpuBusyCoresAvg", dec(cores));
      observed.put("vcpusPerNode", BigDecimal.valueOf(price.vcpus()));
    }
    if (memoryMetric.isPresent()) {
      observed.put("gpuMemoryUtilizationAvgPercent", dec(gpuMemory));
    }
    observed.put("burnRatePerHour", hourlyCost.setScale(2, RoundingMode.HALF_UP));
    Map<String, BigDecimal> thresholds = thresholds(idle, cause, byHysteresis, wasInputBound,
        !Double.isNaN(cores));
    FindingType type = idle ? FindingType.GPU_IDLE : FindingType.GPU_UNDERUTILIZED;
    double limit = idle ? (byHysteresis ? rules.idleExitUtilization() : rules.idleUtilization())
        : (byHysteresis ? rules.underExitUtilization() : rules.underUtilization());
    String summary = String.format(Locale.ROOT,
        "%s: GPU %s at %s average utilisation (%s of minutes at or above %s) on %s active node(s) of %s from %s "
            + "to %s (%s); about %s/h of GPU capacity unused.%s",
        window.scope().label(), idle ? "idle" : "under-utilised", pct(util), pct(busyShare * 100),
        pct(rules.busyMinuteUtilization()), dec(nodes).stripTrailingZeros().toPlainString(), price.vmSize(),
        window.windowStart(), window.windowEnd(), causeText(cause, gpuMemory, cores, price.vcpus()), wastePerHour,
        byHysteresis ? " Still below the " + pct(limit) + " a waste must reach to end." : "");
    return Optional.of(new Finding(type, rules.hourlyTiers().of(wastePerHour.amount()), window.scope(),
        window.windowStart(), window.windowEnd(), idle ? "gpu-idle" : "gpu-underutilized", thresholds, observed,
        Map.of("gpuUtilizationAvgPercent", dec(limit)), cause, wastePerHour, "PT1H", price.vmSize(), summary,
        window.records(), window.firstSource(), window.lastSource()));
  }

  /**
   * True when the CPU works enough to be the bottleneck: at least {@code inputBoundBusyCores} busy cores per node
   * ({@code inputBoundExitBusyCores} for a waste already input-bound), or, whatever the VM size, CPU at
   * {@code inputBoundCpu} percent of the VM. Without CPU telemetry never.
   */
  boolean cpuBound(double cpu, double cores, boolean wasInputBound) {
    if (Double.isNaN(cpu)) {
      return false;
    }
    if (cpu >= rules.inputBoundCpu()) {
      return true;
    }
    double needed = wasInputBound ? rules.inputBoundExitBusyCores() : rules.inputBoundBusyCores();
    return !Double.isNaN(cores) && cores >= needed;
  }

  /** CPU percent of the whole VM as busy cores per node (NaN when the CPU or the VM size's vCPUs are unknown). */
  static double busyCores(double cpuPercent, int vcpus) {
    return Double.isNaN(cpuPercent) || vcpus <= 0 ? Double.NaN : cpuPercent * vcpus / 100.0;
  }

  /**
   * The cause of an under-utilised GPU whose CPU is not the bottleneck. Missing CPU or GPU-memory telemetry never
   * produces a cause that needs it: without both there is no OVERSIZED.
   */
  String classify(double cpu, double gpuMemory) {
    if (!Double.isNaN(cpu) && !Double.isNaN(gpuMemory) && gpuMemory < rules.oversizedGpuMemory()) {
      return OVERSIZED;
    }
    return LOW_UTILIZATION;
  }

  private Map<String, BigDecimal> thresholds(boolean idle, String cause, boolean byHysteresis,
      boolean wasInputBound, boolean judgedInCores) {
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    if (idle) {
      thresholds.put("idleUtilizationPercent", dec(rules.idleUtilization()));
      thresholds.put("idleBusyMinuteShare", dec(rules.idleBusyMinuteShare()));
      if (byHysteresis) {
        thresholds.put("idleExitUtilizationPercent", dec(rules.idleExitUtilization()));
        thresholds.put("idleExitBusyMinuteShare", dec(rules.idleExitBusyMinuteShare()));
      }
    } else {
      thresholds.put("underUtilizationPercent", dec(rules.underUtilization()));
      if (byHysteresis) {
        thresholds.put("underExitUtilizationPercent", dec(rules.underExitUtilization()));
      }
    }
    thresholds.put("busyMinuteUtilizationPercent", dec(rules.busyMinuteUtilization()));
    thresholds.put("minActiveNodes", dec(rules.minActiveNodes()));
    if (INPUT_BOUND.equals(cause) || OVERSIZED.equals(cause)) {
      thresholds.put("inputBoundCpuPercent", dec(rules.inputBoundCpu()));
      thresholds.put("inputBoundBusyCores", dec(wasInputBound && INPUT_BOUND.equals(cause)
          ? rules.inputBoundExitBusyCores() : rules.inputBoundBusyCores()));
    }
    if (OVERSIZED.equals(cause)) {
      thresholds.put("oversizedGpuMemoryPercent", dec(rules.oversizedGpuMemory()));
    }
    if (IDLE.equals(cause) && judgedInCores) {
      thresholds.put("idleCpuBusyCores", dec(rules.idleCpuBusyCores()));
    }
    return thresholds;
  }

  private String causeText(String cause, double gpuMemory, double cores, int vcpus) {
    String busy = Double.isNaN(cores) ? "" : String.format(Locale.ROOT, " (%s busy cores of %d vCPUs per node)",
        dec(cores).stripTrailingZeros().toPlainString(), vcpus);
    return switch (cause) {
      case IDLE -> idleText(gpuMemory, cores, busy);
      case INPUT_BOUND -> "the CPU is busy" + busy + " while the GPU waits: the input pipeline is the bottleneck";
      case OVERSIZED -> "GPU, GPU memory and CPU are all low" + busy + ": the job needs a smaller GPU";
      default -> "low utilisation with GPU memory in use";
    };
  }

  /** A forgotten notebook holds GPU memory with no kernels and no CPU work; CPU work or no CPU data say otherwise. */
  private String idleText(double gpuMemory, double cores, String busy) {
    if (Double.isNaN(gpuMemory) || gpuMemory < HELD_MEMORY_PERCENT) {
      return "nothing is running on the GPU: a node kept up without work";
    }
    if (Double.isNaN(cores)) {
      return "GPU memory is held while no kernels run (CPU per core unknown): a forgotten notebook or a hung job";
    }
    return cores < rules.idleCpuBusyCores()
        ? "GPU memory is held while no kernels run and the CPU does no work" + busy
            + ": a forgotten notebook or a hung job"
        : "GPU memory is held while no kernels run and the CPU does some work" + busy
            + ": a job stalled outside the GPU (preprocessing, I/O) or a hung job";
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
