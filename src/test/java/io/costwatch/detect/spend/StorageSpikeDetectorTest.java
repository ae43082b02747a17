package io.costwatch.detect.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.lifecycle.Fingerprint;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ScopeKind;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.spend.StorageMeters.Measure;
import io.costwatch.detect.spend.StorageSpikeDetector.Verdict;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class StorageSpikeDetectorTest {

  private static final AzureResourceId WS = AzureResourceId.workspace(
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws-a");
  private static final String A = "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/a";
  private static final String B = "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/b";
  private static final LocalDate FIRST = LocalDate.of(2026, 10, 1);
  private static final LocalDate DAY = FIRST.plusDays(20);
  private static final String OUT = "Standard Data Transfer Out";

  private final StorageSpikeDetector detector = new StorageSpikeDetector(StorageRules.defaults());

  @Test
  void anEgressBurstOfOneAccountIsItsOwnFindingWithMeterDeltaAndBaseline() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    put(series, Measure.EGRESS_COST, A, OUT, d -> d == 20 ? "310.00" : "10.00");
    put(series, Measure.EGRESS_GB, A, OUT, d -> d == 20 ? "3647" : "130");
    put(series, Measure.EGRESS_COST, B, OUT, d -> String.valueOf(40 + d % 2));

    List<Verdict> verdicts = detector.evaluate(WS, "USD", series, DAY);

    assertEquals(2, verdicts.size(), verdicts::toString);
    Finding f = verdict(verdicts, FindingType.EGRESS_SPIKE, A).finding();
    assertNotNull(f);
    assertEquals(ScopeKind.RESOURCE, f.scope().scope());
    assertEquals(A, f.scope().resourceId());
    assertEquals(WS.workspaceId(), f.scope().workspaceId());
    assertEquals(new BigDecimal("300.00"), f.impact().amount(), f.summary());
    assertEquals(new BigDecimal("10.00"), f.expected().get("egressSpend"));
    assertEquals(new BigDecimal("3647.00"), f.observed().get("egressGb"));
    assertEquals(new BigDecimal("20"), f.thresholds().get("minDelta"));
    assertTrue(f.rule().startsWith("egress-spike"), f.rule());
    assertEquals(List.of(OUT), f.drivers().stream().map(Driver::name).toList());
    assertTrue(f.summary().contains(A) && f.summary().contains("+300.00 USD"), f.summary());
    assertNull(verdict(verdicts, FindingType.EGRESS_SPIKE, B).finding(), "a steady account is a clear");
  }

  @Test
  void twoAccountsOfOneWorkspaceHaveSeparateFingerprintsAndTheClearMatchesTheFinding() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    put(series, Measure.EGRESS_COST, A, OUT, d -> d == 20 ? "300" : "10");
    put(series, Measure.EGRESS_COST, B, OUT, d -> d == 20 ? "300" : "10");

    List<Verdict> verdicts = detector.evaluate(WS, "USD", series, DAY);

    Fingerprint a = Fingerprint.of(verdict(verdicts, FindingType.EGRESS_SPIKE, A).finding());
    Fingerprint b = Fingerprint.of(verdict(verdicts, FindingType.EGRESS_SPIKE, B).finding());
    assertNotEquals(a.key(), b.key());
    assertEquals(new Fingerprint("EGRESS_SPIKE", A, "USD"), a);
    assertEquals(new Fingerprint("EGRESS_SPIKE", B, "USD"), b);
  }

  @Test
  void belowTheDollarFloorIsNoEgressSpike() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    put(series, Measure.EGRESS_COST, A, OUT, d -> d == 20 ? "18.00" : "1.00");

    assertNull(verdict(detector.evaluate(WS, "USD", series, DAY), FindingType.EGRESS_SPIKE, A).finding(),
        "+$17 is under the $20 floor however large the percentage");
  }

  @Test
  void tooLittleHistoryIsNoSpike() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    put(series, Measure.EGRESS_COST, A, OUT, d -> d < 16 ? null : d == 20 ? "500" : "10");

    assertNull(verdict(detector.evaluate(WS, "USD", series, DAY), FindingType.EGRESS_SPIKE, A).finding());
  }

  @Test
  void aStepInHotCapacityIsStorageGrowthButSteadyGrowthIsTheTrend() {
    String hot = "Hot LRS Data Stored";
    Map<String, NavigableMap<LocalDate, BigDecimal>> step = new TreeMap<>();
    // 10 TB at 0.018/GB-month is about 5.8 a day; 30 TB more on the last day
    put(step, Measure.HOT_STORED_COST, A, hot, d -> d == 20 ? "23.23" : "5.81");
    put(step, Measure.HOT_STORED_GB_MONTH, A, hot, d -> d == 20 ? "1290.32" : "322.58");
    Finding growth = verdict(detector.evaluate(WS, "USD", step, DAY), FindingType.STORAGE_GROWTH, A).finding();
    assertNotNull(growth);
    assertEquals(new BigDecimal("17.42"), growth.impact().amount());
    assertEquals(new BigDecimal("39999.92"), growth.observed().get("hotGbStored"), "1290.32 GB-months x 31 days");
    assertEquals(List.of(hot), growth.drivers().stream().map(Driver::name).toList());

    Map<String, NavigableMap<LocalDate, BigDecimal>> steady = new TreeMap<>();
    put(steady, Measure.HOT_STORED_COST, A, hot, d -> new BigDecimal("5.00").add(new BigDecimal("0.50")
        .multiply(BigDecimal.valueOf(d))).toPlainString());
    assertNull(verdict(detector.evaluate(WS, "USD", steady, DAY), FindingType.STORAGE_GROWTH, A).finding(),
        "linear growth is followed by the baseline's trend");
  }

  private static Verdict verdict(List<Verdict> verdicts, FindingType type, String resource) {
    return verdicts.stream().filter(v -> v.type() == type && v.scope().resourceId().equals(resource)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " verdict for " + resource + " in " + verdicts));
  }

  /** Days 0..20 from {@link #FIRST}; a null amount leaves the day out. */
  static void put(Map<String, NavigableMap<LocalDate, BigDecimal>> series, Measure measure, String resource,
      String meter, IntFunction<String> amount) {
    NavigableMap<LocalDate, BigDecimal> daily = new TreeMap<>();
    for (int d = 0; d <= 20; d++) {
      String a = amount.apply(d);
      if (a != null) {
        daily.put(FIRST.plusDays(d), new BigDecimal(a));
      }
    }
    series.put(StorageMeters.key(measure, resource, meter), daily);
  }
}
