package io.costwatch.recommend;

import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.NodePrice;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which VM size a scope runs on, and so what one node costs per hour. Sources, most trusted first: the configured
 * map ({@code workspace/compute -> size}), sizes learnt from billing rows ({@code AdditionalInfo.ServiceType}), then
 * the configured default size, stated as an assumption in every alert priced with it.
 */
public final class NodePricing {

  private final PriceBook prices;
  private final Map<String, String> configured;
  private final Map<String, String> learnt = new ConcurrentHashMap<>();
  private final String defaultSize;
  private final Map<String, java.math.BigDecimal> corrections = new ConcurrentHashMap<>();

  public NodePricing(PriceBook prices, Map<String, String> configured, String defaultSize) {
    this.prices = prices;
    this.configured = lowerKeys(configured);
    this.defaultSize = defaultSize;
    if (prices.find(defaultSize).isEmpty()) {
      throw new IllegalArgumentException("COSTWATCH_DEFAULT_VM_SIZE=" + defaultSize + " is not in the price table");
    }
  }

  /** Remembers the VM size a billing row showed for a compute. */
  public void learn(AzureResourceId scope, String vmSize) {
    if (vmSize != null && scope.compute() != null && prices.find(vmSize).isPresent()) {
      learnt.put(scope.label().toLowerCase(Locale.ROOT), vmSize);
    }
  }

  /**
   * Uses a reconciliation's ratio of billed to estimated cost to correct later estimates of that workspace. The
   * factor is clamped by the reconciliation rules; it lives in memory and is learnt again after a restart as bills
   * arrive.
   */
  public void correct(io.costwatch.detect.Reconciliation reconciliation) {
    if (reconciliation.comparable()) {
      corrections.put(reconciliation.workspace().workspaceId(), reconciliation.correctionFactor());
    }
  }

  public NodePrice priceOf(AzureResourceId scope) {
    NodePrice list = listPriceOf(scope);
    java.math.BigDecimal factor = corrections.get(scope.workspaceId());
    if (factor == null || factor.compareTo(java.math.BigDecimal.ONE) == 0) {
      return list;
    }
    return new NodePrice(list.vmSize(), list.hourly().times(factor).rounded4(), list.basis() + ", x"
        + factor.stripTrailingZeros().toPlainString() + " from billing reconciliation");
  }

  /** The list price of a scope's node, without the reconciliation correction. */
  public NodePrice listPriceOf(AzureResourceId scope) {
    String key = scope.label().toLowerCase(Locale.ROOT);
    Optional<VmPrice> known = Optional.ofNullable(configured.get(key)).flatMap(prices::find);
    if (known.isPresent()) {
      return new NodePrice(known.get().vmSize(), known.get().hourly(), "configured");
    }
    known = Optional.ofNullable(learnt.get(key)).flatMap(prices::find);
    if (known.isPresent()) {
      return new NodePrice(known.get().vmSize(), known.get().hourly(), "billing AdditionalInfo.ServiceType");
    }
    VmPrice fallback = prices.find(defaultSize).orElseThrow();
    return new NodePrice(fallback.vmSize(), fallback.hourly(), "assumed default (COSTWATCH_DEFAULT_VM_SIZE)");
  }

  public PriceBook prices() {
    return prices;
  }

  private static Map<String, String> lowerKeys(Map<String, String> map) {
    Map<String, String> out = new ConcurrentHashMap<>();
    map.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }
}
