package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventTranslator.EventCoordinates;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTranslatorTest {

  private static final EventCoordinates AT = new EventCoordinates("ns.servicebus.windows.net", "costs", "3", 42,
      "42000", Instant.parse("2025-06-15T11:00:00Z"));

  static String resource(String name) {
    try (InputStream in = EventTranslatorTest.class.getResourceAsStream("/eventhubs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<ProducerRecord<String, byte[]>> translate(Kind kind, String body, Map<String, Object> props) {
    return EventTranslator.translate(kind, AT, body.getBytes(StandardCharsets.UTF_8), props);
  }

  private static RawBillingRow row(ProducerRecord<String, byte[]> record) {
    assertEquals(Topics.BILLING_RAW.name(), record.topic());
    return Topics.BILLING_RAW.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  private static DeadLetter deadLetter(ProducerRecord<String, byte[]> record) {
    assertEquals(Topics.DEAD_LETTERS.name(), record.topic());
    return Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  private static String header(ProducerRecord<String, byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  @Test
  void metricsEventIsForwardedVerbatimKeyedByTheLowerCasedResourceId() {
    String body = resource("metrics-event.json");

    List<ProducerRecord<String, byte[]>> out = translate(Kind.METRICS, body, Map.of());

    assertEquals(1, out.size());
    ProducerRecord<String, byte[]> record = out.get(0);
    assertEquals(Topics.METRICS_RAW.name(), record.topic());
    assertEquals(body, new String(record.value(), StandardCharsets.UTF_8));
    assertEquals("/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-ml/providers/"
        + "microsoft.machinelearningservices/workspaces/ws-vision", record.key());
    assertEquals("ns.servicebus.windows.net", header(record, "eventhubs.namespace"));
    assertEquals("costs", header(record, "eventhubs.hub"));
    assertEquals("3", header(record, "eventhubs.partition"));
    assertEquals("42", header(record, "eventhubs.sequence-number"));
    assertEquals("42000", header(record, "eventhubs.offset"));
    assertEquals("2025-06-15T11:00:00Z", header(record, "eventhubs.enqueued-time"));
  }

  @Test
  void metricsEventWithoutRecordsHasNoKey() {
    assertNull(translate(Kind.METRICS, "{\"records\":[]}", Map.of()).get(0).key());
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "METRICS|{\"records\":[|not-json",
      "METRICS|{\"value\":[]}|not-metrics-shape",
      "METRICS|'   '|empty-body",
      "BILLING|[1,2,3]|not-billing-shape",
      "BILLING|{\"Cost\":|not-json",
      "BILLING|just one line|not-billing-shape"})
  void unrecognisedEventsAreDeadLetteredWithTheirCoordinates(Kind kind, String body, String reason) {
    List<ProducerRecord<String, byte[]>> out = translate(kind, body, Map.of());

    assertEquals(1, out.size());
    DeadLetter letter = deadLetter(out.get(0));
    assertEquals(reason, letter.reason());
    assertEquals("eventhubs-bridge", letter.stage());
    assertEquals("eventhubs://costs/3@42", letter.source());
    assertEquals("eventhubs://costs/3@42", out.get(0).key());
    assertEquals(body, letter.raw());
  }

  @Test
  void invalidUtf8IsDeadLetteredAsBase64() {
    byte[] body = {'{', (byte) 0xC3, (byte) 0x28, '}'};

    DeadLetter letter = deadLetter(EventTranslator.translate(Kind.METRICS, AT, body, Map.of()).get(0));

    assertEquals("not-utf8", letter.reason());
    assertEquals("base64:e8MofQ==", letter.raw());
  }

  @Test
  void billingJsonObjectBecomesOneRowAtTheSequenceNumber() {
    String body = "{\"SubscriptionId\":\"sub-1\",\"CostInBillingCurrency\":12.50000001,\"Quantity\":2,"
        + "\"Tags\":{\"team\":\"vision\"},\"InvoiceId\":null}";

    List<ProducerRecord<String, byte[]>> out = translate(Kind.BILLING, body, Map.of("exportRun", "run-7"));

    RawBillingRow row = row(out.get(0));
    assertEquals("eventhubs://costs/3", row.file());
    assertEquals(42, row.line());
    assertEquals("run-7", row.exportRun());
    assertEquals(Map.of("SubscriptionId", "sub-1", "CostInBillingCurrency", "12.50000001", "Quantity", "2",
        "Tags", "{\"team\":\"vision\"}", "InvoiceId", ""), row.columns());
    assertEquals(List.of("SubscriptionId", "CostInBillingCurrency", "Quantity", "Tags", "InvoiceId"),
        List.copyOf(row.columns().keySet()));
    assertNull(row.error());
    assertEquals("run-7:42", out.get(0).key());
  }

  @Test
  void billingCsvWithHeaderLineBecomesOneRowPerDataLine() {
    String body = "\uFEFFDate,CostInBillingCurrency,Tags\r\n2025-06-01,1.5,\"{\"\"a\"\":\"\"b,c\"\"}\"\r\n\r\n"
        + "2025-06-02,-0.25\r\n";

    List<RawBillingRow> rows = translate(Kind.BILLING, body, Map.of()).stream()
        .map(EventTranslatorTest::row).toList();

    assertEquals(2, rows.size());
    assertEquals(Map.of("Date", "2025-06-01", "CostInBillingCurrency", "1.5", "Tags", "{\"a\":\"b,c\"}"),
        rows.get(0).columns());
    assertEquals("eventhubs://costs/3@42", rows.get(0).file());
    assertEquals(2, rows.get(0).line());
    assertNull(rows.get(0).error());
    assertEquals("-0.25", rows.get(1).columns().get("CostInBillingCurrency"));
    assertEquals("expected 3 columns, got 2", rows.get(1).error());
  }

  @Test
  void billingCsvTakesItsHeaderFromTheEventProperty() {
    List<RawBillingRow> rows = translate(Kind.BILLING, "2025-06-01,1.5\n2025-06-02,2.5\n",
        Map.of("header", "Date,Cost", "exportRun", "run-9")).stream().map(EventTranslatorTest::row).toList();

    assertEquals(2, rows.size());
    assertEquals(Map.of("Date", "2025-06-02", "Cost", "2.5"), rows.get(1).columns());
    assertEquals("run-9", rows.get(1).exportRun());
  }

  @Test
  void blobCreatedNotificationsAreDeadLetteredAsUnsupported() {
    DeadLetter letter = deadLetter(translate(Kind.BILLING, resource("blob-created.json"), Map.of()).get(0));

    assertEquals("blob-notification-unsupported", letter.reason());
    assertTrue(letter.raw().contains("manifest.json"));
  }
}
