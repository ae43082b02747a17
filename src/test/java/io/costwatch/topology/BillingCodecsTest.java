package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.SpendHistoryIndex;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compact values of the billing path: every field round-trips exactly (money with its scale), the JSON written
 * by the previous version (records left on the repartition topics, store changelogs) still reads as the same value,
 * and unreadable compact bytes are a dead letter on a topic and a reset, counted key in a store.
 */
class BillingCodecsTest {

  private static final String WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-a";
  private static final AzureResourceId COMPUTE = AzureResourceId.parse(WS + "/computes/gpu-1").orElseThrow();
  private static final Instant DAY = Instant.parse("2026-10-01T00:00:00Z");

  private final List<String> unreadable = new ArrayList<>();
  private final Consumer<String> counting = unreadable::add;

  private static CostRecord row(String cost, Instant start, Instant end, Map<String, String> tags, SourceRef source) {
    return new CostRecord(CostRecord.SCHEMA_VERSION, "li-1", "ea/123/2026-10", "EA", CostBasis.ACTUAL,
        ChargeKind.USAGE, start, end, WS + "/computes/gpu-1", COMPUTE, "Azure Machine Learning",
        "Virtual Machines", "NCadsH100v5 Series", "NC40ads H100 v5", new BigDecimal("24.000000"), "1 Hour",
        new BigDecimal(cost), "USD", "Standard_NC40ads_H100_v5", tags, source);
  }

  private static CostRecord row(String cost) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("team", "vision");
    tags.put("Cost-Center", "ü-42");
    tags.put("empty", "");
    return row(cost, DAY, DAY.plusSeconds(86_400), tags, SourceRef.line("exports/part-0.csv", 17));
  }

  private static CostRecord allNull() {
    return new CostRecord(0, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0.00", "1.50", "-3.14159265358979", "1E+3", "-7E-12", "922337203685477580.7",
      "123456789012345678901234567890.0123456789", "-98765432109876543210987654321"})
  void amountsKeepTheirValueAndScale(String amount) {
    Serde<CostRecord> serde = BillingCodecs.lineItems();
    CostRecord r = row(amount);
    CostRecord back = serde.deserializer().deserialize("billing-line-items-repartition",
        serde.serializer().serialize("billing-line-items-repartition", r));
    assertEquals(r, back); // BigDecimal.equals compares the scale too
    assertEquals(new BigDecimal(amount).scale(), back.cost().scale());
    assertEquals(new BigDecimal(amount).toPlainString(), back.cost().toPlainString());
  }

  @Test
  void lineItemsRoundTripExactlyWithNullsEmptyTagsAndNegativeNumbers() {
    Serde<CostRecord> topic = BillingCodecs.lineItems();
    Serde<CostRecord> store = BillingCodecs.lineItems("billing-line-items-store", counting);
    Instant odd = Instant.ofEpochSecond(-5, 999_999_999);
    for (CostRecord r : List.of(row("12.34"), row("-0.01", odd, odd.plusNanos(1), Map.of(), null),
        row("5", DAY, null, null, new SourceRef("azure.cost-exports.raw.v1/2", Long.MAX_VALUE, -1)), allNull())) {
      for (Serde<CostRecord> serde : List.of(topic, store)) {
        byte[] bytes = serde.serializer().serialize("t", r);
        assertEquals(CompactSerde.FORMAT_1, bytes[0]);
        CostRecord back = serde.deserializer().deserialize("t", bytes);
        assertEquals(r.upgraded(), back);
        assertEquals(r.tags() == null ? null : List.copyOf(r.tags().keySet()),
            back.tags() == null ? null : List.copyOf(back.tags().keySet()), "tag order");
      }
    }
    assertEquals(List.of(), unreadable);
  }

  @Test
  void aLineItemWrittenAsJsonByThePreviousVersionReadsTheSame() {
    CostRecord r = row("0.10");
    byte[] json = JsonSerde.of(CostRecord.class).serializer().serialize("t", r);
    assertEquals(r, BillingCodecs.lineItems().deserializer().deserialize("spend-by-day-repartition", json));
    assertEquals(r, BillingCodecs.lineItems("billing-line-items-store", counting).deserializer()
        .deserialize("c", json));
    // a stored line item of before the version field reads as the current version
    CostRecord old = BillingCodecs.lineItems("billing-line-items-store", counting).deserializer().deserialize("c",
        ("{\"lineItemId\":\"li-9\",\"cost\":2.50,\"currency\":\"EUR\",\"workspace\":{\"workspaceId\":\"" + WS
            + "\"}}").getBytes(StandardCharsets.UTF_8));
    assertEquals(CostRecord.SCHEMA_VERSION, old.schemaVersion());
    assertEquals(new BigDecimal("2.50"), old.cost());
    assertEquals(List.of(), unreadable);
  }

  private static DailySpend day() {
    Instant hour = DAY.plusSeconds(3_600 * 5);
    CostRecord hourly = row("3.25", hour, hour.plusSeconds(3_600), Map.of("team", "vision"), null);
    CostRecord egress = new CostRecord(CostRecord.SCHEMA_VERSION, "li-2", "ea/123/2026-10", "EA", CostBasis.ACTUAL,
        ChargeKind.USAGE, hour, hour.plusSeconds(3_600), "/subscriptions/s/resourcegroups/rg/providers/"
        + "microsoft.storage/storageaccounts/sa1", COMPUTE.withResource("/subscriptions/s/resourcegroups/rg/"
        + "providers/microsoft.storage/storageaccounts/sa1"), "Storage", "Bandwidth", "Inter-Region",
        "Data Transfer Out", new BigDecimal("120.5"), "1 GB", new BigDecimal("2.41"), "USD", null, Map.of(),
        SourceRef.line("exports/part-1.csv", 3));
    return DailySpend.empty().add(hourly).add(egress).add(row("1E+1")).subtract(hourly);
  }

  @Test
  void dailySpendAndTheSpendIndexRoundTripExactlyThroughTheirSerdes() {
    DailySpend d = day();
    assertTrue(d.drivers().size() > 3, d::toString);
    assertTrue(d.hours().containsKey(DailySpend.HOURLY_ITEMS), d::toString);
    for (Serde<DailySpend> serde : List.of(BillingCodecs.dailySpend(),
        BillingCodecs.dailySpend("daily-spend-store", counting),
        BillingCodecs.dailySpend(SpendSpikeProcessor.DAYS_STORE, counting))) {
      for (DailySpend value : List.of(d, DailySpend.empty(), new DailySpend(0, null, null, null, null, -2, null,
          null, null, null))) {
        byte[] bytes = serde.serializer().serialize("t", value);
        assertEquals(CompactSerde.FORMAT_1, bytes[0]);
        DailySpend back = serde.deserializer().deserialize("t", bytes);
        assertEquals(value.upgraded(), back);
        assertEquals(List.copyOf(value.upgraded().drivers().keySet()), List.copyOf(back.drivers().keySet()));
        assertEquals(List.copyOf(value.upgraded().hours().keySet()), List.copyOf(back.hours().keySet()));
      }
    }
    Serde<SpendHistoryIndex> index = BillingCodecs.index(SpendSpikeProcessor.INDEX_STORE, counting);
    LocalDate first = LocalDate.of(2026, 9, 1);
    for (SpendHistoryIndex x : List.of(SpendHistoryIndex.start(COMPUTE, "USD"),
        new SpendHistoryIndex(1, COMPUTE, "EUR", first, first.plusDays(30), first.plusDays(27),
            new SourceRef("azure.cost-exports.raw.v1/0", 4, -1), first.plusDays(28)),
        new SpendHistoryIndex(1, COMPUTE, "USD", LocalDate.MIN, LocalDate.MAX, null, null, LocalDate.EPOCH))) {
      assertEquals(x, index.deserializer().deserialize("c", index.serializer().serialize("c", x)));
    }
    assertEquals(List.of(), unreadable);
  }

  @Test
  void dailySpendAndIndexWrittenAsJsonByThePreviousVersionReadTheSame() {
    DailySpend d = day();
    byte[] json = JsonSerde.of(DailySpend.class).serializer().serialize("t", d);
    assertEquals(d, BillingCodecs.dailySpend().deserializer().deserialize("spend-by-workspace-repartition", json));
    assertEquals(d, BillingCodecs.dailySpend(SpendSpikeProcessor.DAYS_STORE, counting).deserializer()
        .deserialize("c", json));
    // the oldest stored shape (as StoredValueVersionsTest writes it): no version, storage or hours
    DailySpend old = BillingCodecs.dailySpend("daily-spend-store", counting).deserializer().deserialize("c",
        ("{\"workspace\":{\"workspaceId\":\"" + WS + "\"},\"currency\":\"USD\",\"day\":\"2026-10-01\","
            + "\"amount\":12.5,\"lineItems\":2,\"drivers\":{\"METER:x\":12.5}}").getBytes(StandardCharsets.UTF_8));
    assertEquals(DailySpend.SCHEMA_VERSION, old.schemaVersion());
    assertEquals(Map.of(), old.hours());
    assertEquals(new BigDecimal("12.5"), old.amount());

    SpendHistoryIndex x = new SpendHistoryIndex(1, COMPUTE, "USD", LocalDate.of(2026, 9, 1),
        LocalDate.of(2026, 9, 30), null, SourceRef.line("f.csv", 2), LocalDate.of(2026, 9, 1));
    assertEquals(x, BillingCodecs.index(SpendSpikeProcessor.INDEX_STORE, counting).deserializer()
        .deserialize("c", JsonSerde.of(SpendHistoryIndex.class).serializer().serialize("c", x)));
    assertEquals(List.of(), unreadable);
  }

  @Test
  void unreadableCompactBytesFailOnATopicAndResetACountedKeyInAStore() {
    byte[] full = BillingCodecs.lineItems().serializer().serialize("t", row("1.00"));
    assertThrows(SerializationException.class, () -> BillingCodecs.lineItems().deserializer()
        .deserialize("billing-line-items-repartition", Arrays.copyOf(full, full.length - 2)));
    byte[] spend = BillingCodecs.dailySpend().serializer().serialize("t", day());
    assertThrows(SerializationException.class, () -> BillingCodecs.dailySpend().deserializer()
        .deserialize("spend-by-workspace-repartition", Arrays.copyOf(spend, spend.length + 1)));

    assertNull(BillingCodecs.lineItems("billing-line-items-store", counting).deserializer()
        .deserialize("c", Arrays.copyOf(full, full.length / 2)));
    assertNull(BillingCodecs.dailySpend("daily-spend-store", counting).deserializer()
        .deserialize("c", new byte[] {CompactSerde.FORMAT_1, 1, 1, 7}));
    assertNull(BillingCodecs.index(SpendSpikeProcessor.INDEX_STORE, counting).deserializer()
        .deserialize("c", "{\"firstDay\":\"not a day\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("billing-line-items-store", "daily-spend-store", SpendSpikeProcessor.INDEX_STORE),
        unreadable);
  }

  @Test
  void theCompactValueIsSmallerThanTheJson() {
    CostRecord r = row("12.345678");
    int compact = BillingCodecs.lineItems().serializer().serialize("t", r).length;
    int json = JsonSerde.of(CostRecord.class).serializer().serialize("t", r).length;
    // the strings (ids, meters, tags) are most of both; the field names, quotes and ISO texts go
    assertTrue(compact * 5 < json * 3, () -> compact + " bytes compact against " + json + " as JSON");
  }
}
