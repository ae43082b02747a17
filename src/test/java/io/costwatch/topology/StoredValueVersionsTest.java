package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Versioned;
import io.costwatch.detect.BurnRateHistory;
import io.costwatch.detect.Reconciliation;
import io.costwatch.usage.DailyEstimate;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.SpendHistoryIndex;
import io.costwatch.usage.SpendVerdicts;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every versioned store value: JSON as the stores held it before the version field existed (hand-written in that
 * shape) reads through the store serde as the current version, and an unreadable value is counted with its store's
 * name and reset instead of failing.
 */
class StoredValueVersionsTest {

  private static final String WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-a";
  private static final String WS_JSON = "{\"workspaceId\":\"" + WS + "\"}";

  private final List<String> unreadable = new ArrayList<>();

  private <T> T read(Class<T> type, String store, String json) {
    return JsonSerde.stored(type, store, unreadable::add).deserializer()
        .deserialize(store + "-changelog", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDailySpendOfTheOldestShapeReadsAsTheCurrentVersionWithEmptyStorageAndHours() {
    DailySpend day = read(DailySpend.class, SpendSpikeProcessor.DAYS_STORE, "{\"workspace\":" + WS_JSON
        + ",\"currency\":\"USD\",\"day\":\"2026-10-01\",\"amount\":12.5,\"lineItems\":2,"
        + "\"drivers\":{\"METER:x\":12.5}}");

    assertEquals(DailySpend.SCHEMA_VERSION, day.schemaVersion());
    assertEquals(Map.of(), day.storage());
    assertEquals(Map.of(), day.hours());
    assertEquals(new BigDecimal("12.5"), day.amount());
    assertEquals(Map.of("METER:x", new BigDecimal("12.5")), day.drivers());
    assertTrue(day.hourlySpend().isEmpty());
    assertEquals(List.of(), unreadable);
  }

  @Test
  void theSpendIndexAndVerdictsOfBeforeTheVersionFieldReadUnchanged() {
    SpendHistoryIndex index = read(SpendHistoryIndex.class, SpendSpikeProcessor.INDEX_STORE, "{\"workspace\":"
        + WS_JSON + ",\"currency\":\"USD\",\"firstDay\":\"2026-10-01\",\"newestDay\":\"2026-10-03\","
        + "\"lastEvaluated\":\"2026-10-02\",\"lastSource\":null,\"due\":\"2026-10-03\"}");
    assertEquals(SpendHistoryIndex.SCHEMA_VERSION, index.schemaVersion());
    assertEquals(LocalDate.parse("2026-10-03"), index.firstUnjudged());
    assertEquals(LocalDate.parse("2026-10-03"), index.due());

    SpendVerdicts verdicts = read(SpendVerdicts.class, SpendSpikeProcessor.VERDICT_STORE,
        "{\"spikes\":{\"2026-10-02\":40.25},\"corrected\":{\"2026-10-01\":1767225600000}}");
    assertEquals(SpendVerdicts.SCHEMA_VERSION, verdicts.schemaVersion());
    assertEquals(new BigDecimal("40.25"), verdicts.excessOn(LocalDate.parse("2026-10-02")));
    assertEquals(Map.of(LocalDate.parse("2026-10-01"), 1767225600000L), verdicts.corrected());
    assertEquals(List.of(), unreadable);
  }

  @Test
  void telemetryStateOfBeforeTheVersionFieldReadsAsTheCurrentVersion() {
    BurnRateHistory history = read(BurnRateHistory.class, TelemetryDetection.STORE,
        "{\"capacity\":96,\"points\":[{\"windowStart\":\"2026-10-01T00:00:00Z\",\"burnRate\":3.5}]}");
    assertEquals(BurnRateHistory.SCHEMA_VERSION, history.schemaVersion());
    assertEquals(96, history.capacity());
    assertEquals(new BigDecimal("3.5"), history.points().get(0).burnRate());

    UsageWindow window = read(UsageWindow.class, UsageWindowProcessor.WINDOWS, "{\"scope\":" + WS_JSON
        + ",\"windowStart\":\"2026-10-01T00:00:00Z\",\"windowEnd\":\"2026-10-01T00:15:00Z\",\"metrics\":"
        + "{\"GPU_UTILIZATION\":{\"count\":2,\"sum\":10.0,\"min\":4.0,\"max\":6.0}},\"records\":2,"
        + "\"firstSource\":{\"origin\":\"raw-0\",\"position\":7,\"item\":0},\"lastSource\":null}");
    assertEquals(UsageWindow.SCHEMA_VERSION, window.schemaVersion());
    assertEquals(5.0, window.average(AzureMetric.GPU_UTILIZATION), 1e-9);
    assertEquals(Instant.parse("2026-10-01T00:15:00Z"), window.windowEnd());

    UsageWindow noMetrics = read(UsageWindow.class, UsageWindowProcessor.WINDOWS, "{\"scope\":" + WS_JSON
        + ",\"windowStart\":\"2026-10-01T00:00:00Z\",\"windowEnd\":\"2026-10-01T00:15:00Z\",\"records\":0}");
    assertEquals(Map.of(), noMetrics.metrics());

    ScopeProgress progress = read(ScopeProgress.class, UsageWindowProcessor.PROGRESS,
        "{\"schemaVersion\":1,\"watermark\":\"2026-10-01T00:20:00Z\",\"closedThrough\":null,"
            + "\"lastSeen\":\"2026-12-01T10:00:00Z\"}");
    assertEquals(Instant.parse("2026-10-01T00:20:00Z"), progress.watermark());
    assertEquals(List.of(), unreadable);
  }

  @Test
  void estimatesAndReconciliationsOfBeforeTheVersionFieldReadAsTheCurrentVersion() {
    DailyEstimate.WindowCost cost = read(DailyEstimate.WindowCost.class, "estimate-by-window-store",
        "{\"workspace\":" + WS_JSON + ",\"currency\":\"USD\",\"windowStart\":\"2026-10-01T00:00:00Z\","
            + "\"amount\":1.84}");
    assertEquals(DailyEstimate.WindowCost.SCHEMA_VERSION, cost.schemaVersion());
    assertEquals(WS + "|USD|2026-10-01", cost.dayKey());

    DailyEstimate estimate = read(DailyEstimate.class, "daily-estimate-store", "{\"workspace\":" + WS_JSON
        + ",\"currency\":\"USD\",\"day\":\"2026-10-01\",\"amount\":1.84,\"windows\":1,"
        + "\"firstWindow\":\"2026-10-01T00:00:00Z\",\"lastWindow\":\"2026-10-01T00:00:00Z\"}");
    assertEquals(DailyEstimate.SCHEMA_VERSION, estimate.schemaVersion());
    assertEquals(new BigDecimal("3.68"), estimate.add(cost).amount());

    Reconciliation reconciliation = read(Reconciliation.class, "reconciliation-store", "{\"workspace\":" + WS_JSON
        + ",\"day\":\"2026-10-01\",\"estimated\":{\"amount\":100,\"currency\":\"USD\"},\"billed\":{\"amount\":"
        + "90,\"currency\":\"USD\"},\"ratio\":0.9,\"correctionFactor\":0.9,\"clamped\":false,\"note\":null}");
    assertEquals(Reconciliation.SCHEMA_VERSION, reconciliation.schemaVersion());
    assertEquals(new BigDecimal("0.9"), reconciliation.correctionFactor());
    assertEquals(List.of(), unreadable);
  }

  @Test
  void currentValuesRoundTripUnchanged() {
    DailySpend day = DailySpend.empty();
    var serde = JsonSerde.stored(DailySpend.class, SpendSpikeProcessor.DAYS_STORE, unreadable::add);
    assertEquals(day, serde.deserializer().deserialize("t", serde.serializer().serialize("t", day)));
    Versioned<SpendVerdicts> verdicts = SpendVerdicts.none();
    assertEquals(verdicts, verdicts.upgraded());
  }

  @Test
  void anUnreadableSpendValueIsCountedWithItsStoreAndResetNotFatal() {
    assertNull(read(DailySpend.class, SpendSpikeProcessor.DAYS_STORE, "{\"amount\": [1, 2"));
    assertNull(read(SpendHistoryIndex.class, SpendSpikeProcessor.INDEX_STORE, "{\"firstDay\":\"not a day\"}"));
    // valid JSON whose upgrade cannot build a value (capacity below 1) counts as unreadable too
    assertNull(read(BurnRateHistory.class, TelemetryDetection.STORE, "{\"capacity\":0,\"points\":[]}"));

    assertEquals(List.of(SpendSpikeProcessor.DAYS_STORE, SpendSpikeProcessor.INDEX_STORE, TelemetryDetection.STORE),
        unreadable);
  }
}
