package io.costwatch.detect.spend;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.detect.spend.StorageMeters.Measure;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Spikes of one storage or network driver inside a workspace: a resource's data transfer out ({@code EGRESS_SPIKE})
 * or a storage account's Hot-tier capacity ({@code STORAGE_GROWTH}) far above its own baseline. Each driver's daily
 * series goes through the spend rule's assessment ({@link SpendSpikeDetector#assess}: the seasonal, trend-following
 * median baseline and the $ floor, percentage and robust-z gates) with its own {@link StorageRules}; a capacity that
 * grows steadily moves the trend, so only a step above it counts as growth.
 */
public final class StorageSpikeDetector {

  /**
   * One driver evaluated on one day: a finding, or none (the driver's clear, so an open episode can resolve).
   *
   * @param scope the workspace with the driver's resource ({@link AzureResourceId#withResource})
   * @param finding the finding, or null
   */
  public record Verdict(FindingType type, AzureResourceId scope, Finding finding) {
  }

  private final SpendSpikeDetector egress;
  private final SpendSpikeDetector growth;
  private final StorageRules rules;

  public StorageSpikeDetector(StorageRules rules) {
    this.rules = rules;
    this.egress = new SpendSpikeDetector(rules.egress());
    this.growth = new SpendSpikeDetector(rules.storageGrowth());
  }

  /**
   * @param series a workspace's storage measures ({@code SpendHistory#storageSeries}); every resource with egress or
   *     Hot-tier capacity in it gets a verdict of each kind it has
   */
  public List<Verdict> evaluate(AzureResourceId workspace, String currency,
      Map<String, NavigableMap<LocalDate, BigDecimal>> series, LocalDate day) {
    List<Verdict> out = new ArrayList<>();
    StorageMeters.byResource(series, Measure.EGRESS_COST).forEach((resource, daily) -> out.add(verdict(
        FindingType.EGRESS_SPIKE, egress, rules.egress(), workspace.withResource(resource), currency, daily,
        series, day)));
    StorageMeters.byResource(series, Measure.HOT_STORED_COST).forEach((resource, daily) -> out.add(verdict(
        FindingType.STORAGE_GROWTH, growth, rules.storageGrowth(), workspace.withResource(resource), currency, daily,
        series, day)));
    return out;
  }

  private static Verdict verdict(FindingType type, SpendSpikeDetector detector, SpendRules rules,
      AzureResourceId scope, String currency, NavigableMap<LocalDate, BigDecimal> daily,
      Map<String, NavigableMap<LocalDate, BigDecimal>> series, LocalDate day) {
    SpendAssessment a = detector.assess(daily, day);
    if (!a.spike()) {
      return new Verdict(type, scope, null);
    }
    boolean egress = type == FindingType.EGRESS_SPIKE;
    Measure costMeasure = egress ? Measure.EGRESS_COST : Measure.HOT_STORED_COST;
    List<Driver> meters = meters(StorageMeters.byMeter(series, costMeasure, scope.resourceId()), day,
        rules.lookbackDays());
    String spendKey = egress ? "egressSpend" : "hotStoredSpend";
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put(spendKey, dec(a.actual()));
    if (egress) {
      observed.put("egressGb", quantity(series, Measure.EGRESS_GB, scope.resourceId(), day, BigDecimal.ONE));
    } else {
      // a daily capacity row carries the day's share of a GB-month: x days in the month gives the GB stored
      observed.put("hotGbStored", quantity(series, Measure.HOT_STORED_GB_MONTH, scope.resourceId(), day,
          BigDecimal.valueOf(day.lengthOfMonth())));
    }
    observed.put("historyDays", BigDecimal.valueOf(a.historyPoints()));
    if (Double.isFinite(a.percent())) {
      observed.put("percentAboveBaseline", dec(a.percent()));
    }
    if (Double.isFinite(a.robustZ())) {
      observed.put("robustZ", dec(a.robustZ()));
    }
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("minDelta", rules.minDelta());
    thresholds.put("minPercent", dec(rules.minPercent()));
    thresholds.put("robustZ", dec(rules.robustZ()));
    Map<String, BigDecimal> expected = new LinkedHashMap<>();
    expected.put(spendKey, dec(a.expected()));
    expected.put("trendPerDay", dec(a.slope()));
    Money excess = new Money(BigDecimal.valueOf(a.delta()), currency).rounded();
    String rule = SpendSpikeDetector.rule(a, egress ? "egress-spike" : "storage-growth", "-weekday-median");
    String what = egress ? "data transfer out (Bandwidth)" : "Hot-tier data stored";
    String meterText = meters.isEmpty() ? "" : "; meters: " + String.join(", ", meters.stream()
        .map(m -> m.name() + " +" + m.delta().toPlainString()).toList());
    String summary = String.format(Locale.ROOT, "%s: %s of %s on %s cost %s %s against a %s baseline of %s %s "
            + "(+%s %s%s)%s.", scope.label(), what, scope.resourceId(), day, money(a.actual()), currency,
        SpendSpikeDetector.baseline(a, "same-weekday", "recent-days"), money(a.expected()), currency, money(a.delta()), currency,
        Double.isFinite(a.percent()) ? ", +" + dec(a.percent()).toPlainString() + "%" : ", from zero", meterText);
    Finding finding = new Finding(type, rules.dailyTiers().of(excess.amount()), scope,
        day.atStartOfDay(ZoneOffset.UTC).toInstant(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), rule,
        thresholds, observed, expected, null, excess, "P1D", null, summary, 0, null, null, meters);
    return new Verdict(type, scope, finding);
  }

  /** The resource's meters that rose on the day, largest $ delta first: which Bandwidth or capacity meter it was. */
  private static List<Driver> meters(Map<String, NavigableMap<LocalDate, BigDecimal>> byMeter, LocalDate day,
      int lookbackDays) {
    List<Driver> rising = new ArrayList<>();
    byMeter.forEach((meter, daily) -> {
      Driver d = SpendDrivers.driver(DriverKind.METER, meter, daily, day, lookbackDays);
      if (d.delta().signum() > 0) {
        rising.add(d);
      }
    });
    rising.sort(Comparator.comparing(Driver::delta).reversed().thenComparing(Driver::name));
    return rising;
  }

  private static BigDecimal quantity(Map<String, NavigableMap<LocalDate, BigDecimal>> series, Measure measure,
      String resource, LocalDate day, BigDecimal factor) {
    BigDecimal sum = StorageMeters.byResource(series, measure).getOrDefault(resource, new TreeMap<>())
        .getOrDefault(day, BigDecimal.ZERO);
    return sum.multiply(factor).setScale(2, RoundingMode.HALF_UP);
  }

  private static BigDecimal dec(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
  }

  private static String money(double amount) {
    return BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
