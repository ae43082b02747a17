package io.costwatch.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.costwatch.alert.lifecycle.Feedback;
import io.costwatch.core.Json;
import io.costwatch.topology.FeedbackCommand;
import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The published contract holds together: every topic has a schema and an AsyncAPI channel, every schema is a valid
 * 2020-12 schema, the examples in docs/events.md (copied from test output) validate, and every schema rejects a broken
 * event (each required field removed, each enum or constant given a value it does not allow).
 */
class EventContractTest {

  private static final Path EVENTS_MD = Path.of("docs", "events.md");
  /**
   * Schemas whose topic's producer this suite did not exercise when docs/events.md was written, so the docs have no
   * real example for them yet (never an invented one). Their events are still validated wherever a test reads them.
   */
  private static final Set<String> AWAITING_EXAMPLES = Set.of("vm-size.v1.schema.json",
      "price-correction.v1.schema.json", "metrics-watermark.v1.schema.json");
  private static final Path ASYNCAPI = Path.of("docs", "asyncapi.yaml");
  private static final Pattern EXAMPLE = Pattern.compile(
      "<!-- example: (\\S+) (\\S+) -->\\s*```(?:json|text)\\n(.*?)\\n```", Pattern.DOTALL);

  @Test
  void everyTopicHasASchemaAndAnAsyncApiChannelThatReferencesIt() throws IOException {
    JsonNode api = new YAMLMapper().readTree(ASYNCAPI.toFile());
    assertEquals("3.0.0", api.path("asyncapi").asText());
    Map<String, JsonNode> channelsByAddress = new LinkedHashMap<>();
    api.path("channels").forEach(c -> channelsByAddress.put(c.path("address").asText(), c));
    for (TopicSpec<?, ?> topic : Topics.all()) {
      String schema = EventContract.schemaOf(topic.name());
      assertTrue(Files.exists(Path.of("src/main/resources/schemas", schema)), schema);
      JsonNode channel = channelsByAddress.get(topic.name());
      assertTrue(channel != null, "docs/asyncapi.yaml has no channel with address " + topic.name());
      Set<String> payloads = new TreeSet<>();
      channel.path("messages").forEach(m -> {
        JsonNode message = resolve(api, m.path("$ref").asText());
        payloads.add(message.at("/payload/schema/$ref").asText());
      });
      assertEquals(Set.of("../src/main/resources/schemas/" + schema), payloads, topic.name());
      assertTrue(Files.exists(ASYNCAPI.getParent().resolve(payloads.iterator().next())), schema);
    }
    assertEquals(EventContract.SCHEMA_OF_TOPIC.keySet(), channelsByAddress.keySet(),
        "docs/asyncapi.yaml and EventContract.SCHEMA_OF_TOPIC name different topics");
    api.path("operations").forEach(op -> assertFalse(resolve(api, op.at("/channel/$ref").asText()).isMissingNode(),
        op::toString));
  }

  @Test
  void everySchemaIsAValidDraft202012SchemaWithIdTitleAndDescription() throws IOException {
    for (String file : EventContract.SCHEMA_FILES) {
      String text = EventContract.resource(file);
      JsonNode schema = Json.MAPPER.readTree(text);
      assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText(), file);
      assertTrue(schema.path("$id").asText().startsWith("urn:costwatch:schema:"), file);
      assertFalse(schema.path("title").asText().isBlank(), file);
      assertFalse(schema.path("description").asText().isBlank(), file);
      assertEquals(List.of(), EventContract.metaSchemaErrors(text), file + " against the 2020-12 meta-schema");
      assertFalse(EventContract.errors(file, "null").isEmpty(), file + " must not accept null");
    }
  }

  @Test
  void everyDocumentedExampleIsValidAndEverySchemaRejectsABrokenEvent() throws IOException {
    Map<String, String> covered = new LinkedHashMap<>();
    for (Example e : examples()) {
      EventContract.assertValid(e.topic(), e.value().getBytes(StandardCharsets.UTF_8));
      covered.put(EventContract.schemaOf(e.topic()), e.topic());
      if (e.topic().equals(Topics.CONTROL.name())) {
        assertFalse(EventContract.errors(EventContract.schemaOf(e.topic()), "\"end of input\"").isEmpty());
        continue;
      }
      JsonNode event = Json.MAPPER.readTree(e.value());
      JsonNode schema = Json.MAPPER.readTree(EventContract.resource(EventContract.schemaOf(e.topic())));
      List<String> survivors = new ArrayList<>();
      int[] mutants = {0};
      mutate(schema, schema, event, "", (label, broken) -> {
        mutants[0]++;
        if (EventContract.errors(EventContract.schemaOf(e.topic()), broken.toString()).isEmpty()) {
          survivors.add(label);
        }
      }, event);
      assertTrue(mutants[0] >= 2, e.topic() + ": too few mutants");
      assertEquals(List.of(), survivors, e.topic() + ": broken events the schema accepts");
    }
    for (String schema : EventContract.SCHEMA_OF_TOPIC.values()) {
      assertTrue(covered.containsKey(schema) || AWAITING_EXAMPLES.contains(schema),
          "docs/events.md has no example for " + schema);
    }
  }

  /** Events of the topics awaiting a documented example, written as their records serialise; valid, then broken. */
  @Test
  void referenceDataSchemasAcceptTheirEventsAndRejectBrokenOnes() throws IOException {
    Map<String, String> events = Map.of(
        "costwatch.vm-sizes.v1", "{\"schemaVersion\":1,\"scope\":\"ws-a/gpu1\",\"vmSize\":\"Standard_NC24ads_A100_v4\"}",
        "costwatch.price-corrections.v1", "{\"schemaVersion\":1,\"workspaceId\":\"/subscriptions/0/resourcegroups/rg"
            + "/providers/microsoft.machinelearningservices/workspaces/ws-a\",\"day\":\"2026-11-02\",\"currency\":\"USD\","
            + "\"factor\":1.1837}",
        "costwatch.metrics-api-watermarks.v1", "{\"schemaVersion\":1,\"resourceId\":\"/subscriptions/0/resourcegroups/rg"
            + "/providers/microsoft.machinelearningservices/workspaces/ws-a\",\"lastMinute\":\"2026-11-02T10:14:00Z\","
            + "\"updatedAt\":\"2026-11-02T10:15:03.123456Z\"}");
    for (Map.Entry<String, String> e : events.entrySet()) {
      String schemaFile = EventContract.schemaOf(e.getKey());
      EventContract.assertValid(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
      JsonNode event = Json.MAPPER.readTree(e.getValue());
      JsonNode schema = Json.MAPPER.readTree(EventContract.resource(schemaFile));
      List<String> survivors = new ArrayList<>();
      mutate(schema, schema, event, "", (label, broken) -> {
        if (EventContract.errors(schemaFile, broken.toString()).isEmpty()) {
          survivors.add(label);
        }
      }, event);
      assertEquals(List.of(), survivors, e.getKey() + ": broken events the schema accepts");
    }
  }

  @Test
  void everyLinkOfTheEventDocsResolvesInsideTheRepository() throws IOException {
    Matcher link = Pattern.compile("\\]\\(([^)#]*)(#[^)]*)?\\)").matcher(Files.readString(EVENTS_MD));
    int links = 0;
    while (link.find()) {
      String target = link.group(1);
      assertFalse(target.contains("://"), "docs/events.md links outside the repository: " + target);
      if (!target.isEmpty()) {
        assertTrue(Files.exists(EVENTS_MD.getParent().resolve(target).normalize()), "docs/events.md: " + target);
        links++;
      }
    }
    assertTrue(links > 5, "links checked: " + links);
  }

  @Test
  void theWebhookBodySchemaIsTheAlertEventSchema() throws IOException {
    Example alert = examples().stream().filter(e -> e.topic().equals(Topics.ALERTS.name())).findFirst()
        .orElseThrow();
    EventContract.assertValidWebhookBody(alert.value().getBytes(StandardCharsets.UTF_8));
    ObjectNode broken = (ObjectNode) Json.MAPPER.readTree(alert.value());
    broken.put("status", "CLOSED");
    assertFalse(EventContract.errors(EventContract.WEBHOOK_SCHEMA, broken.toString()).isEmpty());
    broken.remove("status");
    assertFalse(EventContract.errors(EventContract.WEBHOOK_SCHEMA, broken.toString()).isEmpty());
  }

  @Test
  void aFeedbackCommandAsTheCliWritesItIsValidAndASnoozeNeedsAnEnd() {
    FeedbackCommand command = new FeedbackCommand(FeedbackCommand.SCHEMA_VERSION,
        "GPU_WASTE|/subscriptions/0/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/w|USD",
        "cw-gpu-waste-0123456789abcdef", new Feedback(Feedback.Kind.SNOOZE, Instant.parse("2026-11-02T16:00:00Z"),
            Instant.parse("2026-11-02T12:00:00Z"), "oncall", "maintenance"));
    byte[] bytes = Topics.FEEDBACK.valueSerde().serializer().serialize(Topics.FEEDBACK.name(), command);
    EventContract.assertValid(Topics.FEEDBACK.name(), bytes);
    String noUntil = new String(bytes, StandardCharsets.UTF_8).replace("\"until\":\"2026-11-02T16:00:00Z\",", "");
    assertFalse(EventContract.errors(EventContract.schemaOf(Topics.FEEDBACK.name()), noUntil).isEmpty(), noUntil);
  }

  @Test
  void rawInputsAsIngestWritesThemAreValid() throws IOException {
    List<io.costwatch.ingest.RawBillingRow> rows = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    new io.costwatch.ingest.billing.ExportReader().read(
        List.of(Path.of("src/test/resources/billing/fixtures/ea_2024-08-01_aml_fixture.csv")), rows::add, runs::add);
    assertFalse(rows.isEmpty());
    rows.add(io.costwatch.ingest.RawBillingRow.endOf(new io.costwatch.ingest.ExportRunEnd(
        "billing-account|ActualCost|2024-08", runs.get(0), rows.size())));
    for (io.costwatch.ingest.RawBillingRow row : rows) {
      EventContract.assertValid(Topics.BILLING_RAW.name(),
          Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row));
    }
    int bodies = 0;
    for (String body : Files.readAllLines(Path.of("src/test/resources/examples/metrics-idle-then-busy.jsonl"))) {
      if (!EventContract.exponentNumbers(body).stream().anyMatch(e -> e.startsWith("not JSON"))) {
        EventContract.assertValid(Topics.METRICS_RAW.name(), body.getBytes(StandardCharsets.UTF_8));
        bodies++;
      } // the file also holds one truncated body on purpose, to show it dead-lettered
    }
    assertTrue(bodies > 30, "metric bodies checked: " + bodies);
  }

  @Test
  void moneyIsWrittenInPlainNotationAndExponentNotationIsCaught() throws IOException {
    assertEquals("900", Json.MAPPER.writeValueAsString(new java.math.BigDecimal("9E+2")));
    assertEquals(1, EventContract.exponentNumbers("{\"impact\":{\"amount\":9E+2,\"currency\":\"USD\"}}").size());
    assertEquals(List.of(), EventContract.exponentNumbers("{\"impact\":{\"amount\":900,\"currency\":\"USD\"}}"));
  }

  record Example(String schema, String topic, String value) {
  }

  static List<Example> examples() throws IOException {
    List<Example> out = new ArrayList<>();
    Matcher m = EXAMPLE.matcher(Files.readString(EVENTS_MD));
    while (m.find()) {
      assertEquals(EventContract.schemaOf(m.group(2)), m.group(1), "docs/events.md: wrong schema for " + m.group(2));
      out.add(new Example(m.group(1), m.group(2), m.group(3)));
    }
    assertFalse(out.isEmpty(), "no examples found in docs/events.md");
    return out;
  }

  interface Mutant {
    void check(String label, JsonNode broken);
  }

  /**
   * Walks the schema alongside the example: for every required property present, a copy without it; for every enum
   * or const, a copy with a value outside it; recursing into nested objects and the first item of arrays.
   */
  private static void mutate(JsonNode root, JsonNode schema, JsonNode node, String path, Mutant mutant,
      JsonNode whole) {
    schema = deref(root, schema);
    if (node.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (node.has(required.asText())) {
          String field = required.asText();
          mutant.check("without " + path + "/" + field, copyWith(whole, path, n -> ((ObjectNode) n).remove(field)));
        }
      }
      Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
      while (props.hasNext()) {
        Map.Entry<String, JsonNode> p = props.next();
        if (!node.has(p.getKey())) {
          continue;
        }
        JsonNode sub = deref(root, p.getValue());
        if (sub.has("enum") || sub.has("const")) {
          String field = p.getKey();
          mutant.check(path + "/" + field + " = NOT_A_VALUE",
              copyWith(whole, path, n -> ((ObjectNode) n).put(field, "NOT_A_VALUE")));
        }
        mutate(root, sub, node.get(p.getKey()), path + "/" + p.getKey(), mutant, whole);
      }
    } else if (node.isArray() && !node.isEmpty() && schema.has("items")) {
      mutate(root, schema.get("items"), node.get(0), path + "/0", mutant, whole);
    }
  }

  private static JsonNode deref(JsonNode root, JsonNode schema) {
    String ref = schema.path("$ref").asText("");
    return ref.startsWith("#/") ? root.at(ref.substring(1)) : schema;
  }

  private static JsonNode copyWith(JsonNode whole, String path, Consumer<JsonNode> change) {
    JsonNode copy = whole.deepCopy();
    change.accept(path.isEmpty() ? copy : copy.at(path));
    return copy;
  }

  private static JsonNode resolve(JsonNode api, String ref) {
    if (!ref.startsWith("#/")) {
      fail("expected a local $ref, got '" + ref + "'");
    }
    return api.at(ref.substring(1));
  }
}
