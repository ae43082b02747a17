package io.costwatch.detect.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.detect.spend.StorageMeters.Measure;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageMetersTest {

  private static final String ACCOUNT = "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/"
      + "mlstore";

  /** Meter text as the real exports spell it (EA sample, FOCUS sample, Azure meter names). */
  @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
  @CsvSource(delimiter = ';', nullValues = "-", value = {
      // the FinOps toolkit EA sample's Bandwidth rows (one is billed to an Azure ML workspace)
      "Bandwidth;Inter-Region;Intra Continent Data Transfer Out;EGRESS",
      "Bandwidth;-;Standard Data Transfer Out;EGRESS",
      // FOCUS: no category column, the meter names the transfer
      "-;-;Rtn Preference: MGN - Standard Data Transfer Out;EGRESS",
      "Bandwidth;-;Data Transfer In;NONE",
      // Hot capacity, EA and the FOCUS sample's description of the same meter
      "Storage;Tiered Block Blob;Hot LRS Data Stored;HOT_CAPACITY",
      "Storage;General Block Blob v2 Hierarchical Namespace;Hot ZRS Data Stored;HOT_CAPACITY",
      "-;-;Tiered Block Blob - Hot LRS - Data Stored - US West;HOT_CAPACITY",
      // other tiers and other storage: not Hot capacity
      "Storage;Tiered Block Blob;Cool LRS Data Stored;NONE",
      "-;-;Tables - LRS Data Stored;NONE",
      "Storage;Premium SSD Managed Disks;P4 LRS Disk;NONE",
      "Storage;Hot Block Blob;Hot LRS Data Stored;HOT_CAPACITY",
      "Storage;Photon Storage;Photon LRS Data Stored;NONE",
      // reads: Hot read operations only; the EA sample's Premium reads and list operations are not Hot reads
      "Storage;Tiered Block Blob;Hot Read Operations;HOT_READ",
      "Storage;Tiered Block Blob;Hot LRS Read Operations;HOT_READ",
      "Storage;Premium Block Blob v2 Hierarchical Namespace;Premium LRS Read Operations;NONE",
      "Storage;Tiered Block Blob;GRS List and Create Container Operations;NONE",
      "Storage;Tiered Block Blob;All Other Operations;NONE",
      "-;-;Tiered Block Blob - Hot LRS - Write Operations - US West;NONE",
      "Storage;Tiered Block Blob;Cool Data Retrieval;RETRIEVAL"})
  void classifiesRealMeterNames(String category, String subCategory, String meter, String expected) {
    CostRecord r = record(category, subCategory, meter, "1", "1 GB", "1.00");
    String actual = StorageMeters.isEgress(r) ? "EGRESS" : StorageMeters.isHotCapacity(r) ? "HOT_CAPACITY"
        : StorageMeters.isHotRead(r) ? "HOT_READ" : StorageMeters.isRetrieval(r) ? "RETRIEVAL" : "NONE";
    assertEquals(expected, actual);
  }

  @Test
  void theRealEaSampleHasEgressButNoHotCapacity() throws URISyntaxException {
    List<RawBillingRow> rows = new ArrayList<>();
    Path file = Path.of(getClass().getClassLoader()
        .getResource("billing/finops-toolkit-ea/EA_AmortizedCost_Small.csv").toURI());
    new ExportReader().read(List.of(file), rows::add);
    BillingRowParser parser = new BillingRowParser();
    Map<Long, String> egress = new TreeMap<>();
    int hot = 0;
    for (RawBillingRow row : rows) {
      ParseResult<CostRecord> parsed = parser.parse(row);
      if (parsed instanceof ParseResult.Parsed<CostRecord> p) {
        CostRecord r = p.value();
        if (StorageMeters.isEgress(r)) {
          egress.put(row.line(), r.meterName() + (r.isAzureMl() ? " @" + r.workspace().workspaceName() : ""));
        }
        hot += StorageMeters.isHotCapacity(r) || StorageMeters.isHotRead(r) ? 1 : 0;
      }
    }
    assertEquals(Map.of(
        11L, "Intra Continent Data Transfer Out",
        13L, "Standard Data Transfer Out @zmltestplayground",
        14L, "Intra Continent Data Transfer Out",
        15L, "Intra Continent Data Transfer Out @zmltestplayground"), egress);
    assertEquals(0, hot, "the sample's storage rows are managed disks, Premium and list operations");
  }

  @Test
  void measuresNormaliseUnitsAndKeyByResourceAndMeter() {
    Map<String, BigDecimal> stored = StorageMeters.measuresOf(
        record("Storage", "Tiered Block Blob", "Hot LRS Data Stored", "3.2258", "1 GB/Month", "0.06"));
    assertEquals(Map.of(
        StorageMeters.key(Measure.HOT_STORED_COST, ACCOUNT, "Hot LRS Data Stored"), new BigDecimal("0.06"),
        StorageMeters.key(Measure.HOT_STORED_GB_MONTH, ACCOUNT, "Hot LRS Data Stored"), new BigDecimal("3.2258")),
        stored);
    Map<String, BigDecimal> reads = StorageMeters.measuresOf(
        record("Storage", "Tiered Block Blob", "Hot Read Operations", "0.0047", "10K", "0.00002"));
    assertEquals(0, new BigDecimal("47").compareTo(
        reads.get(StorageMeters.key(Measure.HOT_READ_OPS, ACCOUNT, "Hot Read Operations"))), reads::toString);
    Map<String, BigDecimal> out = StorageMeters.measuresOf(
        record("Bandwidth", "", "Standard Data Transfer Out", "2", "1 TB", "160"));
    assertEquals(0, new BigDecimal("2048").compareTo(
        out.get(StorageMeters.key(Measure.EGRESS_GB, ACCOUNT, "Standard Data Transfer Out"))));
    assertTrue(StorageMeters.measuresOf(record("Virtual Machines", "NCads", "NC24ads A100 v4", "10", "1 Hour", "36"))
        .isEmpty());
  }

  @Test
  void keysParseBackAndResourcesSumTheirMeters() {
    String a = StorageMeters.key(Measure.EGRESS_COST, ACCOUNT, "Standard Data Transfer Out");
    String b = StorageMeters.key(Measure.EGRESS_COST, ACCOUNT, "Intra Continent Data Transfer Out");
    assertEquals(new StorageMeters.Key(Measure.EGRESS_COST, ACCOUNT, "Standard Data Transfer Out"),
        StorageMeters.parse(a).orElseThrow());
    java.time.LocalDate day = java.time.LocalDate.of(2026, 10, 1);
    var series = new TreeMap<String, java.util.NavigableMap<java.time.LocalDate, BigDecimal>>();
    series.put(a, new TreeMap<>(Map.of(day, new BigDecimal("2"))));
    series.put(b, new TreeMap<>(Map.of(day, new BigDecimal("3"))));
    assertEquals(new BigDecimal("5"), StorageMeters.byResource(series, Measure.EGRESS_COST).get(ACCOUNT).get(day));
    assertEquals(2, StorageMeters.byMeter(series, Measure.EGRESS_COST, ACCOUNT).size());
  }

  static CostRecord record(String category, String subCategory, String meter, String quantity, String unit,
      String cost) {
    AzureResourceId ws = AzureResourceId.workspace("/subscriptions/s/resourcegroups/rg/providers/"
        + "microsoft.machinelearningservices/workspaces/ws-a");
    return new CostRecord(CostRecord.SCHEMA_VERSION, "li", "scope", "EA", CostBasis.ACTUAL, ChargeKind.USAGE,
        Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-10-02T00:00:00Z"), ACCOUNT, ws, category,
        category, subCategory, meter, new BigDecimal(quantity), unit, new BigDecimal(cost), "USD", null, Map.of(),
        null);
  }
}
