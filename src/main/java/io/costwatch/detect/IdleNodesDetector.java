package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes allocated to a cluster without a job for a whole window: a minimum node count above zero, or a slow
 * scale-down. Azure ML bills idle nodes like busy ones.
 */
public final class IdleNodesDetector {

  private final GpuRules rules;

  public IdleNodesDetector(GpuRules rules) {
    this.rules = rules;
  }

  public Optional<Finding> evaluate(UsageWindow window, NodePrice price) {
    if (!window.has(AzureMetric.IDLE_NODES)) {
      return Optional.empty();
    }
    double idle = window.average(AzureMetric.IDLE_NODES);
    double minIdle = window.stats(AzureMetric.IDLE_NODES).min();
    if (idle < rules.minIdleNodes() || minIdle < rules.minIdleNodes()) {
      return Optional.empty();
    }
    Money perHour = price.hourly().times(BigDecimal.valueOf(idle)).rounded();
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("idleNodesAvg", dec(idle));
    observed.put("idleNodesMin", dec(minIdle));
    observed.put("activeNodesAvg", dec(GpuWasteDetector.activeNodes(window)));
    String summary = String.format(Locale.ROOT,
        "%s: %s node(s) of %s allocated without a job for the whole window %s to %s; about %s/h paid for idle "
            + "nodes.",
        window.scope().label(), dec(idle).stripTrailingZeros().toPlainString(), price.vmSize(),
        window.windowStart(), window.windowEnd(), perHour);
    return Optional.of(new Finding(FindingType.IDLE_NODES, rules.hourlyTiers().of(perHour.amount()), window.scope(),
        window.windowStart(), window.windowEnd(), "idle-nodes", Map.of("minIdleNodes", dec(rules.minIdleNodes())),
        observed, Map.of("idleNodesAvg", BigDecimal.ZERO), "IDLE_NODES", perHour, "PT1H", price.vmSize(), summary,
        window.records(), window.firstSource(), window.lastSource()));
  }
}
