package io.costwatch.detect.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpendDriversTest {

  private static final String WS =
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws-vision";
  private static final LocalDate DAY = LocalDate.of(2025, 3, 31);

  private static CostRecord record(LocalDate day, String compute, String meterCategory, String meter, String cost,
      ChargeKind kind, Map<String, String> tags) {
    AzureResourceId workspace = AzureResourceId.workspace(WS);
    String resource = compute == null ? WS : WS + "/computes/" + compute;
    return new CostRecord(CostRecord.SCHEMA_VERSION, "id-" + day + compute + meter + cost, "scope", "EA",
        CostBasis.ACTUAL, kind, day.atStartOfDay(ZoneOffset.UTC).toInstant(),
        day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), resource,
        compute == null ? workspace : workspace.withCompute(compute), "Azure Machine Learning", meterCategory, "sub",
        meter, BigDecimal.ONE, "1 Hour", new BigDecimal(cost), "USD", null, tags, SourceRef.line("export.csv", 2));
  }

  private static CostRecord usage(LocalDate day, String compute, String meter, String cost) {
    return record(day, compute, "Virtual Machines", meter, cost, ChargeKind.USAGE, Map.of());
  }

  @Test
  void keysOfARecordNameEveryDimension() {
    CostRecord r = record(DAY, "gpu-cluster", "Virtual Machines", "NC24ads A100 v4", "10", ChargeKind.USAGE,
        Map.of("AzureMLEndpoint", "fraud", "azuremldeployment", "blue", "team", "vision"));

    Set<String> keys = SpendDrivers.keysOf(r);

    assertEquals(Set.of("COMPUTE:gpu-cluster", "METER_CATEGORY:Virtual Machines", "METER:NC24ads A100 v4",
        "RESOURCE:" + WS + "/computes/gpu-cluster", "TAG:azuremlendpoint=fraud", "TAG:azuremldeployment=blue"), keys);
  }

  @Test
  void aWorkspaceLevelRecordHasNoComputeDriver() {
    Set<String> keys = SpendDrivers.keysOf(usage(DAY, null, "Storage", "3"));

    assertTrue(keys.stream().noneMatch(k -> k.startsWith("COMPUTE:")), keys::toString);
  }

  @Test
  void driversAreRankedByDollarDeltaAndCappedAtTen() {
    List<CostRecord> records = new ArrayList<>();
    for (int back = 1; back <= 28; back++) {
      for (int c = 0; c < 15; c++) {
        records.add(usage(DAY.minusDays(back), "c" + c, "m" + c, "10"));
      }
    }
    for (int c = 0; c < 15; c++) {
      records.add(usage(DAY, "c" + c, "m" + c, String.valueOf(10 + 5 * c)));
    }

    List<Driver> top = SpendDrivers.top(SpendDrivers.series(records), DAY, 28);

    assertEquals(SpendDrivers.DEFAULT_LIMIT, top.size());
    for (int i = 1; i < top.size(); i++) {
      assertTrue(top.get(i - 1).delta().compareTo(top.get(i).delta()) >= 0, top::toString);
    }
    assertEquals("METER_CATEGORY", top.get(0).kind().name());
    assertEquals(0, top.get(0).delta().compareTo(new BigDecimal("525.00")));
    assertEquals(0, top.get(1).delta().compareTo(new BigDecimal("70.00")));
  }

  /** Per kind: the drivers' actual spend adds up to the day's usage, and their deltas to the change of the total. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void driversOfOneKindAddUpToTheDay(DriverKind kind) {
    List<CostRecord> records = new ArrayList<>();
    for (int back = 1; back <= 28; back++) {
      records.add(usage(DAY.minusDays(back), "cpu", "D4 v3", "20"));
      records.add(usage(DAY.minusDays(back), "gpu", "NC24", "100"));
    }
    records.add(usage(DAY, "cpu", "D4 v3", "25"));
    records.add(usage(DAY, "gpu", "NC24", "700"));
    records.add(usage(DAY, "new-endpoint", "NC6", "90"));
    records.add(record(DAY, "gpu", "Reservations", "NC24 RI", "9000", ChargeKind.PURCHASE, Map.of()));

    List<Driver> ofKind = SpendDrivers.top(SpendDrivers.series(records), DAY, 28, 100).stream()
        .filter(d -> d.kind() == kind).toList();

    BigDecimal actual = ofKind.stream().map(Driver::actual).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal delta = ofKind.stream().map(Driver::delta).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(0, actual.compareTo(new BigDecimal("815")), () -> kind + " " + ofKind);
    assertEquals(0, delta.compareTo(new BigDecimal("695")), () -> kind + " " + ofKind);
  }

  static Stream<Arguments> kinds() {
    return Stream.of(Arguments.of(DriverKind.COMPUTE), Arguments.of(DriverKind.METER),
        Arguments.of(DriverKind.RESOURCE));
  }

  @Test
  void aNewDriverHasAZeroBaselineAndFallingDriversAreLeftOut() {
    NavigableMap<LocalDate, BigDecimal> steady = new TreeMap<>();
    NavigableMap<LocalDate, BigDecimal> falling = new TreeMap<>();
    for (int back = 1; back <= 28; back++) {
      steady.put(DAY.minusDays(back), BigDecimal.TEN);
      falling.put(DAY.minusDays(back), BigDecimal.valueOf(50));
    }
    steady.put(DAY, BigDecimal.TEN);
    falling.put(DAY, BigDecimal.ONE);
    NavigableMap<LocalDate, BigDecimal> endpoint = new TreeMap<>(Map.of(DAY, new BigDecimal("300")));
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = Map.of("COMPUTE:steady", steady, "COMPUTE:falling",
        falling, "TAG:azuremlendpoint=new", endpoint, "UNKNOWN:x", endpoint);

    List<Driver> top = SpendDrivers.top(series, DAY, 28);

    assertEquals(List.of(new Driver(DriverKind.TAG, "azuremlendpoint=new", new BigDecimal("300.00"),
        new BigDecimal("0.00"), new BigDecimal("300.00"))), top);
    assertEquals("TAG:azuremlendpoint=new", top.get(0).key());
  }

  @Test
  void aSupersededRowIsSubtracted() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    CostRecord first = usage(DAY, "gpu", "NC24", "100");
    CostRecord revised = usage(DAY, "gpu", "NC24", "160");

    SpendDrivers.accumulate(series, first, 1);
    SpendDrivers.accumulate(series, first, -1);
    SpendDrivers.accumulate(series, revised, 1);

    assertEquals(0, series.get("COMPUTE:gpu").get(DAY).compareTo(new BigDecimal("160")));
    assertEquals(Instant.parse("2025-03-31T00:00:00Z"), revised.periodStart());
  }
}
