package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.ScopeKind;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.recommend.BlobLifecycleAdvisor;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.testing.Fixtures;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage and network rows of a workspace's EA export through the real topology: an egress burst and a step in
 * Hot-tier capacity are alerts of their own drivers, while the workspace's total (dominated by GPU compute) stays
 * inside its spend rule; Hot data that is rarely read gets a lifecycle-policy recommendation.
 *
 * <p>Until storage accounts can be linked to a workspace, the storage rows' ResourceId lies under the workspace
 * (a datastore path), which is what attributes them to it; the egress rows are billed to the GPU cluster.
 */
class StorageSpendTopologyTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 10, 1);
  private static final int DAYS = 21;
  private static final int BURST = 14;
  private static final int GROWTH = 17;
  private static final String WS = Fixtures.workspaceId("ws-a").toLowerCase(Locale.ROOT);
  private static final String CLUSTER = WS + "/computes/gpu1";
  private static final String STORE = WS + "/datastores/workspaceblobstore";

  @TempDir
  Path stateDir;

  @TempDir
  Path configDir;

  private TopologyHarness harness;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, RecommendationEvent> recommendations;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private void start(AppConfig config) {
    harness = new TopologyHarness(config, stateDir);
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    recommendations = harness.output(Topics.RECOMMENDATIONS);
    deadLetters = harness.output(Topics.DEAD_LETTERS);
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void egressBurstAndHotGrowthAreDriverAlertsAndColdHotDataGetsALifecyclePolicy() {
    // Given 21 days of a workspace: 1000 USD of GPU a day, 500 GB out of the cluster a day (15,500 GB on day 14),
    // 20,000 GB in Hot LRS (40,000 GB from day 17) read 5,000 times a day
    start(Fixtures.config());
    pipeDays();

    // When the export ends
    billing.pipeInput(FlushMarker.KEY, null, Instant.parse("2026-11-30T00:00:00Z"));

    // Then
    List<AlertEvent> out = alerts.readValuesToList();
    assertTrue(out.stream().noneMatch(a -> a.type().equals("SPEND_SPIKE")),
        "+300 on a 1000-a-day workspace is under the spend rule's 50 %: " + out);

    List<AlertEvent> egress = ofType(out, "EGRESS_SPIKE");
    assertEquals(List.of("OPEN", "RESOLVED"), egress.stream().map(a -> a.status().name()).toList(), egress::toString);
    AlertEvent burst = egress.get(0);
    assertEquals(CLUSTER, burst.resourceId());
    assertEquals(WS, burst.workspaceId());
    assertEquals(ScopeKind.RESOURCE, burst.scope());
    assertEquals(day(BURST), burst.windowStart());
    assertEquals(new BigDecimal("300.00"), burst.impact().amount(), "310 against a baseline of 10");
    assertEquals("USD", burst.impact().currency());
    assertEquals(new BigDecimal("10.00"), burst.expected().get("egressSpend"));
    assertEquals("Intra Continent Data Transfer Out", burst.drivers().get(0).name());
    assertTrue(burst.summary().contains(CLUSTER) && burst.summary().contains("+300.00 USD"), burst.summary());
    assertTrue(burst.trace().rule().startsWith("egress-spike"), burst.trace().rule());
    assertEquals(new BigDecimal("20"), burst.trace().thresholds().get("minDelta"));

    List<AlertEvent> growth = ofType(out, "STORAGE_GROWTH");
    assertEquals("OPEN", growth.get(0).status().name(), growth::toString);
    assertEquals(STORE, growth.get(0).resourceId());
    assertEquals(day(GROWTH), growth.get(0).windowStart());
    assertEquals(new BigDecimal("11.61"), growth.get(0).impact().amount(), "20,000 GB more at 0.018 a month / 31");

    List<AlertEvent> cold = ofType(out, "COLD_DATA_IN_HOT_TIER");
    assertEquals("OPEN", cold.get(0).status().name(), cold::toString);
    assertEquals(STORE, cold.get(0).resourceId());
    assertEquals(day(6), cold.get(0).windowStart(), "the first day with 7 days of capacity rows");

    List<RecommendationEvent> recs = recommendations.readValuesToList().stream()
        .filter(r -> r.action().equals(BlobLifecycleAdvisor.ACTION)).toList();
    assertEquals(cold.get(0).alertId(), recs.get(0).alertId());
    assertEquals(STORE, recs.get(0).resourceId());
    // 20,000 GB x (0.018 - 0.01) = 160, minus 152,083 reads a month x (0.01 - 0.0044) / 10K and their
    // 594.08 GB (x 4 MB) x 0.01 of retrieval = 6.03: 153.97 a month (730 h), seen for the whole of the one day
    // observed, so 153.97 / 730 x 720 over P30D
    assertEquals(new BigDecimal("151.86"), recs.get(0).estimatedMonthlySavings().amount());
    assertEquals("P30D", recs.get(0).savingsEstimate().horizon());
    assertTrue(recs.get(0).setting().contains("tierToCool"), recs.get(0).setting());
    assertTrue(recs.get(0).assumption().contains("list prices"), recs.get(0).assumption());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void theStorageRulesAndTierPricesComeFromTheConfiguration() throws IOException {
    // Given an egress floor above the burst's +300 and a price table with Cool at 0.012 instead of 0.01
    Path prices = Files.writeString(configDir.resolve("storage-prices.csv"), """
        tier,gbMonth,readPer10k,writePer10k,retrievalPerGb,minDays,currency,region,redundancy,source,asOf
        Hot,0.018,0.0044,0.055,0,0,USD,eastus,LRS,test,2026-12-01
        Cool,0.012,0.01,0.10,0.01,30,USD,eastus,LRS,test,2026-12-01
        Archive,0.00099,5.50,0.11,0.022,180,USD,eastus,LRS,test,2026-12-01
        """);
    start(ConfigLoader.load(Map.of("COSTWATCH_COMPUTE_SKUS", "ws-a/gpu1=Standard_NC24ads_A100_v4",
        "COSTWATCH_EGRESS_MIN_DELTA", "500", "COSTWATCH_STORAGE_PRICES_FILE", prices.toString())));
    pipeDays();

    // When the export ends
    billing.pipeInput(FlushMarker.KEY, null, Instant.parse("2026-11-30T00:00:00Z"));

    // Then
    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(List.of(), ofType(out, "EGRESS_SPIKE"), "+300 is under COSTWATCH_EGRESS_MIN_DELTA=500");
    assertEquals("OPEN", ofType(out, "STORAGE_GROWTH").get(0).status().name(), out::toString);
    List<RecommendationEvent> recs = recommendations.readValuesToList().stream()
        .filter(r -> r.action().equals(BlobLifecycleAdvisor.ACTION)).toList();
    // 20,000 GB x (0.018 - 0.012) = 120, minus the same 6.03 of reads and retrieval: 113.97 / 730 x 720 over P30D
    assertEquals(new BigDecimal("112.41"), recs.get(0).estimatedMonthlySavings().amount());
    assertTrue(recs.get(0).assumption().contains("test"), recs.get(0).assumption());
    assertTrue(deadLetters.isEmpty());
  }

  private void pipeDays() {
    long line = 2;
    for (int d = 0; d < DAYS; d++) {
      LocalDate date = FIRST.plusDays(d);
      billing.pipeInput("c" + d, Fixtures.eaRow("export.csv", line++, "ws-a", "gpu1", date, "1000.00", "Usage",
          "m-gpu"));
      BigDecimal gbOut = BigDecimal.valueOf(d == BURST ? 15_500 : 500);
      billing.pipeInput("e" + d, meterRow(line++, date, CLUSTER, "m-bw", "Bandwidth", "Inter-Region",
          "Intra Continent Data Transfer Out", "1 GB", gbOut, gbOut.multiply(new BigDecimal("0.02"))));
      BigDecimal gbMonths = BigDecimal.valueOf(d >= GROWTH ? 40_000 : 20_000)
          .divide(BigDecimal.valueOf(date.lengthOfMonth()), 6, java.math.RoundingMode.HALF_UP);
      billing.pipeInput("s" + d, meterRow(line++, date, STORE, "m-hot", "Storage", "Tiered Block Blob",
          "Hot LRS Data Stored", "1 GB/Month", gbMonths, gbMonths.multiply(new BigDecimal("0.018"))));
      billing.pipeInput("r" + d, meterRow(line++, date, STORE, "m-read", "Storage", "Tiered Block Blob",
          "Hot Read Operations", "10K", new BigDecimal("0.5"), new BigDecimal("0.0022")));
    }
  }

  /** An EA row of another meter, built from {@link Fixtures#eaRow} with the meter columns replaced. */
  private static RawBillingRow meterRow(long line, LocalDate date, String resourceId, String meterId,
      String category, String subCategory, String meter, String unit, BigDecimal quantity, BigDecimal cost) {
    RawBillingRow base = Fixtures.eaRow("export.csv", line, "ws-a", null, date, cost.toPlainString(), "Usage",
        meterId);
    Map<String, String> row = new LinkedHashMap<>(base.columns());
    row.put("MeterCategory", category);
    row.put("MeterSubCategory", subCategory);
    row.put("MeterName", meter);
    row.put("UnitOfMeasure", unit);
    row.put("Quantity", quantity.toPlainString());
    row.put("ResourceId", resourceId);
    row.put("ConsumedService", category.equals("Storage") ? "Microsoft.Storage" : "Microsoft.MachineLearningServices");
    row.put("AdditionalInfo", "");
    return new RawBillingRow(base.schemaVersion(), base.file(), base.line(), base.exportRun(), row, null);
  }

  private static List<AlertEvent> ofType(List<AlertEvent> alerts, String type) {
    return alerts.stream().filter(a -> a.type().equals(type)).toList();
  }

  private static Instant day(int index) {
    return FIRST.plusDays(index).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
  }
}
