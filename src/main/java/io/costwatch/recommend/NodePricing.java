package io.costwatch.recommend;

import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.NodePrice;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which VM size a scope runs on, and so what one node costs per hour: a pure, immutable function of the price table,
 * the configured sizes, and the reference data the topology joins in (a size learnt from billing, a reconciliation's
 * correction factor). Sources of the size, most trusted first: the configured map ({@code workspace/compute -> size}),
 * the size learnt from billing rows ({@code AdditionalInfo.ServiceType}, a {@link LearntVmSize} read back from
 * {@code costwatch.vm-sizes.v1}), then the configured default size, stated as an assumption in every alert priced
 * with it.
 */
public final class NodePricing {

  private final PriceBook prices;
  private final Map<String, String> configured;
  private final String defaultSize;

  public NodePricing(PriceBook prices, Map<String, String> configured, String defaultSize) {
    this.prices = prices;
    this.configured = lowerKeys(configured);
    this.defaultSize = defaultSize;
    if (prices.find(defaultSize).isEmpty()) {
      throw new IllegalArgumentException("COSTWATCH_DEFAULT_VM_SIZE=" + defaultSize + " is not in the price table");
    }
  }

  /** The key a scope's learnt VM size is kept under: its label ({@code workspace/compute}), lower case. */
  public static String sizeKey(AzureResourceId scope) {
    return scope.label().toLowerCase(Locale.ROOT);
  }

  /** The key a workspace's price correction is kept under: its workspace id, lower case. */
  public static String correctionKey(AzureResourceId scope) {
    return scope.workspaceId().toLowerCase(Locale.ROOT);
  }

  /** The VM size a billing row showed for a compute, when it is one worth remembering (a compute, a known size). */
  public Optional<LearntVmSize> learnable(AzureResourceId scope, String vmSize) {
    if (scope == null || vmSize == null || scope.compute() == null || prices.find(vmSize).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(LearntVmSize.of(sizeKey(scope), vmSize));
  }

  /**
   * The price of a scope's node: its list price, multiplied by the workspace's reconciliation correction when there
   * is one.
   *
   * @param learnt the size learnt from billing for this scope, or null
   * @param correction the workspace's correction, or null
   */
  public NodePrice priceOf(AzureResourceId scope, LearntVmSize learnt, PriceCorrection correction) {
    NodePrice list = listPriceOf(scope, learnt);
    BigDecimal factor = correction == null ? null : correction.factor();
    if (factor == null || factor.compareTo(BigDecimal.ONE) == 0) {
      return list;
    }
    return new NodePrice(list.vmSize(), list.hourly().times(factor).rounded4(), list.basis() + ", x"
        + factor.stripTrailingZeros().toPlainString() + " from billing reconciliation", list.vcpus());
  }

  /** The list price of a scope's node, without the reconciliation correction. */
  public NodePrice listPriceOf(AzureResourceId scope, LearntVmSize learnt) {
    Optional<VmPrice> known = Optional.ofNullable(configured.get(sizeKey(scope))).flatMap(prices::find);
    if (known.isPresent()) {
      return new NodePrice(known.get().vmSize(), known.get().hourly(), "configured", known.get().vcpus());
    }
    known = Optional.ofNullable(learnt).map(LearntVmSize::vmSize).flatMap(prices::find);
    if (known.isPresent()) {
      return new NodePrice(known.get().vmSize(), known.get().hourly(), "billing AdditionalInfo.ServiceType",
          known.get().vcpus());
    }
    VmPrice fallback = prices.find(defaultSize).orElseThrow();
    return new NodePrice(fallback.vmSize(), fallback.hourly(), "assumed default (COSTWATCH_DEFAULT_VM_SIZE)",
        fallback.vcpus());
  }

  public PriceBook prices() {
    return prices;
  }

  private static Map<String, String> lowerKeys(Map<String, String> map) {
    Map<String, String> out = new HashMap<>();
    map.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return Map.copyOf(out);
  }
}
