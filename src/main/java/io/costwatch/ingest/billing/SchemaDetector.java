package io.costwatch.ingest.billing;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Tells the export flavour from a header set, case-insensitively, and caches the answer per header set: the parser
 * is called once per row, but an export has one header. The cache is bounded because header sets come from files;
 * a pathological stream of distinct headers only costs re-detection.
 */
final class SchemaDetector {

  private static final int MAX_CACHED = 256;

  private final Map<List<String>, Optional<ColumnMap>> cache = new ConcurrentHashMap<>();

  Optional<ColumnMap> detect(Collection<String> headerNames) {
    List<String> key = List.copyOf(headerNames);
    Optional<ColumnMap> hit = cache.get(key);
    if (hit != null) {
      return hit;
    }
    Optional<ColumnMap> detected = flavour(key).map(schema -> ColumnMap.resolve(schema, key));
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, detected);
    return detected;
  }

  /**
   * FOCUS has {@code BilledCost} and {@code ChargePeriodStart}; pay-as-you-go has {@code PreTaxCost} and
   * {@code UsageDateTime}; MCA is the only legacy flavour with a pricing currency; EA is what remains of the legacy
   * actual/amortized layout (meters plus a cost column).
   */
  static Optional<ExportSchema> flavour(Collection<String> headerNames) {
    Set<String> h = headerNames.stream().map(ColumnMap::lower).collect(Collectors.toSet());
    if (h.contains("billedcost") && h.contains("chargeperiodstart")) {
      return Optional.of(ExportSchema.FOCUS);
    }
    if (h.contains("pretaxcost") && h.contains("usagedatetime")) {
      return Optional.of(ExportSchema.PAYG);
    }
    boolean legacyCost = h.contains("costinbillingcurrency") || h.contains("cost");
    boolean meters = h.contains("metercategory") || h.contains("meterid");
    if (!legacyCost || !meters) {
      return Optional.empty();
    }
    if (h.contains("costinpricingcurrency") || h.contains("pricingcurrency")
        || h.contains("exchangeratepricingtobilling")) {
      return Optional.of(ExportSchema.MCA);
    }
    return Optional.of(ExportSchema.EA);
  }
}
