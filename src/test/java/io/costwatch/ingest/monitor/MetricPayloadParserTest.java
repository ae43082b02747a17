package io.costwatch.ingest.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ScopeKind;
import io.costwatch.core.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricPayloadParserTest {

  private static final String WS = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/RESOURCEGROUPS/RG-ML/"
      + "PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/WS-VISION";
  private static final String WS_LOWER = WS.toLowerCase(java.util.Locale.ROOT);
  private static final SourceRef SRC = SourceRef.line("metrics.jsonl", 12);

  private final MetricPayloadParser parser = new MetricPayloadParser();

  // ---- real payloads (src/test/resources/monitor/SOURCES.md): none is from Azure ML ----

  @Test
  void adxDocsExampleIsTwoKustoRecordsBothRejectedAsNotAzureMl() throws IOException {
    List<ParseResult<MetricSample>> results = parser.parse(resource("adx_docs_diagnostic_metrics_example.json"),
        SourceRef.line("adx.json", 1));

    assertEquals(2, results.size());
    for (int i = 0; i < 2; i++) {
      ParseResult.Rejected<MetricSample> r = assertInstanceOf(ParseResult.Rejected.class, results.get(i));
      assertEquals("not-azure-ml", r.reason());
      assertEquals("resourceId", r.field());
      assertEquals(new SourceRef("adx.json", 1, i), r.source());
      assertTrue(r.detail().startsWith("adx.json:1#" + i + " field 'resourceId': \"/SUBSCRIPTIONS/<subscriptionID>/"
          + "RESOURCEGROUPS/<resource-group>/PROVIDERS/MICROSOFT.KUSTO/CLUSTERS/<cluster-name>\""), r.detail());
      assertTrue(r.raw().contains("\"metricName\":\"QueryDuration\""), r.raw());
    }
  }

  @Test
  void otelRecordsPayloadWithBothShapesIsRejectedRecordByRecord() throws IOException {
    List<ParseResult<MetricSample>> results = parser.parse(resource("otel_contrib_metrics-records.json"), SRC);

    assertEquals(4, results.size());
    assertEquals(List.of("not-azure-ml", "not-azure-ml", "not-azure-ml", "not-azure-ml"), reasons(results));
    ParseResult.Rejected<MetricSample> dcr = assertInstanceOf(ParseResult.Rejected.class, results.get(3));
    assertEquals("metrics.jsonl:12#3 field 'resourceId': \"/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/"
        + "resourcegroups/rg-dcrs/providers/microsoft.keyvault/vaults/dcr-vault\" is not an Azure Machine Learning "
        + "resource", dcr.detail());
  }

  @Test
  void otelReceiverPayloadIsRejectedAsNotAzureMl() throws IOException {
    List<ParseResult<MetricSample>> results = parser.parse(resource("otel_contrib_receiver_metrics.json"), SRC);

    assertEquals(List.of("not-azure-ml"), reasons(results));
  }

  @Test
  void otelNdjsonLinesAreSingleRecordBodies() throws IOException {
    String[] lines = resource("otel_contrib_metrics-ndjson.json").split("\n");

    assertEquals(2, lines.length);
    assertEquals(List.of("not-azure-ml"), reasons(parser.parse(lines[0], SourceRef.line("n.json", 1))));
    assertEquals(List.of("not-azure-ml"), reasons(parser.parse(lines[1], SourceRef.line("n.json", 2))));
  }

  @Test
  void realDiagnosticRecordLayoutWithAnAzureMlIdKeepsEveryValue() throws IOException {
    // the first record of the OTel fixture, verbatim except for the resource id
    String body = resource("otel_contrib_metrics-records.json")
        .replace("/SUBSCRIPTIONS/AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E/RESOURCEGROUPS/RG-001/PROVIDERS/MICROSOFT.WEB/"
            + "SITES/SCALEABLEWEBAPP1", WS)
        .replace("\"CpuTime\"", "\"CpuUtilization\"");

    List<ParseResult<MetricSample>> results = parser.parse(body, SRC);

    assertEquals(List.of("parsed", "not-azure-ml", "unknown-metric", "not-azure-ml"), reasons(results));
    MetricSample s = parsed(results.get(0));
    assertEquals(AzureMetric.CPU_UTILIZATION, s.metric());
    assertEquals(WS_LOWER, s.scope().workspaceId());
    assertEquals(ScopeKind.WORKSPACE, s.scope().scope());
    assertEquals(Instant.parse("2023-04-18T09:03:00Z"), s.time());
    assertEquals(0.1085, s.average());
    assertEquals(0.042, s.minimum());
    assertEquals(0.175, s.maximum());
    assertEquals(0.217, s.total());
    assertEquals(2, s.count());
    assertEquals(Map.of(), s.dimensions());
    assertEquals(new SourceRef("metrics.jsonl", 12, 0), s.source());
    ParseResult.Rejected<MetricSample> requests = assertInstanceOf(ParseResult.Rejected.class, results.get(2));
    assertEquals("metricName", requests.field());
    assertEquals("metrics.jsonl:12#2 field 'metricName': \"Requests\" is not an Azure ML metric Costwatch knows",
        requests.detail());
  }

  @Test
  void realDcrRecordLayoutWithAnAzureMlIdAndClusterDimension() {
    // the 4th record of the OTel fixture (DCR export), with an Azure ML id, metric and string aggregates
    String body = """
        {"Average":"61.5","Count":"4","Maximum":"93","Minimum":"40.25","Total":"246",
         "resourceId":"%s","time":"2024-08-22T13:43:00.0000000Z","unit":"Count","metricName":"GpuUtilization",
         "timeGrain":"PT1M","dimension":{"ClusterName":"GPU-A100","DeviceId":"0"},
         "EventProcessedUtcTime":"2024-08-22T13:49:17.1233030Z","PartitionId":0,
         "EventEnqueuedUtcTime":"2024-08-22T13:46:04.5570000Z"}""".formatted(WS_LOWER);

    MetricSample s = parsed(parser.parse(body, SRC).get(0));

    assertEquals(AzureMetric.GPU_UTILIZATION, s.metric());
    assertEquals(ScopeKind.COMPUTE, s.scope().scope());
    assertEquals("gpu-a100", s.scope().compute());
    assertEquals("ws-vision/gpu-a100", s.scope().label());
    assertEquals(Instant.parse("2024-08-22T13:43:00Z"), s.time());
    assertEquals(61.5, s.average());
    assertEquals(40.25, s.minimum());
    assertEquals(93, s.maximum());
    assertEquals(246, s.total());
    assertEquals(4, s.count());
    assertEquals(Map.of("clustername", "GPU-A100", "deviceid", "0"), s.dimensions());
    assertEquals(new SourceRef("metrics.jsonl", 12, 0), s.source());
  }

  // ---- body shapes ----

  @Test
  void acceptsRecordsObjectBareArrayAndSingleRecord() {
    String rec = record("\"average\":2", "Active Nodes");

    assertEquals(List.of("parsed", "parsed"), reasons(parser.parse("{\"records\":[" + rec + "," + rec + "]}", SRC)));
    assertEquals(List.of("parsed", "parsed"), reasons(parser.parse("[" + rec + "," + rec + "]", SRC)));
    assertEquals(List.of("parsed"), reasons(parser.parse(rec, SRC)));
    assertEquals(List.of(), reasons(parser.parse("{\"records\":[]}", SRC)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"records\":[{\"count\":1,",
      "{\"records\":{}}",
      "{\"value\":[]}",
      "42",
      "not json at all",
      "''",
      "{\"records\":[]} trailing"})
  void unreadableBodyIsOneMalformedJsonRejectionWithTheRawText(String body) {
    List<ParseResult<MetricSample>> results = parser.parse(body, SRC);

    assertEquals(1, results.size());
    ParseResult.Rejected<MetricSample> r = assertInstanceOf(ParseResult.Rejected.class, results.get(0));
    assertEquals("malformed-json", r.reason());
    assertEquals(body, r.raw());
    assertEquals(SRC, r.source());
    assertNull(r.field());
    assertTrue(r.detail().startsWith("metrics.jsonl:12 body "), r.detail());
  }

  @Test
  void oneBadRecordDoesNotHideItsNeighbours() {
    String body = "{\"records\":[" + record("\"average\":1", "Idle Nodes") + ",7,"
        + record("\"average\":\"abc\"", "Idle Nodes") + "," + record("\"average\":3", "Idle Nodes") + "]}";

    List<ParseResult<MetricSample>> results = parser.parse(body, SRC);

    assertEquals(List.of("parsed", "malformed-json", "bad-number", "parsed"), reasons(results));
    assertEquals(3, parsed(results.get(3)).average());
    assertEquals(new SourceRef("metrics.jsonl", 12, 3), parsed(results.get(3)).source());
  }

  // ---- per-record validation: each rejection names its field and source ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "average string      | \"average\":\"abc\"                 | bad-number  | average | metrics.jsonl:12#0 field 'average': \"abc\" is not a finite number",
      "average NaN string  | \"average\":\"NaN\"                 | bad-number  | average | metrics.jsonl:12#0 field 'average': \"NaN\" is not a finite number",
      "average NaN token   | \"average\":NaN                     | bad-number  | average | metrics.jsonl:12#0 field 'average': NaN is not a finite number",
      "average Infinity    | \"average\":\"Infinity\"            | bad-number  | average | metrics.jsonl:12#0 field 'average': \"Infinity\" is not a finite number",
      "average -Infinity   | \"average\":-Infinity               | bad-number  | average | metrics.jsonl:12#0 field 'average': -Infinity is not a finite number",
      "average overflow    | \"average\":1e400                   | bad-number  | average | metrics.jsonl:12#0 field 'average': Infinity is not a finite number",
      "average boolean     | \"average\":true                    | bad-number  | average | metrics.jsonl:12#0 field 'average': true is not a finite number",
      "average hex string  | \"average\":\"0x10\"                | bad-number  | average | metrics.jsonl:12#0 field 'average': \"0x10\" is not a finite number",
      "average missing     | \"count\":1                         | missing-field | average | metrics.jsonl:12#0 field 'average': is missing",
      "average null        | \"average\":null                    | missing-field | average | metrics.jsonl:12#0 field 'average': is missing",
      "Total string        | \"Average\":\"1\",\"Total\":\"x\"   | bad-number  | total   | metrics.jsonl:12#0 field 'total': \"x\" is not a finite number",
      "minimum boolean     | \"average\":1,\"minimum\":false     | bad-number  | minimum | metrics.jsonl:12#0 field 'minimum': false is not a finite number",
      "maximum NaN         | \"average\":1,\"maximum\":\"NaN\"   | bad-number  | maximum | metrics.jsonl:12#0 field 'maximum': \"NaN\" is not a finite number",
      "count fraction      | \"average\":1,\"count\":1.5         | bad-number  | count   | metrics.jsonl:12#0 field 'count': 1.5 is not a non-negative whole number",
      "count object        | \"average\":1,\"Count\":{}          | bad-number  | count   | metrics.jsonl:12#0 field 'count': {} is not a finite number"})
  void badAggregatesNameTheirField(String name, String aggregates, String reason, String field, String detail) {
    ParseResult.Rejected<MetricSample> r = rejected(parser.parse(record(aggregates, "GpuUtilization"), SRC));

    assertEquals(reason, r.reason());
    assertEquals(field, r.field());
    assertEquals(detail, r.detail());
    assertEquals(new SourceRef("metrics.jsonl", 12, 0), r.source());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no resourceId   | resourceId | -                                            | missing-field     | resourceId",
      "storage id      | resourceId | /SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/A | not-azure-ml | resourceId",
      "no metricName   | metricName | -                                            | missing-field     | metricName",
      "typo metric     | metricName | GpuUtilisation                               | unknown-metric    | metricName",
      "no time         | time       | -                                            | missing-field     | time",
      "date only       | time       | 2025-06-15                                   | bad-time          | time",
      "8 fraction dig. | time       | 2025-06-15T10:42:00.00000000Z                | bad-time          | time",
      "no zone         | time       | 2025-06-15T10:42:00                          | bad-time          | time",
      "month 13        | time       | 2025-13-15T10:42:00Z                         | bad-time          | time",
      "PT5M grain      | timeGrain  | PT5M                                         | unsupported-grain | timeGrain",
      "PT1H grain      | timeGrain  | PT1H                                         | unsupported-grain | timeGrain"})
  void badRecordFieldsNameTheirField(String name, String key, String value, String reason, String field) {
    Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("resourceId", WS, "metricName",
        "GpuUtilization", "time", "2025-06-15T10:42:00.0000000Z", "timeGrain", "PT1M"));
    if ("-".equals(value)) {
      fields.remove(key);
    } else {
      fields.put(key, value);
    }
    StringBuilder body = new StringBuilder("{\"average\":1");
    fields.forEach((k, v) -> body.append(",\"").append(k).append("\":\"").append(v).append('"'));

    ParseResult.Rejected<MetricSample> r = rejected(parser.parse(body.append('}').toString(), SRC));

    assertEquals(reason, r.reason());
    assertEquals(field, r.field());
    assertTrue(r.detail().startsWith("metrics.jsonl:12#0 field '" + field + "': "), r.detail());
    if (!"-".equals(value)) {
      assertTrue(r.detail().contains(value), r.detail());
    }
  }

  @Test
  void knownButUnusedMetricIsIgnoredNotRejected() {
    List<ParseResult<MetricSample>> results = parser.parse(record("\"average\":3", "Completed Runs"), SRC);

    assertEquals(List.of(new ParseResult.Ignored<MetricSample>("unused-metric", SRC.withItem(0))), results);
  }

  @ParameterizedTest
  @CsvSource({
      "2025-06-15T10:42:00Z, 2025-06-15T10:42:00Z",
      "2025-06-15T10:42:00.1234567Z, 2025-06-15T10:42:00.1234567Z",
      "2025-06-15T10:42:00.5+02:00, 2025-06-15T08:42:00.5Z",
      "2025-06-15t10:42:00.000z, 2025-06-15T10:42:00Z"})
  void timeIsTheStartOfTheMinuteAsPrinted(String time, String expected) {
    String body = "{\"average\":1,\"resourceId\":\"" + WS + "\",\"metricName\":\"Active Nodes\",\"time\":\"" + time
        + "\"}";

    assertEquals(Instant.parse(expected), parsed(parser.parse(body, SRC).get(0)).time());
  }

  @Test
  void missingOptionalAggregatesDefaultFromTheAverage() {
    MetricSample s = parsed(parser.parse(record("\"average\":2.5", "Idle Nodes"), SRC).get(0));

    assertEquals(1, s.count());
    assertEquals(2.5, s.minimum());
    assertEquals(2.5, s.maximum());
    assertEquals(2.5, s.total());
  }

  // ---- scope from dimensions ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ClusterName           | WS                                   | {\"ClusterName\":\"GPU-T4\"}           | COMPUTE    | ws-vision/gpu-t4",
      "clustername lower     | WS                                   | {\"clustername\":\"gpu-t4\"}           | COMPUTE    | ws-vision/gpu-t4",
      "ComputeName           | WS                                   | {\"COMPUTENAME\":\"ci-alice\"}         | COMPUTE    | ws-vision/ci-alice",
      "no dimension          | WS                                   |                                        | WORKSPACE  | ws-vision",
      "unrelated dimension   | WS                                   | {\"Scenario\":\"x\"}                   | WORKSPACE  | ws-vision",
      "deployment dimension  | WS/ONLINEENDPOINTS/EP-1              | {\"deployment\":\"blue\"}              | DEPLOYMENT | ws-vision/ep-1/blue",
      "endpoint, no deploy.  | WS/ONLINEENDPOINTS/EP-1              | {\"statusCode\":\"200\"}               | ENDPOINT   | ws-vision/ep-1",
      "id names deployment   | WS/ONLINEENDPOINTS/EP-1/DEPLOYMENTS/GREEN | {\"instanceId\":\"i-1\"}          | DEPLOYMENT | ws-vision/ep-1/green",
      "id names compute      | WS/COMPUTES/GPU-A100                 | {\"ClusterName\":\"other\"}            | COMPUTE    | ws-vision/gpu-a100"})
  void scopeFollowsDimensionsAndId(String name, String id, String dimension, ScopeKind kind, String label) {
    String body = "{\"average\":1,\"resourceId\":\"" + id.replace("WS", WS) + "\",\"metricName\":\"GpuUtilization\","
        + "\"time\":\"2025-06-15T10:42:00Z\"" + (dimension == null ? "" : ",\"dimension\":" + dimension) + "}";

    MetricSample s = parsed(parser.parse(body, SRC).get(0));

    assertEquals(kind, s.scope().scope());
    assertEquals(label, s.scope().label());
  }

  @Test
  void dimensionThatIsNotAnObjectIsRejected() {
    String body = record("\"average\":1,\"dimension\":\"ClusterName=gpu\"", "GpuUtilization");

    ParseResult.Rejected<MetricSample> r = rejected(parser.parse(body, SRC));

    assertEquals("bad-dimension", r.reason());
    assertEquals("dimension", r.field());
  }

  // ---- helpers ----

  private static String record(String aggregates, String metric) {
    return "{" + aggregates + ",\"resourceId\":\"" + WS + "\",\"time\":\"2025-06-15T10:42:00.0000000Z\","
        + "\"metricName\":\"" + metric + "\",\"timeGrain\":\"PT1M\"}";
  }

  static List<String> reasons(List<ParseResult<MetricSample>> results) {
    return results.stream().map(MetricPayloadParserTest::reason).toList();
  }

  private static String reason(ParseResult<MetricSample> result) {
    if (result instanceof ParseResult.Rejected<MetricSample> r) {
      return r.reason();
    }
    return result instanceof ParseResult.Ignored<MetricSample> i ? "ignored:" + i.reason() : "parsed";
  }

  private static MetricSample parsed(ParseResult<MetricSample> result) {
    ParseResult.Parsed<?> p = assertInstanceOf(ParseResult.Parsed.class, result, result::toString);
    return (MetricSample) p.value();
  }

  @SuppressWarnings("unchecked")
  private static ParseResult.Rejected<MetricSample> rejected(List<ParseResult<MetricSample>> results) {
    assertEquals(1, results.size(), results::toString);
    return assertInstanceOf(ParseResult.Rejected.class, results.get(0), () -> results.get(0).toString());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = MetricPayloadParserTest.class.getResourceAsStream("/monitor/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /monitor/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
