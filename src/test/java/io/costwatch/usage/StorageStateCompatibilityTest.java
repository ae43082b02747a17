package io.costwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import io.costwatch.core.ScopeKind;
import io.costwatch.detect.spend.StorageMeters;
import io.costwatch.detect.spend.StorageMeters.Measure;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State written before the storage measures existed still reads; the new fields round-trip. */
class StorageStateCompatibilityTest {

  private static final String WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-a";
  private static final String ACCOUNT = "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/"
      + "storageaccounts/mldata";

  @Test
  void oldDailySpendAndHistoryJsonReadWithoutStorage() throws Exception {
    String oldSpend = "{\"workspace\":{\"workspaceId\":\"" + WS + "\"},\"currency\":\"USD\",\"day\":\"2026-10-01\","
        + "\"amount\":12.5,\"lineItems\":2,\"drivers\":{\"METER:x\":12.5}}";
    DailySpend spend = Json.MAPPER.readValue(oldSpend, DailySpend.class);
    assertNull(spend.storage());
    assertEquals(ScopeKind.WORKSPACE, spend.workspace().scope());

    String oldHistory = "{\"workspace\":{\"workspaceId\":\"" + WS + "\"},\"currency\":\"USD\",\"days\":"
        + "{\"2026-10-01\":12.5},\"lineItems\":{\"2026-10-01\":2},\"drivers\":{}}";
    SpendHistory history = Json.MAPPER.readValue(oldHistory, SpendHistory.class);
    assertTrue(history.storageSeries().isEmpty());
    assertTrue(history.with(spend, 35).storageSeries().isEmpty());
  }

  @Test
  void storageMeasuresAddSubtractAndRoundTrip() throws Exception {
    CostRecord hot = new CostRecord(CostRecord.SCHEMA_VERSION, "li", "scope", "EA", CostBasis.ACTUAL,
        ChargeKind.USAGE, Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-10-02T00:00:00Z"), ACCOUNT,
        AzureResourceId.workspace(WS), "Storage", "Storage", "Tiered Block Blob", "Hot LRS Data Stored",
        new BigDecimal("645.16"), "1 GB/Month", new BigDecimal("11.61"), "USD", null, Map.of(), null);
    DailySpend spend = DailySpend.empty().add(hot);
    String key = StorageMeters.key(Measure.HOT_STORED_GB_MONTH, ACCOUNT, "Hot LRS Data Stored");
    assertEquals(new BigDecimal("645.16"), spend.storage().get(key));

    DailySpend read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(spend), DailySpend.class);
    assertEquals(spend, read);
    SpendHistory history = SpendHistory.start(spend.workspace(), "USD").with(read, 35);
    SpendHistory again = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(history), SpendHistory.class);
    assertEquals(new BigDecimal("645.16"), again.storageSeries().get(key).get(LocalDate.of(2026, 10, 1)));

    assertTrue(spend.subtract(hot).storage().isEmpty(), "a retracted row leaves no measure behind");

    AzureResourceId scope = AzureResourceId.workspace(WS).withResource(ACCOUNT.toUpperCase());
    AzureResourceId scopeRead = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(scope), AzureResourceId.class);
    assertEquals(scope, scopeRead);
    assertEquals(ACCOUNT, scopeRead.resourceId());
    assertEquals("ws-a/mldata", scopeRead.label());
    assertEquals(ScopeKind.WORKSPACE, AzureResourceId.workspace(WS).withResource(WS).scope());
  }
}
