package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes allocated to a cluster without a job for a whole window: a minimum node count above zero, or a slow
 * scale-down. Azure ML bills idle nodes like busy ones.
 *
 * <p>"Whole window" means every minute's value, not only the average, reaches {@code minIdleNodes}: a cluster that
 * scales down normally after a job shows idle nodes for a couple of minutes (the default
 * {@code idleTimeBeforeScaleDown} is 120 s) and must not fire. The rule is per window; a minimum duration across
 * windows belongs to the alert lifecycle.
 */
public final class IdleNodesDetector {

  private final GpuRules rules;

  public IdleNodesDetector(GpuRules rules) {
    this.rules = rules;
  }

  public Optional<Finding> evaluate(UsageWindow window, NodePrice price) {
    if (window.scope() == null || !window.has(AzureMetric.IDLE_NODES)) {
      return Optional.empty();
    }
    MetricStats stats = window.stats(AzureMetric.IDLE_NODES);
    double idle = stats.average();
    double minIdle = stats.min();
    if (Double.isNaN(idle) || idle <= 0 || idle < rules.minIdleNodes() || minIdle < rules.minIdleNodes()) {
      return Optional.empty();
    }
    Money perHour = price.hourly().times(BigDecimal.valueOf(idle)).rounded();
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("idleNodesAvg", dec(idle));
    observed.put("idleNodesMin", dec(minIdle));
    observed.put("activeNodesAvg", dec(GpuWasteDetector.activeNodes(window)));
    observed.put("minutes", BigDecimal.valueOf(stats.count()));
    String summary = String.format(Locale.ROOT,
        "%s: %s node(s) of %s allocated without a job in every minute from %s to %s (at least %s); about %s/h "
            + "paid for idle nodes.",
        window.scope().label(), dec(idle).stripTrailingZeros().toPlainString(), price.vmSize(),
        window.windowStart(), window.windowEnd(), dec(minIdle).stripTrailingZeros().toPlainString(), perHour);
    return Optional.of(new Finding(FindingType.IDLE_NODES, rules.hourlyTiers().of(perHour.amount()), window.scope(),
        window.windowStart(), window.windowEnd(), "idle-nodes", Map.of("minIdleNodes", dec(rules.minIdleNodes())),
        observed, Map.of("idleNodesAvg", BigDecimal.ZERO), "IDLE_NODES", perHour, "PT1H", price.vmSize(), summary,
        window.records(), window.firstSource(), window.lastSource()));
  }
}
