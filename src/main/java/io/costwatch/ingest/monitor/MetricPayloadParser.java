package io.costwatch.ingest.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Json;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses Azure Monitor metric event bodies into {@link MetricSample}s, one {@link ParseResult} per record, so one bad
 * record is dead-lettered while its neighbours in the same event flow on.
 *
 * <p>Accepted bodies: the Event Hubs event body {@code {"records":[...]}}, a bare JSON array of records, or a single
 * record object (one NDJSON line). Both record shapes are read:
 * <ul>
 *   <li>diagnostic settings: lower-case numeric {@code count,total,minimum,maximum,average}, no dimensions;</li>
 *   <li>DCR-based export: capitalised, usually string-typed {@code Count,Total,Minimum,Maximum,Average}, plus
 *       {@code unit} and a {@code dimension} object.</li>
 * </ul>
 * Either casing may carry a JSON number or a numeric string. Unknown keys (Stream Analytics' {@code Event*} fields,
 * {@code unit}) are ignored.
 *
 * <p><b>Time convention:</b> Azure does not document whether a record's {@code time} is the start or the end of the
 * minute it aggregates (OpenTelemetry's receiver assumes the end). Costwatch treats {@code time} as the <em>start</em>
 * of the minute: {@link MetricSample#time()} is {@code time} unchanged, and the sample describes
 * {@code [time, time + 1 min)}. Windows downstream are therefore aligned to the timestamps Azure prints.
 *
 * <p>Missing {@code count} defaults to 1, missing {@code minimum}/{@code maximum} to the average and missing
 * {@code total} to average x count: some producers send only the default aggregation. A missing {@code average} is
 * rejected, since every rule reads it.
 *
 * <p>Pure and thread-safe: no I/O, no Kafka types.
 */
public final class MetricPayloadParser {

  /**
   * Literal {@code NaN}/{@code Infinity} tokens are not JSON, but a producer that writes them should lose one record
   * (as {@code bad-number}), not the whole event. Floats are read as doubles: the values are doubles anyway and
   * BigDecimal parsing would only cost time.
   */
  private static final ObjectReader READER = Json.MAPPER.reader()
      .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .without(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** ISO-8601 UTC or offset date-time with 0 to 7 fractional digits (Azure prints 7). */
  private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .appendLiteral('T')
      .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
      .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
      .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 7, true).optionalEnd()
      .appendOffset("+HH:MM", "Z")
      .toFormatter(Locale.ROOT)
      .withResolverStyle(ResolverStyle.STRICT);

  private static final String SUPPORTED_GRAIN = "PT1M";

  /**
   * Parsed resource ids by their raw text: a body repeats a few ids for all its records, and parsing one (lower-case,
   * split) was a tenth of the parser's samples in the JFR profile. Ids are immutable, so threads share them; the map
   * is bounded by clearing it when full.
   */
  private static final int ID_CACHE_SIZE = 4096;
  private static final Map<String, Optional<AzureResourceId>> IDS = new ConcurrentHashMap<>();

  /** Parses one event body; never throws for bad input. */
  public List<ParseResult<MetricSample>> parse(String body, SourceRef source) {
    JsonNode root;
    try {
      root = body == null ? null : READER.readTree(body);
    } catch (JsonProcessingException e) {
      return List.of(malformed(source, body, "is not valid JSON: " + firstLine(e.getOriginalMessage())));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of(malformed(source, body, "is empty"));
    }
    JsonNode records = recordsOf(root);
    if (records == null) {
      return List.of(malformed(source, body, "has no 'records' array and is not a metric record"));
    }
    List<ParseResult<MetricSample>> out = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      out.add(parseRecord(records.get(i), source.withItem(i)));
    }
    return out;
  }

  private static Optional<AzureResourceId> resourceId(String raw) {
    Optional<AzureResourceId> id = IDS.get(raw);
    if (id == null) {
      id = AzureResourceId.parse(raw);
      if (IDS.size() >= ID_CACHE_SIZE) {
        IDS.clear();
      }
      IDS.put(raw, id);
    }
    return id;
  }

  private static JsonNode recordsOf(JsonNode root) {
    if (root.isArray()) {
      return root;
    }
    if (!root.isObject()) {
      return null;
    }
    JsonNode records = root.get("records");
    if (records != null) {
      return records.isArray() ? records : null;
    }
    return root.has("metricName") || root.has("resourceId") ? Json.MAPPER.createArrayNode().add(root) : null;
  }

  private static ParseResult<MetricSample> parseRecord(JsonNode record, SourceRef source) {
    if (!record.isObject()) {
      return ParseResult.rejected("malformed-json", source + " record is not a JSON object", null, source,
          record.toString());
    }
    Rejections reject = new Rejections(record, source);

    String rawId = text(record, "resourceId");
    if (rawId == null) {
      return reject.missing("resourceId");
    }
    AzureResourceId id = resourceId(rawId).orElse(null);
    if (id == null) {
      return reject.of("not-azure-ml", "resourceId", quote(rawId) + " is not an Azure Machine Learning resource");
    }

    String name = text(record, "metricName");
    if (name == null) {
      return reject.missing("metricName");
    }
    AzureMetric metric = AzureMetric.byRestName(name).orElse(null);
    if (metric == null) {
      if (AzureMetric.isKnownUnused(name)) {
        return ParseResult.ignored("unused-metric", source);
      }
      return reject.of("unknown-metric", "metricName", quote(name) + " is not an Azure ML metric Costwatch knows");
    }

    String rawTime = text(record, "time");
    if (rawTime == null) {
      return reject.missing("time");
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(rawTime.trim(), TIME).toInstant();
    } catch (DateTimeParseException e) {
      return reject.of("bad-time", "time", quote(rawTime) + " is not an ISO-8601 date-time with at most 7 "
          + "fractional digits");
    }

    JsonNode grain = field(record, "timeGrain");
    if (grain != null && !(grain.isTextual() && SUPPORTED_GRAIN.equalsIgnoreCase(grain.asText().trim()))) {
      return reject.of("unsupported-grain", "timeGrain", show(grain) + " is not " + SUPPORTED_GRAIN);
    }

    Aggregates agg = new Aggregates();
    ParseResult<MetricSample> bad = agg.read(record, reject);
    if (bad != null) {
      return bad;
    }

    JsonNode dimensionNode = field(record, "dimension");
    if (dimensionNode != null && !dimensionNode.isObject()) {
      return reject.of("bad-dimension", "dimension", show(dimensionNode) + " is not a JSON object");
    }
    Map<String, String> dimensions = dimensions(dimensionNode);
    return ParseResult.parsed(new MetricSample(MetricSample.SCHEMA_VERSION, scope(id, dimensions), metric, time,
        agg.average, agg.minimum, agg.maximum, agg.total, agg.count, dimensions, source));
  }

  /**
   * The finest scope the record names. A compute dimension ({@code ClusterName} on the classic metrics,
   * {@code ComputeName} on the newer ones) narrows a workspace id to that compute; a {@code deployment} dimension
   * (online endpoint metrics) narrows an endpoint id to that deployment. An id that already names a compute or a
   * deployment keeps it.
   */
  static AzureResourceId scope(AzureResourceId id, Map<String, String> dimensions) {
    if (id.deployment() != null || id.compute() != null) {
      return id;
    }
    String deployment = dimensions.get("deployment");
    if (id.endpoint() != null && deployment != null && !deployment.isBlank()) {
      return id.withDeployment(id.endpoint(), deployment);
    }
    String compute = dimensions.getOrDefault("clustername", dimensions.get("computename"));
    if (id.endpoint() == null && compute != null && !compute.isBlank()) {
      return id.withCompute(compute);
    }
    return id;
  }

  private static Map<String, String> dimensions(JsonNode node) {
    if (node == null || node.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (!e.getValue().isNull()) {
        out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The value under {@code name} or its capitalised DCR spelling; null when absent or JSON null. */
  private static JsonNode field(JsonNode record, String name) {
    JsonNode v = record.get(name);
    if (v == null) {
      v = record.get(Character.toUpperCase(name.charAt(0)) + name.substring(1));
    }
    return v == null || v.isNull() ? null : v;
  }

  private static String text(JsonNode record, String name) {
    JsonNode v = field(record, name);
    if (v == null || !v.isValueNode()) {
      return null;
    }
    String s = v.asText();
    return s.isBlank() ? null : s;
  }

  private static ParseResult<MetricSample> malformed(SourceRef source, String body, String what) {
    return ParseResult.rejected("malformed-json", source + " body " + what, null, source, body);
  }

  /** A value as it appeared: strings quoted, numbers (including NaN/Infinity tokens) bare. */
  private static String show(JsonNode v) {
    return v.isNumber() ? v.asText() : v.toString();
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Builds rejections that name the field and the source, e.g. {@code f.jsonl:12#3 field 'average': ...}. */
  private record Rejections(JsonNode record, SourceRef source) {

    ParseResult<MetricSample> of(String reason, String field, String what) {
      return ParseResult.rejected(reason, source + " field '" + field + "': " + what, field, source,
          record.toString());
    }

    ParseResult<MetricSample> missing(String field) {
      return of("missing-field", field, "is missing");
    }
  }

  /** The five aggregates of one record, read from either casing. */
  private static final class Aggregates {
    double average;
    double minimum;
    double maximum;
    double total;
    long count;

    ParseResult<MetricSample> read(JsonNode record, Rejections reject) {
      JsonNode avgNode = field(record, "average");
      if (avgNode == null) {
        return reject.missing("average");
      }
      Double avg = number(avgNode);
      if (avg == null) {
        return notANumber(reject, "average", avgNode);
      }
      average = avg;
      Double cnt = optional(record, "count", 1.0);
      if (cnt == null) {
        return notANumber(reject, "count", field(record, "count"));
      }
      if (cnt < 0 || cnt != Math.rint(cnt)) {
        return reject.of("bad-number", "count", show(field(record, "count")) + " is not a non-negative whole number");
      }
      count = cnt.longValue();
      Double min = optional(record, "minimum", average);
      if (min == null) {
        return notANumber(reject, "minimum", field(record, "minimum"));
      }
      Double max = optional(record, "maximum", average);
      if (max == null) {
        return notANumber(reject, "maximum", field(record, "maximum"));
      }
      Double tot = optional(record, "total", average * count);
      if (tot == null) {
        return notANumber(reject, "total", field(record, "total"));
      }
      minimum = min;
      maximum = max;
      total = tot;
      return null;
    }

    private static ParseResult<MetricSample> notANumber(Rejections reject, String field, JsonNode value) {
      return reject.of("bad-number", field, show(value) + " is not a finite number");
    }

    /** The field's value, {@code fallback} when absent, or null when present but not a finite number. */
    private static Double optional(JsonNode record, String name, double fallback) {
      JsonNode v = field(record, name);
      return v == null ? Double.valueOf(fallback) : number(v);
    }

    /** A finite double from a JSON number or a numeric string (the DCR shape); null otherwise. */
    private static Double number(JsonNode v) {
      double d;
      if (v.isNumber()) {
        d = v.doubleValue();
      } else if (v.isTextual()) {
        String s = v.asText().trim();
        if (s.isEmpty() || !looksNumeric(s)) {
          return null;
        }
        try {
          d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return null;
        }
      } else {
        return null;
      }
      return Double.isFinite(d) ? d : null;
    }

    /** Rejects what {@link Double#parseDouble} would accept but JSON numbers never contain (hex, "1d", "NaN"). */
    private static boolean looksNumeric(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
          return false;
        }
      }
      return true;
    }
  }
}
