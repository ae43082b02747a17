package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import io.costwatch.usage.DailySpend;
import java.math.BigDecimal;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two configuration capabilities through the real topology: per-scope spend thresholds
 * ({@code COSTWATCH_SPEND_SCOPE_RULES}) and linked resources ({@code COSTWATCH_LINKED_RESOURCES}).
 */
class ScopedBillingTopologyTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 10, 1);
  private static final String STORAGE = "/subscriptions/" + Fixtures.SUB
      + "/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/mlstore01";

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, DailySpend> dailySpend;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    AppConfig config = ConfigLoader.load(Map.of(
        "COSTWATCH_SPEND_SCOPE_RULES", "[{\"scope\": \"ws-small\", \"minDelta\": 20}]",
        "COSTWATCH_LINKED_RESOURCES", "{\"" + STORAGE.toUpperCase(Locale.ROOT) + "\": \""
            + Fixtures.workspaceId("ws-small") + "\"}"));
    harness = new TopologyHarness(config, stateDir);
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    dailySpend = harness.output(Topics.DAILY_SPEND);
    deadLetters = harness.output(Topics.DEAD_LETTERS);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aWorkspaceWithALowerDollarFloorAlertsWhereTheDefaultFloorStaysQuiet() {
    // given two workspaces with the same bill: ~10 $ a day, then 40 $ on day 12 (+30 $, +300 %), under the default
    // 50 $ floor but over ws-small's 20 $
    for (String ws : List.of("ws-small", "ws-other")) {
      for (int d = 0; d < 14; d++) {
        String cost = d == 12 ? "40.00" : String.valueOf(10 + (d % 3));
        billing.pipeInput(ws + d, Fixtures.eaRow("export.csv", d + 2, ws, "gpu1", FIRST.plusDays(d), cost, "Usage",
            "m1"));
      }
    }

    // when every day is final
    billing.pipeInput(FlushMarker.KEY, null, Instant.parse("2026-11-30T00:00:00Z"));

    // then only ws-small alerts, and the alert says which thresholds it was held to
    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(List.of("OPEN", "RESOLVED"), out.stream().map(a -> a.status().name()).toList(), out::toString);
    AlertEvent open = out.get(0);
    assertEquals(Fixtures.workspaceId("ws-small").toLowerCase(Locale.ROOT), open.workspaceId());
    assertEquals("SPEND_SPIKE", open.type());
    assertEquals(Instant.parse("2026-10-13T00:00:00Z"), open.windowStart());
    assertEquals(0, new BigDecimal("20").compareTo(open.trace().thresholds().get("minDelta")), open::toString);
    assertTrue(open.summary().endsWith("Thresholds from scope override ws-small."), open.summary());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void aLinkedStorageAccountsRowsCountInItsWorkspacesDailySpend() {
    // given a compute row of ws-small and a row of its storage account, billed on the account's own id
    billing.pipeInput("c", Fixtures.eaRow("export.csv", 2, "ws-small", "gpu1", FIRST, "100.00", "Usage", "m1"));
    billing.pipeInput("s", storageRow(STORAGE + "/blobServices/default", 3, "7.50"));
    // and a row of an unlinked storage account
    billing.pipeInput("u", storageRow(STORAGE + "2", 4, "1000.00"));

    // then the daily spend of ws-small holds both linked rows, and nothing else
    Map<String, DailySpend> latest = new LinkedHashMap<>();
    dailySpend.readValuesToList().forEach(s -> latest.put(s.workspace().workspaceId() + "|" + s.day(), s));
    assertEquals(1, latest.size(), latest::toString);
    DailySpend day = latest.values().iterator().next();
    assertEquals(Fixtures.workspaceId("ws-small").toLowerCase(Locale.ROOT), day.workspace().workspaceId());
    assertEquals(FIRST, day.day());
    assertEquals(0, new BigDecimal("107.50").compareTo(day.amount()), day::toString);
    assertEquals(2, day.lineItems());
    assertTrue(deadLetters.isEmpty());
  }

  /** An EA row of a storage account: the workspace fixture's row with the account's id and storage meters. */
  private static RawBillingRow storageRow(String resourceId, long line, String cost) {
    RawBillingRow base = Fixtures.eaRow("export.csv", line, "ws-small", null, FIRST, cost, "Usage", "m-storage");
    Map<String, String> columns = new LinkedHashMap<>(base.columns());
    columns.put("ResourceId", resourceId);
    columns.put("ConsumedService", "Microsoft.Storage");
    columns.put("MeterCategory", "Storage");
    columns.put("MeterSubCategory", "Hot LRS");
    columns.put("MeterName", "Hot LRS Data Stored");
    columns.put("UnitOfMeasure", "1 GB/Month");
    columns.put("AdditionalInfo", "");
    return new RawBillingRow(base.schemaVersion(), base.file(), base.line(), base.exportRun(), columns, null);
  }
}
