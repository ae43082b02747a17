package io.costwatch.recommend;

import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a finding into priced actions. Every estimate is "if the observed pattern held for a month of 730 hours",
 * and says so in its assumption; the confidence is lower when the VM size was assumed rather than known.
 */
public final class Recommender {

  static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");
  /** GPU utilisation a healthy training job reaches; below it, the same work needs util/target of the GPU-hours. */
  static final double TARGET_UTILIZATION = 70;

  private final PriceBook prices;

  public Recommender(PriceBook prices) {
    this.prices = prices;
  }

  public List<Recommendation> recommend(Finding finding, String pricedAs) {
    BigDecimal confidence = pricedAs.startsWith("assumed") ? new BigDecimal("0.50") : new BigDecimal("0.80");
    String pricing = finding.vmSize() == null ? "" : " Priced as " + finding.vmSize() + " (" + pricedAs + ").";
    return switch (finding.type()) {
      case GPU_IDLE -> List.of(new Recommendation("ENABLE_IDLE_SHUTDOWN",
          "The GPU ran nothing while nodes were allocated: stop the forgotten notebook or hung job, and let idle "
              + "compute shut itself down.",
          monthly(finding.impact()), confidence, "idleTimeBeforeShutdown=PT30M (compute instance); "
              + "cancel the stuck job on the cluster",
          "Saves the whole idle cost if the pattern held for 730 h a month." + pricing));
      case GPU_UNDERUTILIZED -> underutilized(finding, confidence, pricing);
      case IDLE_NODES -> List.of(new Recommendation("SET_MIN_NODES_ZERO",
          "Nodes stayed allocated without a job for the whole window: let the cluster scale to zero and shorten "
              + "the idle time before scale-down.",
          monthly(finding.impact()), confidence, "minNodeCount=0, idleTimeBeforeScaleDown=PT120S",
          "Saves the idle nodes' cost if they stay idle for 730 h a month." + pricing));
      case IDLE_DEPLOYMENT -> List.of(new Recommendation("SCALE_DOWN_DEPLOYMENT",
          "The deployment served almost nothing in the window: lower its instance count, or move it to a batch "
              + "endpoint when latency does not matter.",
          monthly(finding.impact()), confidence, "instance_count=1 (or a batch endpoint)",
          "Saves the idle instances' cost if the pattern held for 730 h a month." + pricing));
      case BURN_RATE_SPIKE, SPEND_SPIKE -> List.of();
    };
  }

  private List<Recommendation> underutilized(Finding finding, BigDecimal confidence, String pricing) {
    List<Recommendation> out = new ArrayList<>();
    BigDecimal burn = finding.observed().getOrDefault("burnRatePerHour", BigDecimal.ZERO);
    double util = finding.observed().getOrDefault("gpuUtilizationAvgPercent", BigDecimal.ZERO).doubleValue();
    String currency = finding.impact().currency();
    switch (finding.cause() == null ? "" : finding.cause()) {
      case "INPUT_BOUND" -> {
        BigDecimal share = BigDecimal.valueOf(Math.max(0, 1 - util / TARGET_UTILIZATION));
        out.add(new Recommendation("FIX_INPUT_PIPELINE",
            "The CPU is busy while the GPU waits for data: raise DataLoader workers, pin memory, prefetch, or "
                + "use a larger batch.",
            new Money(burn.multiply(share).multiply(HOURS_PER_MONTH), currency).rounded(), confidence,
            "DataLoader(num_workers=<vCPUs>, pin_memory=True, prefetch_factor=4)",
            String.format(Locale.ROOT, "At %.0f%% GPU utilisation the same work needs %.0f%% of today's GPU-hours;"
                + " 730 h a month.", TARGET_UTILIZATION, util / TARGET_UTILIZATION * 100) + pricing));
      }
      default -> rightsize(finding, burn, currency, confidence, pricing).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Recommendation> rightsize(Finding finding, BigDecimal burn, String currency,
      BigDecimal confidence, String pricing) {
    Optional<VmPrice> current = prices.find(finding.vmSize());
    Optional<VmPrice> smaller = current.map(VmPrice::downsizeTo).flatMap(prices::find);
    if (current.isEmpty() || smaller.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal nodes = finding.observed().getOrDefault("activeNodesAvg", BigDecimal.ONE);
    BigDecimal saving = current.get().hourly().amount().subtract(smaller.get().hourly().amount()).multiply(nodes)
        .multiply(HOURS_PER_MONTH);
    String action = smaller.get().isGpu() ? "RIGHTSIZE_SKU" : "USE_CPU_SKU";
    return Optional.of(new Recommendation(action,
        "GPU, GPU memory and CPU are all low: the job fits on a smaller size (" + smaller.get().vmSize() + ", "
            + (smaller.get().isGpu() ? smaller.get().gpus() + "x " + smaller.get().gpuModel() : "CPU only") + ").",
        new Money(saving.max(BigDecimal.ZERO), currency).rounded(), confidence,
        "vmSize=" + smaller.get().vmSize() + " (create a new cluster; the size of an existing one cannot change)",
        "Price difference " + current.get().hourly() + "/h -> " + smaller.get().hourly() + "/h per node, "
            + nodes.setScale(1, RoundingMode.HALF_UP) + " node(s), 730 h a month." + pricing));
  }

  private static Money monthly(Money hourly) {
    return hourly.times(HOURS_PER_MONTH).rounded();
  }
}
