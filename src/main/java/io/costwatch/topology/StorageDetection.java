package io.costwatch.topology;

import io.costwatch.config.AppConfig;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.spend.StorageRules;
import io.costwatch.detect.spend.StorageSpikeDetector;
import io.costwatch.recommend.BlobLifecycleAdvisor;
import io.costwatch.recommend.BlobTierPrices;
import io.costwatch.usage.SpendHistory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage and network rules of one workspace's final day, as lifecycle inputs: for every resource with egress
 * or Hot-tier capacity in the history, an {@code EGRESS_SPIKE} / {@code STORAGE_GROWTH} finding or clear, and for
 * every storage account with Hot capacity a {@code COLD_DATA_IN_HOT_TIER} finding (with its lifecycle-policy
 * recommendation) or clear. A clear of a fingerprint that never fired is silent in the lifecycle, so no state of
 * which drivers were "tracked" is needed: every driver still in the history is evaluated every day.
 */
final class StorageDetection {

  private final StorageSpikeDetector spikes;
  private final BlobLifecycleAdvisor coldData;

  StorageDetection(StorageRules rules, BlobTierPrices prices) {
    this.spikes = new StorageSpikeDetector(rules);
    this.coldData = new BlobLifecycleAdvisor(rules.coldData(), prices);
  }

  /** The configured rules and Blob tier prices ({@code COSTWATCH_STORAGE_PRICES_FILE}, else the shipped table). */
  static StorageDetection of(AppConfig config) {
    return new StorageDetection(config.rules().storage(),
        BlobTierPrices.fromFileOrShipped(config.storagePricesFile()));
  }

  List<LifecycleInput> evaluate(SpendHistory history, LocalDate day) {
    var series = history.storageSeries();
    if (series.isEmpty()) {
      return List.of();
    }
    Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<LifecycleInput> out = new ArrayList<>();
    for (StorageSpikeDetector.Verdict v : spikes.evaluate(history.workspace(), history.currency(), series, day)) {
      out.add(v.finding() != null ? LifecycleInput.finding(v.finding(), List.of())
          : LifecycleInput.clear(v.type().name(), v.scope(), history.currency(), end));
    }
    for (BlobLifecycleAdvisor.Advice a : coldData.evaluate(history.workspace(), history.currency(), series, day)) {
      out.add(a.finding() != null ? LifecycleInput.finding(a.finding(), a.recommendations())
          : LifecycleInput.clear(FindingType.COLD_DATA_IN_HOT_TIER.name(), a.scope(),
              history.currency(), end));
    }
    return out;
  }
}
