package io.costwatch.recommend;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.spend.StorageMeters;
import io.costwatch.detect.spend.StorageMeters.Measure;
import io.costwatch.detect.spend.StorageRules;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hot-tier data that is rarely read: a storage account billed for Hot capacity whose reads over the observation
 * window touch only a small share of what it stores gets a {@code COLD_DATA_IN_HOT_TIER} finding and an
 * {@code ADD_BLOB_LIFECYCLE_POLICY} recommendation (Cool, or Archive when reads are about nothing), priced as
 * {@code GB stored x (Hot - target price) - the extra read and retrieval cost at the target's prices}.
 *
 * <p>Billing gives capacity and operation counts, not bytes read, so the GB read per month is estimated as read
 * operations x {@code assumedMbPerRead} plus any {@code Data Retrieval} GB; the finding carries every input so the
 * estimate can be checked. The condition is a state, not an event: the finding repeats for every evaluated day
 * while it holds, and the day it stops holding is a clear.
 */
public final class BlobLifecycleAdvisor {

  public static final String ACTION = "ADD_BLOB_LIFECYCLE_POLICY";
  /** Days per month of the monthly projection: 365 / 12, the same month as the 730 h of the other estimates. */
  static final BigDecimal DAYS_PER_MONTH = new BigDecimal("30.4166667");
  private static final BigDecimal TEN_THOUSAND = BigDecimal.valueOf(10_000);
  private static final BigDecimal MB_PER_GB = BigDecimal.valueOf(1024);
  private static final BigDecimal COOL_CONFIDENCE = new BigDecimal("0.60");
  private static final BigDecimal ARCHIVE_CONFIDENCE = new BigDecimal("0.40");
  private static final MathContext MC = MathContext.DECIMAL64;

  /**
   * One storage account evaluated on one day: a finding with its recommendation, or none (a clear).
   *
   * @param finding the finding, or null
   */
  public record Advice(AzureResourceId scope, Finding finding, List<Recommendation> recommendations) {
  }

  /**
   * What the account did over the observation window, per month.
   *
   * @param avgGbStored mean over the days with Hot capacity rows of (the day's GB-month quantity x days in its month)
   * @param billedHotPerGbMonth billed Hot capacity cost / GB-months over the window, in the billing currency
   * @param readOpsPerMonth Hot read operations per day seen x 365/12
   * @param retrievalGbPerMonth Data Retrieval GB per day seen x 365/12
   * @param observedDays days with Hot capacity rows
   */
  public record Usage(BigDecimal avgGbStored, BigDecimal billedHotPerGbMonth, BigDecimal readOpsPerMonth,
      BigDecimal retrievalGbPerMonth, int observedDays) {
  }

  /**
   * The priced move of one account's Hot data to {@code target}.
   *
   * @param scale billed Hot price / list Hot price: the factor applied to every list price
   * @param readGbPerMonth read operations x assumed MB per read / 1024 + retrieval GB
   * @param storageSaving GB stored x (Hot - target) per GB-month, scaled
   * @param extraReadCost read operations and retrieval GB priced at the target minus at Hot, scaled
   * @param monthlySaving {@code storageSaving - extraReadCost}
   */
  public record Estimate(BlobTierPrices.Tier target, BigDecimal scale, BigDecimal readGbPerMonth,
      BigDecimal readFraction, BigDecimal storageSaving, BigDecimal extraReadCost, BigDecimal monthlySaving) {
  }

  private final StorageRules.ColdData rules;
  private final BlobTierPrices prices;

  public BlobLifecycleAdvisor(StorageRules.ColdData rules, BlobTierPrices prices) {
    this.rules = rules;
    this.prices = prices;
  }

  /** Every storage account with Hot capacity in the series gets an advice; accounts without it get none. */
  public List<Advice> evaluate(AzureResourceId workspace, String currency,
      Map<String, NavigableMap<LocalDate, BigDecimal>> series, LocalDate day) {
    Map<String, NavigableMap<LocalDate, BigDecimal>> stored = StorageMeters.byResource(series,
        Measure.HOT_STORED_GB_MONTH);
    Map<String, NavigableMap<LocalDate, BigDecimal>> cost = StorageMeters.byResource(series, Measure.HOT_STORED_COST);
    Map<String, NavigableMap<LocalDate, BigDecimal>> reads = StorageMeters.byResource(series, Measure.HOT_READ_OPS);
    Map<String, NavigableMap<LocalDate, BigDecimal>> retrieved = StorageMeters.byResource(series,
        Measure.RETRIEVAL_GB);
    List<Advice> out = new ArrayList<>();
    stored.forEach((resource, gbMonths) -> {
      AzureResourceId scope = workspace.withResource(resource);
      Optional<Usage> usage = usage(gbMonths, cost.getOrDefault(resource, new TreeMap<>()),
          reads.getOrDefault(resource, new TreeMap<>()), retrieved.getOrDefault(resource, new TreeMap<>()), day);
      Optional<Estimate> best = usage.flatMap(this::best);
      out.add(best.map(e -> advice(scope, currency, day, usage.get(), e))
          .orElseGet(() -> new Advice(scope, null, List.of())));
    });
    return out;
  }

  /** The window's usage, or empty when the account had no Hot capacity on {@code day} or too few days of it. */
  Optional<Usage> usage(NavigableMap<LocalDate, BigDecimal> gbMonths, NavigableMap<LocalDate, BigDecimal> cost,
      NavigableMap<LocalDate, BigDecimal> reads, NavigableMap<LocalDate, BigDecimal> retrieved, LocalDate day) {
    if (gbMonths.getOrDefault(day, BigDecimal.ZERO).signum() <= 0) {
      return Optional.empty();
    }
    LocalDate from = day.minusDays(rules.observationDays() - 1L);
    BigDecimal gbDays = BigDecimal.ZERO;
    BigDecimal quantity = BigDecimal.ZERO;
    BigDecimal billed = BigDecimal.ZERO;
    int days = 0;
    for (Map.Entry<LocalDate, BigDecimal> e : gbMonths.subMap(from, true, day, true).entrySet()) {
      if (e.getValue().signum() > 0) {
        days++;
        gbDays = gbDays.add(e.getValue().multiply(BigDecimal.valueOf(e.getKey().lengthOfMonth())));
        quantity = quantity.add(e.getValue());
        billed = billed.add(cost.getOrDefault(e.getKey(), BigDecimal.ZERO));
      }
    }
    if (days < rules.minObservedDays()) {
      return Optional.empty();
    }
    BigDecimal perDay = BigDecimal.ONE.divide(BigDecimal.valueOf(days), MC);
    BigDecimal readOps = sum(reads, from, day);
    BigDecimal retrievalGb = sum(retrieved, from, day);
    return Optional.of(new Usage(gbDays.multiply(perDay, MC), billed.divide(quantity, MC),
        readOps.multiply(perDay, MC).multiply(DAYS_PER_MONTH, MC),
        retrievalGb.multiply(perDay, MC).multiply(DAYS_PER_MONTH, MC), days));
  }

  /** The qualifying target with the larger saving, if it reaches the minimum. */
  Optional<Estimate> best(Usage usage) {
    Estimate cool = estimate(usage, prices.cool());
    double fraction = cool.readFraction().doubleValue();
    Estimate pick = null;
    if (fraction <= rules.coolMaxReadFraction()) {
      pick = cool;
    }
    if (fraction <= rules.archiveMaxReadFraction()) {
      Estimate archive = estimate(usage, prices.archive());
      if (pick == null || archive.monthlySaving().compareTo(pick.monthlySaving()) > 0) {
        pick = archive;
      }
    }
    return Optional.ofNullable(pick).filter(e -> e.monthlySaving().compareTo(rules.minMonthlySavings()) >= 0);
  }

  /** The monthly saving of moving all of {@code usage}'s Hot data to {@code target} (see {@link Estimate}). */
  public Estimate estimate(Usage usage, BlobTierPrices.Tier target) {
    BlobTierPrices.Tier hot = prices.hot();
    BigDecimal scale = hot.gbMonth().signum() > 0 && usage.billedHotPerGbMonth().signum() > 0
        ? usage.billedHotPerGbMonth().divide(hot.gbMonth(), MC) : BigDecimal.ONE;
    BigDecimal readGb = usage.readOpsPerMonth().multiply(rules.assumedMbPerRead(), MC).divide(MB_PER_GB, MC)
        .add(usage.retrievalGbPerMonth());
    BigDecimal fraction = usage.avgGbStored().signum() == 0 ? BigDecimal.ZERO
        : readGb.divide(usage.avgGbStored(), MC);
    BigDecimal storage = usage.avgGbStored().multiply(hot.gbMonth().subtract(target.gbMonth())).multiply(scale, MC);
    BigDecimal extraReads = usage.readOpsPerMonth().divide(TEN_THOUSAND, MC)
        .multiply(target.readPer10k().subtract(hot.readPer10k()))
        .add(readGb.multiply(target.retrievalPerGb().subtract(hot.retrievalPerGb())))
        .multiply(scale, MC);
    return new Estimate(target, scale, readGb, fraction, storage, extraReads, storage.subtract(extraReads));
  }

  private Advice advice(AzureResourceId scope, String currency, LocalDate day, Usage u, Estimate e) {
    boolean archive = e.target() == prices.archive();
    Money monthly = new Money(e.monthlySaving(), currency).rounded();
    Money daily = new Money(e.monthlySaving().divide(DAYS_PER_MONTH, MC), currency).rounded();
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("coolMaxReadFraction", BigDecimal.valueOf(rules.coolMaxReadFraction()));
    thresholds.put("archiveMaxReadFraction", BigDecimal.valueOf(rules.archiveMaxReadFraction()));
    thresholds.put("assumedMbPerRead", rules.assumedMbPerRead());
    thresholds.put("minMonthlySavings", rules.minMonthlySavings());
    thresholds.put("minObservedDays", BigDecimal.valueOf(rules.minObservedDays()));
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("hotGbStoredAvg", r2(u.avgGbStored()));
    observed.put("hotReadOpsPerMonth", r2(u.readOpsPerMonth()));
    observed.put("retrievalGbPerMonth", r2(u.retrievalGbPerMonth()));
    observed.put("readGbPerMonthEstimate", r2(e.readGbPerMonth()));
    observed.put("readFraction", e.readFraction().setScale(6, RoundingMode.HALF_UP));
    observed.put("billedHotPerGbMonth", e.scale().multiply(prices.hot().gbMonth()).setScale(6, RoundingMode.HALF_UP));
    observed.put("observedDays", BigDecimal.valueOf(u.observedDays()));
    Map<String, BigDecimal> expected = new LinkedHashMap<>();
    expected.put("monthlyStorageSaving", r2(e.storageSaving()));
    expected.put("monthlyExtraReadCost", r2(e.extraReadCost()));
    expected.put("monthlySaving", r2(e.monthlySaving()));
    String tier = e.target().tier();
    String summary = String.format(Locale.ROOT, "%s: %s GB in the Hot tier of %s, read about %s GB a month "
            + "(%s%% of it, %s read operations): a lifecycle policy moving it to %s would save about %s a month.",
        scope.label(), r0(u.avgGbStored()), scope.resourceId(), r0(e.readGbPerMonth()),
        e.readFraction().multiply(BigDecimal.valueOf(100)).setScale(2, RoundingMode.HALF_UP).toPlainString(),
        r0(u.readOpsPerMonth()), tier, monthly);
    Finding finding = new Finding(FindingType.COLD_DATA_IN_HOT_TIER, rules.dailyTiers().of(daily.amount()), scope,
        day.atStartOfDay(ZoneOffset.UTC).toInstant(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        archive ? "cold-data-in-hot-tier-archive" : "cold-data-in-hot-tier-cool", thresholds, observed, expected,
        tier.toUpperCase(Locale.ROOT), daily, "P1D", null, summary, 0, null, null);
    return new Advice(scope, finding, List.of(recommendation(scope, u, e, monthly, archive)));
  }

  private Recommendation recommendation(AzureResourceId scope, Usage u, Estimate e, Money monthly, boolean archive) {
    BlobTierPrices.Tier hot = prices.hot();
    BlobTierPrices.Tier target = e.target();
    String account = scope.resourceId().substring(scope.resourceId().lastIndexOf('/') + 1);
    String rationale = archive
        ? "The account's Hot data is almost never read: tier blobs to Cool after " + rules.coolAfterDays()
            + " days and to Archive after " + rules.archiveAfterDays() + " days without modification. Archived blobs "
            + "are offline (rehydration takes hours), so exclude prefixes that jobs still read."
        : "The account's Hot data is rarely read: tier blobs to Cool after " + rules.coolAfterDays()
            + " days without modification; reads stay online at a higher per-read price.";
    String actions = "\"tierToCool\":{\"daysAfterModificationGreaterThan\":" + rules.coolAfterDays() + "}"
        + (archive ? ",\"tierToArchive\":{\"daysAfterModificationGreaterThan\":" + rules.archiveAfterDays() + "}"
        : "");
    String setting = "storage account " + account + " lifecycle management policy (Microsoft.Storage/storageAccounts/"
        + "managementPolicies/default, az storage account management-policy create --account-name " + account
        + " --policy @policy.json): {\"rules\":[{\"enabled\":true,\"name\":\"costwatch-tier-rarely-read\","
        + "\"type\":\"Lifecycle\",\"definition\":{\"actions\":{\"baseBlob\":{" + actions + "}},"
        + "\"filters\":{\"blobTypes\":[\"blockBlob\"]}}}]}";
    String assumption = String.format(Locale.ROOT, "Upper bound: assumes all %s GB of Hot data (average over %d days)"
            + " is older than the policy age and moves to %s. Region-agnostic list prices (%s %s %s, %s as of %s) per"
            + " GB-month Hot %s -> %s,"
            + " reads %s -> %s per 10K, retrieval %s -> %s per GB, scaled x%s by the account's billed Hot price. "
            + "GB read per month estimated as %s read operations x %s MB + %s GB retrieved = %s GB. Storage saving %s"
            + " minus extra read cost %s per month; the one-time tier-change write operations and the %d-day early "
            + "deletion minimum are not included.",
        r0(u.avgGbStored()), u.observedDays(), target.tier(), target.region(), hot.redundancy(), target.currency(),
        target.source(), target.asOf(), hot.gbMonth().toPlainString(),
        target.gbMonth().toPlainString(), hot.readPer10k().toPlainString(), target.readPer10k().toPlainString(),
        hot.retrievalPerGb().toPlainString(), target.retrievalPerGb().toPlainString(),
        e.scale().setScale(3, RoundingMode.HALF_UP).toPlainString(), r0(u.readOpsPerMonth()),
        rules.assumedMbPerRead().toPlainString(), r2(u.retrievalGbPerMonth()).toPlainString(),
        r2(e.readGbPerMonth()).toPlainString(), r2(e.storageSaving()).toPlainString(),
        r2(e.extraReadCost()).toPlainString(), target.minDays());
    return new Recommendation(ACTION, rationale, monthly, archive ? ARCHIVE_CONFIDENCE : COOL_CONFIDENCE, setting,
        assumption);
  }

  private static BigDecimal sum(NavigableMap<LocalDate, BigDecimal> daily, LocalDate from, LocalDate to) {
    return daily.subMap(from, true, to, true).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal r2(BigDecimal v) {
    return v.setScale(2, RoundingMode.HALF_UP);
  }

  private static String r0(BigDecimal v) {
    return v.setScale(0, RoundingMode.HALF_UP).toPlainString();
  }
}
