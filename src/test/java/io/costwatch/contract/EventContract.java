package io.costwatch.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.costwatch.core.Json;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The published event contract, enforced in tests: every value the tests read from an output topic (and every webhook
 * body) is validated against its JSON Schema in {@code src/main/resources/schemas/}, so the schemas cannot drift from
 * what the code writes. A validation failure names the topic, the field and the keyword that failed.
 *
 * <p>With {@code -Dcostwatch.contract.samples=DIR} the first valid value of each topic is also written to
 * {@code DIR/<topic>.json}: the source of the examples in {@code docs/events.md}.
 */
public final class EventContract {

  /** Schema file (under {@code schemas/}) of the value of every topic in {@link Topics#all()}. */
  public static final Map<String, String> SCHEMA_OF_TOPIC = Map.ofEntries(
      Map.entry(Topics.METRICS_RAW.name(), "azure-monitor-metrics.v1.schema.json"),
      Map.entry(Topics.BILLING_RAW.name(), "raw-billing-row.v1.schema.json"),
      Map.entry(Topics.DEAD_LETTERS.name(), "dead-letter.v1.schema.json"),
      Map.entry(Topics.ALERTS.name(), "alert-event.v1.schema.json"),
      Map.entry(Topics.RECOMMENDATIONS.name(), "recommendation-event.v1.schema.json"),
      Map.entry(Topics.ALERT_STATE.name(), "alert-event.v1.schema.json"),
      Map.entry(Topics.FEEDBACK.name(), "feedback-command.v1.schema.json"),
      Map.entry(Topics.DAILY_SPEND.name(), "daily-spend.v1.schema.json"),
      Map.entry(Topics.RECONCILIATION.name(), "reconciliation.v1.schema.json"),
      Map.entry(Topics.CONTROL.name(), "control.v1.schema.json"),
      // reference-data and poller topics, named by string so the contract covers them wherever Topics declares them
      Map.entry("costwatch.vm-sizes.v1", "vm-size.v1.schema.json"),
      Map.entry("costwatch.price-corrections.v1", "price-correction.v1.schema.json"),
      Map.entry("costwatch.owners.v1", "resource-owners.v1.schema.json"),
      Map.entry("costwatch.metrics-api-watermarks.v1", "metrics-watermark.v1.schema.json"));

  /** The body of the alert webhook (the same alert event as {@code cost.alerts.v1}). */
  public static final String WEBHOOK_SCHEMA = "alert-webhook.v1.schema.json";

  /** Every schema file, in the order the docs list them. */
  public static final List<String> SCHEMA_FILES = List.of("alert-event.v1.schema.json", WEBHOOK_SCHEMA,
      "recommendation-event.v1.schema.json", "daily-spend.v1.schema.json", "reconciliation.v1.schema.json",
      "dead-letter.v1.schema.json", "control.v1.schema.json", "feedback-command.v1.schema.json",
      "raw-billing-row.v1.schema.json", "azure-monitor-metrics.v1.schema.json", "vm-size.v1.schema.json",
      "price-correction.v1.schema.json", "resource-owners.v1.schema.json", "metrics-watermark.v1.schema.json");

  /** Topics whose value is plain UTF-8 text rather than a JSON document; validated as a JSON string. */
  private static final Set<String> TEXT_TOPICS = Set.of(Topics.CONTROL.name());

  private static final Map<String, String> TEXT_BY_ID = new LinkedHashMap<>();
  private static final Map<String, String> ID_BY_FILE = new LinkedHashMap<>();
  private static final SchemaRegistry REGISTRY;
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
  private static final Set<String> SAMPLED = ConcurrentHashMap.newKeySet();

  static {
    for (String file : SCHEMA_FILES) {
      String text = resource(file);
      String id = readTree(text, file).path("$id").asText(null);
      if (id == null) {
        throw new IllegalStateException("schemas/" + file + " has no $id");
      }
      TEXT_BY_ID.put(id, text);
      ID_BY_FILE.put(file, id);
    }
    REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemas(TEXT_BY_ID));
  }

  private EventContract() {
  }

  /** The {@code $id} of a schema file. */
  public static String idOf(String schemaFile) {
    String id = ID_BY_FILE.get(schemaFile);
    if (id == null) {
      throw new IllegalArgumentException("no schema file " + schemaFile + " in " + SCHEMA_FILES);
    }
    return id;
  }

  /** The schema file of a topic's value; fails for a topic without one. */
  public static String schemaOf(String topic) {
    String file = SCHEMA_OF_TOPIC.get(topic);
    if (file == null) {
      throw new AssertionError("topic " + topic + " has no schema in EventContract.SCHEMA_OF_TOPIC");
    }
    return file;
  }

  /** Fails with every violation when {@code value} (as written to {@code topic}) does not match its schema. */
  public static void assertValid(String topic, byte[] value) {
    if (value == null) {
      return; // a tombstone of a compacted topic
    }
    String text = new String(value, StandardCharsets.UTF_8);
    String json = TEXT_TOPICS.contains(topic) ? Json.MAPPER.getNodeFactory().textNode(text).toString() : text;
    List<String> errors = new java.util.ArrayList<>(errors(schemaOf(topic), json));
    errors.addAll(exponentNumbers(json));
    if (!errors.isEmpty()) {
      throw new AssertionError("a value on " + topic + " breaks schemas/" + schemaOf(topic) + ": " + errors
          + "\nvalue: " + text);
    }
    sample(topic, json);
  }

  /** Fails when {@code body} is not a valid webhook body. */
  public static void assertValidWebhookBody(byte[] body) {
    String json = new String(body, StandardCharsets.UTF_8);
    List<String> errors = new java.util.ArrayList<>(errors(WEBHOOK_SCHEMA, json));
    errors.addAll(exponentNumbers(json));
    if (!errors.isEmpty()) {
      throw new AssertionError("a webhook body breaks schemas/" + WEBHOOK_SCHEMA + ": " + errors + "\nbody: "
          + new String(body, StandardCharsets.UTF_8));
    }
  }

  /** The violations of {@code json} against a schema file, each as {@code /path: message}; empty when valid. */
  public static List<String> errors(String schemaFile, String json) {
    Schema schema = SCHEMAS.computeIfAbsent(schemaFile,
        f -> REGISTRY.getSchema(SchemaLocation.of(idOf(f))));
    List<Error> errors = schema.validate(json, InputFormat.JSON);
    return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage() + " (" + e.getKeyword() + ")")
        .toList();
  }

  /**
   * Numbers written in exponent notation ({@code 1E+3}): the schemas promise plain decimals, which JSON Schema itself
   * cannot see (it compares values, not their spelling).
   */
  public static List<String> exponentNumbers(String json) {
    List<String> out = new java.util.ArrayList<>();
    try (com.fasterxml.jackson.core.JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
      for (var token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT
            && parser.getText().toLowerCase(java.util.Locale.ROOT).contains("e")) {
          out.add(parser.getParsingContext().pathAsPointer() + ": " + parser.getText()
              + " is in exponent notation, not a plain decimal");
        }
      }
    } catch (IOException e) {
      out.add("not JSON: " + e.getMessage());
    }
    return out;
  }

  /** The violations of a schema document against the JSON Schema 2020-12 meta-schema; empty when valid. */
  public static List<String> metaSchemaErrors(String schemaText) {
    Schema meta = SCHEMAS.computeIfAbsent("meta:2020-12",
        f -> REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema")));
    return meta.validate(schemaText, InputFormat.JSON).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  /** A deserializer that validates the bytes of every value against the topic's schema before reading them. */
  public static <T> Deserializer<T> validating(String topic, Deserializer<T> inner) {
    schemaOf(topic);
    return (t, bytes) -> {
      assertValid(topic, bytes);
      return inner.deserialize(t, bytes);
    };
  }

  /** The text of a schema file on the classpath. */
  public static String resource(String file) {
    try (InputStream in = EventContract.class.getResourceAsStream("/schemas/" + file)) {
      if (in == null) {
        throw new IllegalStateException("schemas/" + file + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readTree(String text, String what) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(what + " is not JSON: " + e.getMessage(), e);
    }
  }

  /** Indented, with every number spelt exactly as written (a tree would drop trailing zeros: 5336.30). */
  private static String pretty(String json) throws IOException {
    java.io.StringWriter out = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonParser parser = Json.MAPPER.getFactory().createParser(json);
        com.fasterxml.jackson.core.JsonGenerator generator = Json.MAPPER.getFactory().createGenerator(out)) {
      generator.useDefaultPrettyPrinter();
      while (parser.nextToken() != null) {
        generator.copyCurrentEventExact(parser);
      }
    }
    return out.toString();
  }

  private static void sample(String topic, String json) {
    String dir = System.getProperty("costwatch.contract.samples");
    if (dir == null || dir.isBlank()) {
      return;
    }
    JsonNode node = readTree(json, topic);
    String name = topic + (node.hasNonNull("type") ? "." + node.get("type").asText() : "")
        + (node.hasNonNull("status") ? "." + node.get("status").asText() : "");
    if (!SAMPLED.add(name)) {
      return;
    }
    try {
      Path out = Path.of(dir, name + ".json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, pretty(json) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
