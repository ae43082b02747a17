package io.costwatch.ingest.eventhubs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns one Event Hubs event into the Kafka records the bridge publishes: the raw metrics body, one
 * {@link RawBillingRow} per billing row, or a {@link DeadLetter}. Pure and stateless, so the interesting cases are
 * tested without AMQP. It only checks the shape; the topology does the real parsing, so a parser fix can be replayed
 * over the raw topics.
 */
final class EventTranslator {

  static final String STAGE = "eventhubs-bridge";
  static final String HEADER_PROPERTY = "header";
  static final String EXPORT_RUN_PROPERTY = "exportRun";

  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

  /** The coordinates of one event, as carried in the Kafka headers and dead-letter sources. */
  record EventCoordinates(String namespace, String hub, String partition, long sequenceNumber, String offset,
      Instant enqueuedTime) {

    String source() {
      return origin() + "@" + sequenceNumber;
    }

    String origin() {
      return "eventhubs://" + hub + "/" + partition;
    }

    RecordHeaders headers() {
      RecordHeaders headers = new RecordHeaders();
      add(headers, "eventhubs.namespace", namespace);
      add(headers, "eventhubs.hub", hub);
      add(headers, "eventhubs.partition", partition);
      add(headers, "eventhubs.sequence-number", Long.toString(sequenceNumber));
      add(headers, "eventhubs.offset", offset);
      add(headers, "eventhubs.enqueued-time", enqueuedTime == null ? null : enqueuedTime.toString());
      return headers;
    }

    private static void add(RecordHeaders headers, String key, String value) {
      if (value != null) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private EventTranslator() {
  }

  /**
   * @param properties the event's application properties ({@code header}, {@code exportRun} are read for billing)
   */
  static List<ProducerRecord<String, byte[]>> translate(Kind kind, EventCoordinates at, byte[] body,
      Map<String, Object> properties) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body == null ? new byte[0] : body))
          .toString();
    } catch (CharacterCodingException e) {
      return List.of(deadLetter(at, "not-utf8", "event body is not UTF-8 text",
          "base64:" + Base64.getEncoder().encodeToString(body)));
    }
    if (text.isBlank()) {
      return List.of(deadLetter(at, "empty-body", "event body is empty", text));
    }
    return kind == Kind.METRICS ? metrics(at, text) : billing(at, text, properties);
  }

  private static List<ProducerRecord<String, byte[]>> metrics(EventCoordinates at, String text) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return List.of(deadLetter(at, "not-json", e.getOriginalMessage(), text));
    }
    JsonNode records = root == null ? null : root.get("records");
    if (records == null || !records.isArray()) {
      return List.of(deadLetter(at, "not-metrics-shape", "expected a JSON object {\"records\":[...]}", text));
    }
    JsonNode resourceId = records.isEmpty() ? null : records.get(0).get("resourceId");
    String key = resourceId != null && resourceId.isTextual() ? resourceId.asText().toLowerCase(Locale.ROOT) : null;
    return List.of(record(Topics.METRICS_RAW.name(), key, text.getBytes(StandardCharsets.UTF_8), at));
  }

  private static List<ProducerRecord<String, byte[]>> billing(EventCoordinates at, String text,
      Map<String, Object> properties) {
    String exportRun = property(properties, EXPORT_RUN_PROPERTY);
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        return List.of(deadLetter(at, "not-json", e.getOriginalMessage(), text));
      }
      if (isBlobNotification(root)) {
        return List.of(deadLetter(at, "blob-notification-unsupported",
            "Event Grid BlobCreated notifications are read only when " + EventHubsBridgeConfig
                .EXPORTS_BLOB_CONNECTION_STRING + " or " + EventHubsBridgeConfig.EXPORTS_BLOB_ACCOUNT_URL
                + " is set; otherwise send rows as events", text));
      }
      if (!root.isObject()) {
        return List.of(deadLetter(at, "not-billing-shape", "expected a JSON object per row or CSV text", text));
      }
      RawBillingRow row = new RawBillingRow(RawBillingRow.SCHEMA_VERSION, at.origin(), at.sequenceNumber(),
          exportRun, columns(root), null);
      return List.of(billingRecord(row, at));
    }
    return csv(at, text, exportRun, property(properties, HEADER_PROPERTY));
  }

  private static List<ProducerRecord<String, byte[]>> csv(EventCoordinates at, String text, String exportRun,
      String headerProperty) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(body, CSV)) {
      Iterator<CSVRecord> rows = parser.iterator();
      List<String> header = headerProperty != null ? parseHeader(headerProperty)
          : rows.hasNext() ? rows.next().toList() : List.of();
      if (header.isEmpty() || !rows.hasNext()) {
        return List.of(deadLetter(at, "not-billing-shape", "CSV event without a header or without data rows",
            text));
      }
      String file = at.source();
      while (rows.hasNext()) {
        CSVRecord values = rows.next();
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(header.size(), values.size()); i++) {
          columns.put(header.get(i), values.get(i));
        }
        String error = values.size() == header.size() ? null
            : "expected " + header.size() + " columns, got " + values.size();
        out.add(billingRecord(new RawBillingRow(RawBillingRow.SCHEMA_VERSION, file, values.getRecordNumber(),
            exportRun, columns, error), at));
      }
    } catch (IOException | RuntimeException e) {
      return List.of(deadLetter(at, "not-csv", e.getMessage(), text));
    }
    return out;
  }

  private static List<String> parseHeader(String header) throws IOException {
    try (CSVParser parser = CSVParser.parse(header, CSV)) {
      List<CSVRecord> records = parser.getRecords();
      return records.isEmpty() ? List.of() : records.get(0).toList();
    }
  }

  /** Event Grid schema ({@code eventType}) or CloudEvents schema ({@code type}), single or batched. */
  private static boolean isBlobNotification(JsonNode root) {
    JsonNode first = root.isArray() && !root.isEmpty() ? root.get(0) : root;
    String type = first.path("eventType").asText(first.path("type").asText(""));
    return type.equals("Microsoft.Storage.BlobCreated");
  }

  private static Map<String, String> columns(JsonNode row) {
    Map<String, String> columns = new LinkedHashMap<>();
    row.properties().forEach(field -> {
      JsonNode value = field.getValue();
      columns.put(field.getKey(), value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString());
    });
    return columns;
  }

  private static String property(Map<String, Object> properties, String name) {
    Object value = properties == null ? null : properties.get(name);
    return value == null ? null : value.toString();
  }

  static ProducerRecord<String, byte[]> billingRecord(RawBillingRow row, EventCoordinates at) {
    return billingRecord((row.exportRun() != null ? row.exportRun() : row.file()) + ":" + row.line(), row, at);
  }

  static ProducerRecord<String, byte[]> billingRecord(String key, RawBillingRow row, EventCoordinates at) {
    byte[] value = Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row);
    return record(Topics.BILLING_RAW.name(), key, value, at);
  }

  static ProducerRecord<String, byte[]> deadLetter(EventCoordinates at, String reason, String detail, String raw) {
    return deadLetter(at, at.source(), reason, detail, raw);
  }

  /** A dead letter about {@code source} (for example a blob URL) found while handling the event at {@code at}. */
  static ProducerRecord<String, byte[]> deadLetter(EventCoordinates at, String source, String reason, String detail,
      String raw) {
    DeadLetter letter = new DeadLetter(DeadLetter.SCHEMA_VERSION, STAGE, reason, detail, null, source,
        raw, at.enqueuedTime());
    byte[] value = Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter);
    return record(Topics.DEAD_LETTERS.name(), source, value, at);
  }

  private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value, EventCoordinates at) {
    return new ProducerRecord<>(topic, null, key, value, at.headers());
  }
}
