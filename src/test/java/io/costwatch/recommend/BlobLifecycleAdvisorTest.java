package io.costwatch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.Severity;
import io.costwatch.detect.spend.StorageMeters;
import io.costwatch.detect.spend.StorageMeters.Measure;
import io.costwatch.detect.spend.StorageRules;
import io.costwatch.recommend.BlobLifecycleAdvisor.Advice;
import io.costwatch.recommend.BlobLifecycleAdvisor.Estimate;
import io.costwatch.recommend.BlobLifecycleAdvisor.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class BlobLifecycleAdvisorTest {

  private static final AzureResourceId WS = AzureResourceId.workspace(
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws-a");
  private static final String ACCOUNT = "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/"
      + "storageaccounts/mldata";
  private static final String HOT = "Hot LRS Data Stored";
  private static final LocalDate DAY = LocalDate.of(2026, 10, 28);

  private final BlobTierPrices prices = BlobTierPrices.shipped();
  private final BlobLifecycleAdvisor advisor = new BlobLifecycleAdvisor(StorageRules.ColdData.defaults(), prices);

  @Test
  void shippedPricesAreTheCsvRows() {
    assertEquals(new BigDecimal("0.018"), prices.hot().gbMonth());
    assertEquals(new BigDecimal("0.01"), prices.cool().gbMonth());
    assertEquals(new BigDecimal("0.00099"), prices.archive().gbMonth());
    assertEquals(30, prices.cool().minDays());
    assertTrue(prices.hot().source().startsWith("https://azure.microsoft.com/"), prices.hot().source());
  }

  @Test
  void coolSavingIsStorageDifferenceMinusExtraReadAndRetrievalCost() {
    // 10,000 GB at the list Hot price, 100,000 reads a month: 100,000 x 4 MB / 1024 = 390.625 GB read (3.9 %)
    Usage usage = new Usage(new BigDecimal("10000"), new BigDecimal("0.018"), new BigDecimal("100000"),
        BigDecimal.ZERO, 28);

    Estimate cool = advisor.estimate(usage, prices.cool());

    assertEquals(0, new BigDecimal("390.625").compareTo(cool.readGbPerMonth()));
    // 10,000 x (0.018 - 0.01) = 80
    assertEquals(0, new BigDecimal("80").compareTo(cool.storageSaving()));
    // 10 x (0.01 - 0.0044) + 390.625 x 0.01 = 0.056 + 3.90625
    assertEquals(0, new BigDecimal("3.96225").compareTo(cool.extraReadCost()));
    assertEquals(new BigDecimal("76.04"), cool.monthlySaving().setScale(2, RoundingMode.HALF_UP));
    assertEquals(prices.cool(), advisor.best(usage).orElseThrow().target(), "3.9 % read: Cool, not Archive");
  }

  @Test
  void unreadDataGoesToArchiveAndBilledPricesScaleTheEstimate() {
    // billed 0.0191 per GB-month (West US, or an EUR bill): every list price scales by 0.0191 / 0.018
    Usage usage = new Usage(new BigDecimal("10000"), new BigDecimal("0.0191"), BigDecimal.ZERO, BigDecimal.ZERO, 28);

    Estimate best = advisor.best(usage).orElseThrow();

    assertEquals(prices.archive(), best.target());
    // 10,000 x (0.018 - 0.00099) x 0.0191 / 0.018 = 180.4950...
    assertEquals(new BigDecimal("180.50"), best.monthlySaving().setScale(2, RoundingMode.HALF_UP));
  }

  @Test
  void frequentlyReadOrSmallAccountsGetNothing() {
    // 3,000,000 reads a month x 4 MB = 11,719 GB read of 10,000 stored
    assertTrue(advisor.best(new Usage(new BigDecimal("10000"), new BigDecimal("0.018"), new BigDecimal("3000000"),
        BigDecimal.ZERO, 28)).isEmpty());
    // 500 GB saves 4 a month at most: under the 10 floor
    assertTrue(advisor.best(new Usage(new BigDecimal("500"), new BigDecimal("0.018"), BigDecimal.ZERO,
        BigDecimal.ZERO, 28)).isEmpty());
  }

  @Test
  void evaluateAveragesDailyGbMonthRowsIntoGbStoredAndRecommendsAPolicy() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = series(new BigDecimal("10000"), 3572);

    List<Advice> advice = advisor.evaluate(WS, "USD", series, DAY);

    assertEquals(1, advice.size());
    Finding f = advice.get(0).finding();
    assertNotNull(f);
    assertEquals(FindingType.COLD_DATA_IN_HOT_TIER, f.type());
    assertEquals(ACCOUNT, f.scope().resourceId());
    assertEquals(Severity.LOW, f.severity());
    assertEquals("COOL", f.cause());
    assertEquals(new BigDecimal("10000.00"), f.observed().get("hotGbStoredAvg"));
    assertEquals(new BigDecimal("28"), f.observed().get("observedDays"));
    Recommendation r = advice.get(0).recommendations().get(0);
    assertEquals(BlobLifecycleAdvisor.ACTION, r.action());
    // 3572 reads a day x 365/12 = 108,648 a month: 80 - (10.8648 x 0.0056 + 424.41 x 0.01) = 75.70
    assertEquals(new BigDecimal("75.70"), r.monthlySavings().amount());
    assertEquals("USD", r.monthlySavings().currency());
    assertTrue(r.setting().contains("\"tierToCool\":{\"daysAfterModificationGreaterThan\":30}"), r.setting());
    assertTrue(r.setting().contains("--account-name mldata"), r.setting());
    assertTrue(r.assumption().contains("Upper bound") && r.assumption().contains("x 4 MB"), r.assumption());
    assertEquals(new BigDecimal("2.49"), f.impact().amount(), "the monthly saving per day of 365/12");
  }

  @Test
  void anAccountTooNewOrReadOftenIsAClear() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> busy = series(new BigDecimal("10000"), 500_000);
    assertNull(advisor.evaluate(WS, "USD", busy, DAY).get(0).finding());

    Map<String, NavigableMap<LocalDate, BigDecimal>> young = series(new BigDecimal("10000"), 0);
    young.values().forEach(daily -> daily.headMap(DAY.minusDays(4)).clear());
    Advice a = advisor.evaluate(WS, "USD", young, DAY).get(0);
    assertNull(a.finding(), "5 days of capacity rows are fewer than 7");
    assertEquals(ACCOUNT, a.scope().resourceId());
  }

  /** Whatever the reads, a lifecycle policy never saves more than the account's whole Hot capacity bill. */
  @Property
  void savingNeverExceedsTheHotBill(@ForAll @BigRange(min = "1", max = "1000000") BigDecimal gb,
      @ForAll @BigRange(min = "0", max = "100000000") BigDecimal reads,
      @ForAll @BigRange(min = "0.001", max = "1") @Scale(4) BigDecimal billedHot) {
    Usage usage = new Usage(gb, billedHot, reads, BigDecimal.ZERO, 28);
    for (BlobTierPrices.Tier tier : List.of(prices.cool(), prices.archive())) {
      Estimate e = advisor.estimate(usage, tier);
      assertTrue(e.monthlySaving().compareTo(gb.multiply(billedHot)) <= 0, e::toString);
    }
  }

  /** 28 days to {@link #DAY} of {@code gb} GB at the list Hot price, with {@code readsPerDay} Hot reads. */
  private static Map<String, NavigableMap<LocalDate, BigDecimal>> series(BigDecimal gb, long readsPerDay) {
    NavigableMap<LocalDate, BigDecimal> gbMonths = new TreeMap<>();
    NavigableMap<LocalDate, BigDecimal> cost = new TreeMap<>();
    NavigableMap<LocalDate, BigDecimal> reads = new TreeMap<>();
    for (LocalDate d = DAY.minusDays(27); !d.isAfter(DAY); d = d.plusDays(1)) {
      BigDecimal q = gb.divide(BigDecimal.valueOf(d.lengthOfMonth()), 10, RoundingMode.HALF_UP);
      gbMonths.put(d, q);
      cost.put(d, q.multiply(new BigDecimal("0.018")));
      if (readsPerDay > 0) {
        reads.put(d, BigDecimal.valueOf(readsPerDay));
      }
    }
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    series.put(StorageMeters.key(Measure.HOT_STORED_GB_MONTH, ACCOUNT, HOT), gbMonths);
    series.put(StorageMeters.key(Measure.HOT_STORED_COST, ACCOUNT, HOT), cost);
    series.put(StorageMeters.key(Measure.HOT_READ_OPS, ACCOUNT, "Hot Read Operations"), reads);
    return series;
  }
}
