package io.costwatch.ingest.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real public exports copied under {@code src/test/resources/billing} (sources in {@code SOURCES.md}): Microsoft's
 * FinOps toolkit EA test assets (MIT) and the FOCUS sample data (CC BY 4.0).
 */
class BillingRealExportsTest {

  private final BillingRowParser parser = new BillingRowParser();

  private List<ParseResult<CostRecord>> parseAll(String resource) {
    return BillingFixtures.readAll(BillingFixtures.resource(resource)).stream().map(parser::parse).toList();
  }

  private static List<CostRecord> records(List<ParseResult<CostRecord>> results) {
    return results.stream().map(BillingFixtures::parsed).toList();
  }

  private static Map<Long, CostRecord> byLine(List<CostRecord> records) {
    return records.stream().collect(Collectors.toMap(r -> r.source().position(), Function.identity(), (a, b) -> a,
        TreeMap::new));
  }

  @Test
  void eaActualSampleParsesCompletely() {
    List<CostRecord> records = records(parseAll("billing/finops-toolkit-ea/EA_ActualCost_Small.csv"));

    assertEquals(11, records.size());
    assertEquals(List.of(CostBasis.ACTUAL), records.stream().map(CostRecord::basis).distinct().toList());
    CostRecord purchase = byLine(records).get(2L);
    assertEquals(ChargeKind.PURCHASE, purchase.chargeKind());
    assertEquals(new BigDecimal("3.25"), purchase.cost());
    assertEquals("8611537|ACTUAL|2023-09", purchase.exportScope());
    assertEquals(Instant.parse("2023-09-21T00:00:00Z"), purchase.periodStart());
    assertEquals("Standard_D2s_v3", byLine(records).get(5L).vmSize());
    assertNull(byLine(records).get(12L).vmSize(), "ServiceType SQLThreatDetection is no VM size");
    assertEquals(records.size(), records.stream().map(CostRecord::lineItemId).distinct().count());
  }

  @Test
  void eaAmortizedSampleParsesCompletelyAndFindsItsAzureMlRows() {
    List<CostRecord> records = records(parseAll("billing/finops-toolkit-ea/EA_AmortizedCost_Small.csv"));

    assertEquals(28, records.size());
    assertEquals(List.of(CostBasis.AMORTIZED), records.stream().map(CostRecord::basis).distinct().toList());
    Map<Long, String> mlRows = records.stream().filter(CostRecord::isAzureMl).collect(Collectors.toMap(
        r -> r.source().position(), r -> r.workspace().workspaceName() + "/" + r.meterCategory(), (a, b) -> a,
        TreeMap::new));
    assertEquals(Map.of(
        4L, "zmltestplayground/Storage",
        10L, "zmltestplayground/Virtual Network",
        13L, "zmltestplayground/Bandwidth",
        15L, "zmltestplayground/Bandwidth",
        16L, "zfinopswkspace/Load Balancer"), mlRows);
    CostRecord line16 = byLine(records).get(16L);
    assertEquals("Provisioner.Batch", line16.tags().get("AMLResourceType"));
    assertEquals(new BigDecimal("0.0000000072922557592391990000"), byLine(records).get(13L).cost());
    assertEquals(records.size(), records.stream().map(CostRecord::lineItemId).distinct().count());
  }

  @Test
  void eaExportWithNoRowsYieldsNothing() {
    assertEquals(List.of(), BillingFixtures.readAll(BillingFixtures.resource("billing/finops-toolkit-ea/EA_NoRows.csv")));
  }

  /**
   * What the FOCUS sample really holds: every row is structurally valid and parses. Its quirks do not touch the
   * columns Costwatch reads: {@code NULL} literals (line 458 has {@code ConsumedQuantity=NULL}, so no quantity), space
   * separated date-times without zone, and in Microsoft rows an {@code AvailabilityZone} column shifted to hold the
   * list unit price.
   */
  @Test
  void focusSampleParsesEveryRowWithItsQuirks() {
    List<ParseResult<CostRecord>> results = parseAll("billing/focus-sample/focus_sample.csv");
    List<CostRecord> records = records(results);
    Map<Long, CostRecord> lines = byLine(records);

    assertEquals(1000, records.size());
    assertNull(lines.get(458L).quantity());
    assertEquals(Map.of(ChargeKind.USAGE, 997L, ChargeKind.ADJUSTMENT, 2L, ChargeKind.CREDIT, 1L),
        records.stream().collect(Collectors.groupingBy(CostRecord::chargeKind, Collectors.counting())));
    assertEquals(13, records.stream().filter(r -> r.cost().signum() < 0).count());
    assertEquals(1000, records.stream().map(CostRecord::lineItemId).distinct().count());
    CostRecord shifted = lines.get(956L);
    assertEquals(new BigDecimal("-0.01288992000"), shifted.cost());
    assertEquals(new BigDecimal("-0.001389000000000"), shifted.quantity());
    assertEquals(Instant.parse("2024-09-19T00:00:00Z"), shifted.periodStart());
    assertEquals(Instant.parse("2024-09-20T00:00:00Z"), shifted.periodEnd());
    assertEquals("/providers/microsoft.billing/billingaccounts/8611537|ACTUAL|2024-09", shifted.exportScope());
  }

  @Test
  void focusSampleAzureMlRowsGetTheirWorkspace() {
    List<CostRecord> ml = records(parseAll("billing/focus-sample/focus_sample.csv")).stream()
        .filter(CostRecord::isAzureMl).toList();

    assertEquals(List.of(956L, 963L, 965L, 969L, 970L, 975L, 979L, 995L, 1000L),
        ml.stream().map(r -> r.source().position()).toList());
    assertEquals(List.of("zmltestplayground"), ml.stream().map(r -> r.workspace().workspaceName()).distinct().toList());
    assertEquals(List.of("Azure Machine Learning"), ml.stream().map(CostRecord::serviceName).distinct().toList());
    assertEquals("Compute Instance", ml.get(0).tags().get("ComputeType"));
  }

  @Test
  void sameFileReadTwiceGivesTheSameIds() {
    List<RawBillingRow> first = BillingFixtures.readAll(BillingFixtures.resource("billing/focus-sample/focus_sample.csv"));
    List<RawBillingRow> second = BillingFixtures.readAll(BillingFixtures.resource("billing/focus-sample/focus_sample.csv"));

    assertEquals(records(first.stream().map(parser::parse).toList()).stream().map(CostRecord::lineItemId).toList(),
        records(second.stream().map(new BillingRowParser()::parse).toList()).stream().map(CostRecord::lineItemId)
            .toList());
  }
}
