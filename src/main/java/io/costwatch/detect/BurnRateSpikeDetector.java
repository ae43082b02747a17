package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A scope's estimated burn rate far above its own recent baseline within one window: a hyperparameter sweep fanning
 * out to 40 nodes, or a runaway max-node setting, seen in minutes instead of a day later in billing.
 *
 * <p>Burn rate = (average active + average idle nodes) x the VM size's hourly price: idle nodes bill like busy ones.
 * The baseline is the median of the history's windows inside the lookback (robust: one past sweep does not raise
 * it), and the rule needs both the $/h floor and the ratio. The caller keeps one {@link BurnRateHistory} per scope,
 * evaluates the closed window against the history <em>before</em> it, then records it with
 * {@link BurnRateHistory#with(UsageWindow, BigDecimal)}.
 */
public final class BurnRateSpikeDetector {

  private final BurnRateRules rules;

  public BurnRateSpikeDetector(BurnRateRules rules) {
    this.rules = rules;
  }

  /**
   * Estimated cost per hour of the window's allocated nodes; empty when the window has no node counts. A cluster
   * whose node counts are not delivered (the per-node metrics came through a path that keeps dimensions, the counts
   * did not) is counted from the distinct {@code NodeId}/{@code instanceId} dimensions reporting each minute.
   */
  public static Optional<BigDecimal> burnRate(UsageWindow window, NodePrice price) {
    boolean active = window.has(AzureMetric.ACTIVE_NODES);
    boolean idle = window.has(AzureMetric.IDLE_NODES);
    if (!active && !idle && !countedNodes(window)) {
      return Optional.empty();
    }
    double nodes = activeNodes(window) + nonNegative(idle ? window.average(AzureMetric.IDLE_NODES) : 0);
    return Optional.of(price.hourly().amount().multiply(BigDecimal.valueOf(nodes)));
  }

  /** True for a cluster window without node counts whose telemetry names its nodes. */
  static boolean countedNodes(UsageWindow window) {
    return window.scope() != null && window.scope().scope() == io.costwatch.core.ScopeKind.COMPUTE
        && !window.has(AzureMetric.ACTIVE_NODES) && !window.has(AzureMetric.IDLE_NODES)
        && !window.has(AzureMetric.TOTAL_NODES) && !window.instances().isEmpty();
  }

  /** Average active nodes: the reported count, else the nodes counted from the dimensions, else 0. */
  static double activeNodes(UsageWindow window) {
    if (window.has(AzureMetric.ACTIVE_NODES)) {
      return nonNegative(window.average(AzureMetric.ACTIVE_NODES));
    }
    return countedNodes(window) ? window.reportingInstances() : 0;
  }

  public Optional<Finding> evaluate(BurnRateHistory history, UsageWindow window, NodePrice price) {
    if (window.scope() == null || window.windowStart() == null) {
      return Optional.empty();
    }
    Optional<BigDecimal> current = burnRate(window, price);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    List<BigDecimal> basis = history.between(window.windowStart().minus(rules.lookback()), window.windowStart());
    if (basis.size() < rules.minHistoryWindows()) {
      return Optional.empty();
    }
    BigDecimal baseline = median(basis);
    BigDecimal delta = current.get().subtract(baseline);
    boolean aboveFloor = delta.compareTo(rules.minDeltaPerHour()) >= 0 && delta.signum() > 0;
    boolean aboveRatio = baseline.signum() <= 0
        || current.get().compareTo(baseline.multiply(BigDecimal.valueOf(rules.minRatio()))) >= 0;
    if (!aboveFloor || !aboveRatio) {
      return Optional.empty();
    }
    String currency = price.hourly().currency();
    Money excess = new Money(delta, currency).rounded();
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("burnRatePerHour", current.get().setScale(2, RoundingMode.HALF_UP));
    observed.put("baselinePerHour", baseline.setScale(2, RoundingMode.HALF_UP));
    if (baseline.signum() > 0) {
      observed.put("ratioToBaseline", current.get().divide(baseline, MathContext.DECIMAL64)
          .setScale(2, RoundingMode.HALF_UP));
    }
    observed.put("activeNodesAvg", dec(activeNodes(window)));
    if (countedNodes(window)) {
      observed.put("activeNodesFromNodeIds", BigDecimal.ONE);
    }
    observed.put("idleNodesAvg", dec(nonNegative(window.average(AzureMetric.IDLE_NODES))));
    observed.put("excessNodesAvg", delta.divide(price.hourly().amount().signum() == 0 ? BigDecimal.ONE
        : price.hourly().amount(), MathContext.DECIMAL64).setScale(2, RoundingMode.HALF_UP));
    observed.put("historyWindows", BigDecimal.valueOf(basis.size()));
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("minDeltaPerHour", rules.minDeltaPerHour());
    thresholds.put("minRatio", dec(rules.minRatio()));
    thresholds.put("minHistoryWindows", BigDecimal.valueOf(rules.minHistoryWindows()));
    String summary = String.format(Locale.ROOT,
        "%s: burn rate %s %s/h from %s to %s against a median of %s %s/h over the previous %d window(s) "
            + "(+%s %s/h, %s); %s active and %s idle node(s) of %s.",
        window.scope().label(), current.get().setScale(2, RoundingMode.HALF_UP).toPlainString(), currency,
        window.windowStart(), window.windowEnd(), baseline.setScale(2, RoundingMode.HALF_UP).toPlainString(),
        currency, basis.size(), excess.amount().toPlainString(), currency,
        baseline.signum() > 0 ? observed.get("ratioToBaseline").toPlainString() + "x" : "from zero",
        observed.get("activeNodesAvg").stripTrailingZeros().toPlainString(),
        observed.get("idleNodesAvg").stripTrailingZeros().toPlainString(), price.vmSize());
    return Optional.of(new Finding(FindingType.BURN_RATE_SPIKE, rules.hourlyTiers().of(excess.amount()),
        window.scope(), window.windowStart(), window.windowEnd(), "burn-rate-spike-median", thresholds, observed,
        Map.of("burnRatePerHour", baseline.setScale(2, RoundingMode.HALF_UP)), null, excess, "PT1H",
        price.vmSize(), summary, window.records(), window.firstSource(), window.lastSource()));
  }

  static BigDecimal median(List<BigDecimal> values) {
    List<BigDecimal> sorted = new ArrayList<>(values);
    sorted.sort(BigDecimal::compareTo);
    int n = sorted.size();
    if (n == 0) {
      return BigDecimal.ZERO;
    }
    return n % 2 == 1 ? sorted.get(n / 2)
        : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MathContext.DECIMAL64);
  }

  private static double nonNegative(double value) {
    return Double.isNaN(value) ? 0 : Math.max(0, value);
  }
}
