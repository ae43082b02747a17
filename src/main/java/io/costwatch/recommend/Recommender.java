package io.costwatch.recommend;

import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a finding into priced actions, each with the exact Azure ML setting to change. Every estimate is "if the
 * observed pattern held for a month of 730 hours", and says so in its assumption; the confidence is lower when the
 * VM size was assumed rather than known, and lower again when the saving rests on an assumed discount.
 */
public final class Recommender {

  static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");
  /** GPU utilisation a healthy training job reaches; below it, the same work needs util/target of the GPU-hours. */
  static final double TARGET_UTILIZATION = 70;
  /** Below both (percent), the job barely touches the GPU: a CPU size is the remedy, not a smaller GPU. */
  static final double CPU_SKU_MAX_GPU_UTILIZATION = 10;
  static final double CPU_SKU_MAX_GPU_MEMORY = 10;
  /** Azure advertises low-priority VMs at up to 80% off; used only when the price table has no low-priority price. */
  static final BigDecimal ASSUMED_LOW_PRIORITY_DISCOUNT = new BigDecimal("0.80");

  private static final BigDecimal KNOWN_SIZE = new BigDecimal("0.80");
  private static final BigDecimal ASSUMED_SIZE = new BigDecimal("0.50");

  private final PriceBook prices;

  public Recommender(PriceBook prices) {
    this.prices = prices;
  }

  public List<Recommendation> recommend(Finding finding, String pricedAs) {
    BigDecimal confidence = pricedAs != null && pricedAs.startsWith("assumed") ? ASSUMED_SIZE : KNOWN_SIZE;
    String pricing = finding.vmSize() == null ? "" : " Priced as " + finding.vmSize() + " (" + pricedAs + ").";
    return switch (finding.type()) {
      case GPU_IDLE -> List.of(new Recommendation("ENABLE_IDLE_SHUTDOWN",
          "The GPU ran nothing while nodes were allocated: stop the forgotten notebook or cancel the hung job, and "
              + "let idle compute shut itself down.",
          monthly(finding.impact()), confidence,
          "idleTimeBeforeShutdown=PT30M (compute instance: properties.idleTimeBeforeShutdown; CLI YAML "
              + "idle_time_before_shutdown_minutes: 30); on a cluster, cancel the job and set the job's "
              + "limits.timeout",
          "Saves the idle GPU cost (" + finding.impact() + "/h) if the pattern held for 730 h a month." + pricing));
      case GPU_UNDERUTILIZED -> underutilized(finding, confidence, pricing);
      case IDLE_NODES -> List.of(new Recommendation("SET_MIN_NODES_ZERO",
          "Nodes stayed allocated without a job in every minute of the window: let the cluster scale to zero and "
              + "shorten the idle time before scale-down.",
          monthly(finding.impact()), confidence,
          "scaleSettings.minNodeCount=0, scaleSettings.nodeIdleTimeBeforeScaleDown=PT120S (CLI YAML: "
              + "min_instances: 0, idle_time_before_scale_down: 120)",
          "Saves the idle nodes' cost (" + finding.impact() + "/h) if they stay idle for 730 h a month." + pricing));
      case IDLE_DEPLOYMENT -> idleDeployment(finding, confidence, pricing);
      case BURN_RATE_SPIKE -> List.of(lowPriority(finding, confidence, pricing));
      case SPEND_SPIKE, HOURLY_SPEND_SPIKE, EGRESS_SPIKE, STORAGE_GROWTH -> List.of();
      // priced by BlobLifecycleAdvisor from the account's stored GB and reads, which the finding alone lacks
      case COLD_DATA_IN_HOT_TIER -> List.of();
    };
  }

  private List<Recommendation> underutilized(Finding finding, BigDecimal confidence, String pricing) {
    String cause = finding.cause() == null ? "" : finding.cause();
    if ("INPUT_BOUND".equals(cause)) {
      return List.of(fixInputPipeline(finding, confidence, pricing));
    }
    List<Recommendation> out = new ArrayList<>();
    double util = observed(finding, "gpuUtilizationAvgPercent").doubleValue();
    BigDecimal memory = finding.observed().get("gpuMemoryUtilizationAvgPercent");
    boolean tiny = "OVERSIZED".equals(cause) && memory != null && util < CPU_SKU_MAX_GPU_UTILIZATION
        && memory.doubleValue() < CPU_SKU_MAX_GPU_MEMORY;
    if (tiny) {
      cpuSize(finding.vmSize()).flatMap(cpu -> resize(finding, "USE_CPU_SKU", cpu, confidence,
          "GPU utilisation and GPU memory are both tiny: the job does not need a GPU.", pricing)).ifPresent(out::add);
    }
    BigDecimal gpuConfidence = "OVERSIZED".equals(cause) ? confidence
        : confidence.multiply(new BigDecimal("0.5")).setScale(2, RoundingMode.HALF_UP);
    String why = "OVERSIZED".equals(cause) ? "GPU, GPU memory and CPU are all low: the job fits on a smaller GPU."
        : "The GPU is under-used while its memory is in use: a smaller GPU may do, if the model still fits.";
    nextGpuSize(finding.vmSize()).flatMap(smaller -> resize(finding, "RIGHTSIZE_SKU", smaller, gpuConfidence, why,
        pricing)).ifPresent(out::add);
    return out;
  }

  private Recommendation fixInputPipeline(Finding finding, BigDecimal confidence, String pricing) {
    BigDecimal burn = observed(finding, "burnRatePerHour");
    double util = observed(finding, "gpuUtilizationAvgPercent").doubleValue();
    BigDecimal share = BigDecimal.valueOf(Math.max(0, 1 - util / TARGET_UTILIZATION));
    return new Recommendation("FIX_INPUT_PIPELINE",
        "The CPU is busy while the GPU waits for data: raise DataLoader workers, pin memory, prefetch, or use a "
            + "larger batch; or pick a size with more vCPUs per GPU.",
        money(burn.multiply(share).multiply(HOURS_PER_MONTH), finding.impact().currency()), confidence,
        "training code: DataLoader(num_workers=<vCPUs per GPU>, pin_memory=True, prefetch_factor=4)",
        String.format(Locale.ROOT, "At %.0f%% GPU utilisation the same work needs %.0f%% of today's GPU-hours "
            + "(burn %s %s/h); 730 h a month.", TARGET_UTILIZATION, util / TARGET_UTILIZATION * 100,
            burn.toPlainString(), finding.impact().currency()) + pricing);
  }

  private Optional<Recommendation> resize(Finding finding, String action, VmPrice target, BigDecimal confidence,
      String why, String pricing) {
    Optional<VmPrice> current = prices.find(finding.vmSize());
    if (current.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal nodes = finding.observed().getOrDefault("activeNodesAvg", BigDecimal.ONE);
    BigDecimal saving = current.get().hourly().amount().subtract(target.hourly().amount()).multiply(nodes)
        .multiply(HOURS_PER_MONTH).max(BigDecimal.ZERO);
    String shape = target.isGpu() ? target.gpus() + "x " + target.gpuModel() : "CPU only";
    return Optional.of(new Recommendation(action, why + " Move to " + target.vmSize() + " (" + shape + ", "
        + target.vcpus() + " vCPUs).", money(saving, finding.impact().currency()), confidence,
        "vmSize=" + target.vmSize() + " (CLI YAML size: " + target.vmSize() + "; create a new compute: the size of "
            + "an existing one cannot change)",
        "Price difference " + current.get().hourly() + "/h -> " + target.hourly() + "/h per node, "
            + nodes.setScale(1, RoundingMode.HALF_UP) + " node(s), 730 h a month." + pricing));
  }

  private List<Recommendation> idleDeployment(Finding finding, BigDecimal confidence, String pricing) {
    BigDecimal instances = observed(finding, "instancesAvg");
    BigDecimal perInstance = prices.find(finding.vmSize()).map(p -> p.hourly().amount())
        .orElseGet(() -> instances.signum() == 0 ? BigDecimal.ZERO
            : finding.impact().amount().divide(instances, MathContext.DECIMAL64));
    String currency = finding.impact().currency();
    List<Recommendation> out = new ArrayList<>();
    if (instances.compareTo(BigDecimal.ONE) > 0) {
      out.add(new Recommendation("SCALE_DOWN_DEPLOYMENT",
          "The deployment served almost nothing in the window on " + instances.stripTrailingZeros().toPlainString()
              + " instances: run it on one, and let autoscale add instances when traffic returns.",
          money(instances.subtract(BigDecimal.ONE).multiply(perInstance).multiply(HOURS_PER_MONTH), currency),
          confidence, "instance_count: 1 (az ml online-deployment update --set instance_count=1; ARM sku.capacity=1)",
          "Saves " + (instances.subtract(BigDecimal.ONE)).stripTrailingZeros().toPlainString() + " instance(s) at "
              + perInstance.setScale(3, RoundingMode.HALF_UP).toPlainString() + " " + currency
              + "/h if traffic stays this low for 730 h a month." + pricing));
    } else {
      out.add(new Recommendation("SCALE_DOWN_DEPLOYMENT",
          "The deployment served almost nothing in the window on its single instance; a managed online deployment "
              + "does not scale to zero, so delete it while it is not needed.",
          money(instances.multiply(perInstance).multiply(HOURS_PER_MONTH), currency), confidence,
          "az ml online-deployment delete --endpoint-name <endpoint> --name <deployment>",
          "Saves the instance if it stays unused for 730 h a month." + pricing));
    }
    out.add(new Recommendation("USE_BATCH_ENDPOINT",
        "When callers do not need an answer within seconds, score with a batch endpoint on a cluster that scales to "
            + "zero: nothing is billed between jobs.",
        money(instances.multiply(perInstance).multiply(HOURS_PER_MONTH), currency),
        confidence.multiply(new BigDecimal("0.75")).setScale(2, RoundingMode.HALF_UP),
        "batch endpoint + deployment on an AmlCompute cluster with min_instances: 0 (scaleSettings.minNodeCount=0)",
        "Upper bound: all instances for 730 h a month, minus the batch jobs' own node-hours (not estimated)."
            + pricing));
    return out;
  }

  private Recommendation lowPriority(Finding finding, BigDecimal confidence, String pricing) {
    Optional<VmPrice> vm = prices.find(finding.vmSize());
    Optional<Money> lowPriorityPrice = vm.map(VmPrice::lowPriorityHourly);
    BigDecimal discount;
    String basis;
    BigDecimal conf;
    if (vm.isPresent() && lowPriorityPrice.isPresent() && vm.get().hourly().amount().signum() > 0) {
      discount = BigDecimal.ONE.subtract(lowPriorityPrice.get().amount()
          .divide(vm.get().hourly().amount(), MathContext.DECIMAL64)).max(BigDecimal.ZERO);
      basis = "Low-priority price from the price table: " + lowPriorityPrice.get() + "/h vs " + vm.get().hourly()
          + "/h.";
      conf = confidence.multiply(new BigDecimal("0.75"));
    } else {
      discount = ASSUMED_LOW_PRIORITY_DISCOUNT;
      basis = "No low-priority price in the table: assumes the up-to-80% low-priority discount Azure advertises "
          + "(an upper bound).";
      conf = confidence.multiply(new BigDecimal("0.5"));
    }
    BigDecimal excessPerHour = finding.impact().amount().max(BigDecimal.ZERO);
    return new Recommendation("USE_LOW_PRIORITY",
        "The burst of nodes looks like a sweep or batch fan-out: run fault-tolerant (checkpointing) sweep trials on "
            + "a low-priority cluster, and cap its size.",
        money(excessPerHour.multiply(discount).multiply(HOURS_PER_MONTH), finding.impact().currency()),
        conf.setScale(2, RoundingMode.HALF_UP),
        "tier: low_priority (CLI YAML; ARM properties.vmPriority=LowPriority) on a separate cluster for the sweep, "
            + "max_instances capped (scaleSettings.maxNodeCount); the priority of an existing cluster cannot change",
        basis + " Applied to the excess " + finding.impact() + "/h as if such bursts ran 730 h a month; scale by the"
            + " sweep's real hours. Low-priority nodes can be pre-empted." + pricing);
  }

  /** The next smaller GPU size on the right-sizing ladder, skipping nothing: empty when the next rung is CPU. */
  private Optional<VmPrice> nextGpuSize(String vmSize) {
    return prices.find(vmSize).map(VmPrice::downsizeTo).flatMap(prices::find).filter(VmPrice::isGpu);
  }

  /** The first CPU size down the ladder from {@code vmSize}. */
  private Optional<VmPrice> cpuSize(String vmSize) {
    Optional<VmPrice> rung = prices.find(vmSize);
    for (int step = 0; step < 16 && rung.isPresent(); step++) {
      rung = Optional.ofNullable(rung.get().downsizeTo()).flatMap(prices::find);
      if (rung.isPresent() && !rung.get().isGpu()) {
        return rung;
      }
    }
    return Optional.empty();
  }

  private static BigDecimal observed(Finding finding, String key) {
    return finding.observed().getOrDefault(key, BigDecimal.ZERO);
  }

  private static Money money(BigDecimal amount, String currency) {
    return new Money(amount.max(BigDecimal.ZERO), currency).rounded();
  }

  private static Money monthly(Money hourly) {
    return hourly.times(HOURS_PER_MONTH).rounded();
  }
}
