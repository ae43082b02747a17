package io.costwatch.ingest.monitor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
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
import java.io.IOException;
import java.util.Collections;
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
 * <p>The body is read as a token stream (Jackson's {@link JsonParser}), not as a tree: a record's values land in
 * reused slots, and the texts that repeat across records (resource ids, metric names, the minute, dimension values)
 * come from small caches keyed by their characters, so a valid record allocates little more than its
 * {@link MetricSample}. Rejections are the rare path: they re-read the record's text to show it.
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
  /** Reads one value inside the stream as a tree (the rare structured values), leaving the rest of the stream. */
  private static final ObjectReader VALUE_READER = READER.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
   * Parsed values by their raw text. A body repeats a few resource ids, metric names and minutes for all its records:
   * parsing an id (lower-case, split) was a tenth of the parser's samples in the JFR profile, and a date-time parse
   * allocates more than the whole sample. The values are immutable, so threads share them.
   */
  private static final TextCache<Optional<AzureResourceId>> IDS = new TextCache<>(4096, AzureResourceId::parse);
  private static final TextCache<Optional<AzureMetric>> METRICS = new TextCache<>(256, AzureMetric::byRestName);
  private static final TextCache<Optional<Instant>> TIMES = new TextCache<>(1024, MetricPayloadParser::parseTime);
  private static final TextCache<String> TEXTS = new TextCache<>(4096, s -> s);
  /** Dimension names lower-cased; Jackson hands out field names as canonical strings, so this stays small. */
  private static final Map<String, String> LOWER_KEYS = new ConcurrentHashMap<>();
  private static final int MAX_LOWER_KEYS = 1024;

  /** Parses one event body; never throws for bad input. */
  public List<ParseResult<MetricSample>> parse(String body, SourceRef source) {
    if (body == null) {
      return List.of(malformed(source, null, "is empty"));
    }
    try (JsonParser p = READER.createParser(body)) {
      JsonToken first = p.nextToken();
      List<ParseResult<MetricSample>> out;
      if (first == null || first == JsonToken.VALUE_NULL) {
        out = List.of(malformed(source, body, "is empty"));
      } else if (first == JsonToken.START_ARRAY) {
        out = readRecords(p, body, source);
      } else if (first == JsonToken.START_OBJECT) {
        out = readRoot(p, body, source);
      } else {
        out = List.of(malformed(source, body, "has no 'records' array and is not a metric record"));
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        return List.of(malformed(source, body, "is not valid JSON: trailing token (of type " + trailing
            + ") found after the value"));
      }
      return out;
    } catch (IOException e) {
      String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      return List.of(malformed(source, body, "is not valid JSON: " + firstLine(message)));
    }
  }

  /** The root object: an envelope with {@code records}, or one record (an NDJSON line). */
  private static List<ParseResult<MetricSample>> readRoot(JsonParser p, String body, SourceRef source)
      throws IOException {
    RecordSlots slots = new RecordSlots();
    slots.start = p.currentTokenLocation().getCharOffset();
    List<ParseResult<MetricSample>> records = null;
    boolean sawRecords = false;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("records".equals(name)) {
        sawRecords = true;
        if (value == JsonToken.START_ARRAY) {
          records = readRecords(p, body, source);
        } else {
          p.skipChildren();
          records = null;
        }
      } else {
        slots.capture(name, value, p);
      }
    }
    slots.end = p.currentTokenLocation().getCharOffset();
    if (sawRecords) {
      return records != null ? records
          : List.of(malformed(source, body, "has no 'records' array and is not a metric record"));
    }
    if (slots.rootRecordKeys) {
      return List.of(slots.result(body, source.withItem(0)));
    }
    return List.of(malformed(source, body, "has no 'records' array and is not a metric record"));
  }

  /** The elements of an array of records; the parser is on its {@code START_ARRAY} and ends on its end. */
  private static List<ParseResult<MetricSample>> readRecords(JsonParser p, String body, SourceRef source)
      throws IOException {
    List<ParseResult<MetricSample>> out = new ArrayList<>();
    RecordSlots slots = new RecordSlots();
    int i = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) {
        throw new IOException("unexpected end of input inside the records array");
      }
      SourceRef item = source.withItem(i++);
      if (t == JsonToken.START_OBJECT) {
        slots.reset(p.currentTokenLocation().getCharOffset());
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
          String name = p.currentName();
          slots.capture(name, p.nextToken(), p);
        }
        slots.end = p.currentTokenLocation().getCharOffset();
        out.add(slots.result(body, item));
      } else {
        JsonNode element = VALUE_READER.readTree(p);
        out.add(ParseResult.rejected("malformed-json", item + " record is not a JSON object", null, item,
            element.toString()));
      }
    }
    return out;
  }

  private static Optional<Instant> parseTime(String raw) {
    try {
      return Optional.of(OffsetDateTime.parse(raw.trim(), TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
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

  private static ParseResult<MetricSample> malformed(SourceRef source, String body, String what) {
    return ParseResult.rejected("malformed-json", source + " body " + what, null, source, body);
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

  /** The fields a record may have, each in its camel-case and its capitalised (DCR) spelling. */
  private enum Slot {
    RESOURCE_ID("resourceId"), METRIC_NAME("metricName"), TIME("time"), TIME_GRAIN("timeGrain"),
    AVERAGE("average"), COUNT("count"), MINIMUM("minimum"), MAXIMUM("maximum"), TOTAL("total"),
    DIMENSION("dimension");

    final String key;
    final String capitalised;

    Slot(String key) {
      this.key = key;
      this.capitalised = Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    private static final Slot[] ALL = values();
  }

  /**
   * One captured value. Texts are kept only where they will be needed: cached objects for the repeated texts,
   * the raw text for a value that will be shown in a rejection.
   */
  private static final class Value {
    boolean present;
    JsonToken token;
    /** Numbers and numeric strings: the value; NaN when not a finite number. */
    double number;
    /** The text as {@code asText()} gives it, when kept. */
    String text;
    /** What a rejection shows: numbers bare, strings quoted, structures as JSON; set when kept. */
    String shown;
    /** A cached parse of the text (resource id, metric, time). */
    Object cached;
    boolean blank;
    Map<String, String> dimensions;

    void reset() {
      present = false;
      token = null;
      number = Double.NaN;
      text = null;
      shown = null;
      cached = null;
      blank = false;
      dimensions = null;
    }

    boolean isNull() {
      return !present || token == JsonToken.VALUE_NULL;
    }

    boolean isScalar() {
      return token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY;
    }
  }

  /** The slots of one record, reused from record to record of a body. */
  private static final class RecordSlots {
    final Value[] camel = new Value[Slot.ALL.length];
    final Value[] capital = new Value[Slot.ALL.length];
    long start;
    long end;
    /** Whether the object has a camel-case {@code metricName} or {@code resourceId} key (a root-level record). */
    boolean rootRecordKeys;

    RecordSlots() {
      for (int i = 0; i < camel.length; i++) {
        camel[i] = new Value();
        capital[i] = new Value();
      }
      reset(0);
    }

    void reset(long offset) {
      for (int i = 0; i < camel.length; i++) {
        camel[i].reset();
        capital[i].reset();
      }
      start = offset;
      end = -1;
      rootRecordKeys = false;
    }

    /** Captures the value the parser is on under {@code name}; unknown keys are skipped. */
    void capture(String name, JsonToken token, JsonParser p) throws IOException {
      for (Slot slot : Slot.ALL) {
        boolean isCamel = slot.key.equals(name);
        if (isCamel || slot.capitalised.equals(name)) {
          if (isCamel && (slot == Slot.METRIC_NAME || slot == Slot.RESOURCE_ID)) {
            rootRecordKeys = true;
          }
          Value v = (isCamel ? camel : capital)[slot.ordinal()];
          v.reset();
          v.present = true;
          v.token = token;
          read(slot, v, token, p);
          return;
        }
      }
      p.skipChildren();
    }

    private static void read(Slot slot, Value v, JsonToken token, JsonParser p) throws IOException {
      switch (token) {
        case VALUE_NULL -> { }
        case VALUE_STRING -> readString(slot, v, p);
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> readNumber(slot, v, token, p);
        case VALUE_TRUE, VALUE_FALSE -> {
          v.text = token == JsonToken.VALUE_TRUE ? "true" : "false";
          v.shown = v.text;
        }
        case START_OBJECT -> {
          if (slot == Slot.DIMENSION) {
            v.dimensions = readDimensions(p);
          } else {
            v.shown = VALUE_READER.readTree(p).toString();
          }
        }
        default -> v.shown = VALUE_READER.readTree(p).toString();
      }
    }

    private static void readString(Slot slot, Value v, JsonParser p) throws IOException {
      char[] chars = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      switch (slot) {
        case RESOURCE_ID -> v.cached = IDS.get(chars, off, len);
        case METRIC_NAME -> v.cached = METRICS.get(chars, off, len);
        case TIME -> v.cached = TIMES.get(chars, off, len);
        case TIME_GRAIN -> {
          if (!isGrain(chars, off, len)) {
            v.shown = TextNode.valueOf(p.getText()).toString();
          }
          return;
        }
        case DIMENSION -> {
          v.shown = TextNode.valueOf(p.getText()).toString();
          return;
        }
        default -> {
          v.number = numeric(chars, off, len);
          if (!Double.isFinite(v.number) || slot == Slot.COUNT && !isCount(v.number)) {
            v.shown = TextNode.valueOf(p.getText()).toString();
          }
          return;
        }
      }
      TextCache.Entry<?> e = (TextCache.Entry<?>) v.cached;
      v.text = e.text();
      v.blank = e.blank();
    }

    private static void readNumber(Slot slot, Value v, JsonToken token, JsonParser p) throws IOException {
      // Jackson materialises a String to parse a float token; parsing its characters here allocates nothing.
      // NaN/Infinity tokens and overflows fall back to Jackson, which knows them.
      double fast = token == JsonToken.VALUE_NUMBER_FLOAT
          ? numeric(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()) : Double.NaN;
      v.number = Double.isFinite(fast) ? fast : p.getDoubleValue();
      boolean kept = slot == Slot.RESOURCE_ID || slot == Slot.METRIC_NAME || slot == Slot.TIME
          || slot == Slot.TIME_GRAIN || slot == Slot.DIMENSION || !Double.isFinite(v.number)
          || slot == Slot.COUNT && !isCount(v.number);
      if (kept) {
        v.text = token == JsonToken.VALUE_NUMBER_INT ? p.getNumberValue().toString() : Double.toString(v.number);
        v.shown = v.text;
      }
    }

    private static Map<String, String> readDimensions(JsonParser p) throws IOException {
      Map<String, String> out = null;
      boolean empty = true;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        empty = false;
        String name = p.currentName();
        JsonToken value = p.nextToken();
        String text = switch (value) {
          case VALUE_NULL -> null;
          case VALUE_STRING -> TEXTS.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()).value();
          case VALUE_NUMBER_INT -> p.getNumberValue().toString();
          case VALUE_NUMBER_FLOAT -> Double.toString(p.getDoubleValue());
          case VALUE_TRUE -> "true";
          case VALUE_FALSE -> "false";
          default -> {
            p.skipChildren();
            yield "";
          }
        };
        if (text != null) {
          if (out == null) {
            out = new LinkedHashMap<>(4);
          }
          out.put(lowerKey(name), text);
        }
      }
      if (empty) {
        return Map.of();
      }
      return out == null ? Collections.emptyMap() : Collections.unmodifiableMap(out);
    }

    private static String lowerKey(String name) {
      String lower = LOWER_KEYS.get(name);
      if (lower == null) {
        lower = name.toLowerCase(Locale.ROOT);
        if (LOWER_KEYS.size() < MAX_LOWER_KEYS) {
          LOWER_KEYS.put(name, lower);
        }
      }
      return lower;
    }

    /** The value of a slot: the camel-case spelling when present (even as JSON null), else the capitalised one. */
    private Value field(Slot slot) {
      Value v = camel[slot.ordinal()];
      if (!v.present) {
        v = capital[slot.ordinal()];
      }
      return v.isNull() ? null : v;
    }

    /** The usable text of a scalar slot; null when absent, JSON null, a structure or blank. */
    private Value text(Slot slot) {
      Value v = field(slot);
      if (v == null || !v.isScalar() || v.blank || v.text == null || v.text.isBlank()) {
        return null;
      }
      return v;
    }

    ParseResult<MetricSample> result(String body, SourceRef source) {
      Rejections reject = new Rejections(this, body, source);

      Value idValue = text(Slot.RESOURCE_ID);
      if (idValue == null) {
        return reject.missing("resourceId");
      }
      AzureResourceId id = idValue.cached instanceof TextCache.Entry<?> e
          ? (AzureResourceId) ((Optional<?>) e.value()).orElse(null)
          : AzureResourceId.parse(idValue.text).orElse(null);
      if (id == null) {
        return reject.of("not-azure-ml", "resourceId", quote(idValue.text)
            + " is not an Azure Machine Learning resource");
      }

      Value nameValue = text(Slot.METRIC_NAME);
      if (nameValue == null) {
        return reject.missing("metricName");
      }
      AzureMetric metric = nameValue.cached instanceof TextCache.Entry<?> e
          ? (AzureMetric) ((Optional<?>) e.value()).orElse(null)
          : AzureMetric.byRestName(nameValue.text).orElse(null);
      if (metric == null) {
        if (AzureMetric.isKnownUnused(nameValue.text)) {
          return ParseResult.ignored("unused-metric", source);
        }
        return reject.of("unknown-metric", "metricName", quote(nameValue.text)
            + " is not an Azure ML metric Costwatch knows");
      }

      Value timeValue = text(Slot.TIME);
      if (timeValue == null) {
        return reject.missing("time");
      }
      Optional<?> parsedTime = timeValue.cached instanceof TextCache.Entry<?> e ? (Optional<?>) e.value()
          : parseTime(timeValue.text);
      if (parsedTime.isEmpty()) {
        return reject.of("bad-time", "time", quote(timeValue.text) + " is not an ISO-8601 date-time with at most 7 "
            + "fractional digits");
      }
      Instant time = (Instant) parsedTime.get();

      Value grain = field(Slot.TIME_GRAIN);
      if (grain != null && grain.shown != null) {
        return reject.of("unsupported-grain", "timeGrain", grain.shown + " is not " + SUPPORTED_GRAIN);
      }

      Value avg = field(Slot.AVERAGE);
      if (avg == null) {
        return reject.missing("average");
      }
      if (!isFiniteNumber(avg)) {
        return notANumber(reject, "average", avg);
      }
      double average = avg.number;
      Value cnt = field(Slot.COUNT);
      if (cnt != null && !isFiniteNumber(cnt)) {
        return notANumber(reject, "count", cnt);
      }
      double countValue = cnt == null ? 1.0 : cnt.number;
      if (!isCount(countValue)) {
        return reject.of("bad-number", "count", cnt.shown + " is not a non-negative whole number");
      }
      long count = (long) countValue;
      Value min = field(Slot.MINIMUM);
      if (min != null && !isFiniteNumber(min)) {
        return notANumber(reject, "minimum", min);
      }
      Value max = field(Slot.MAXIMUM);
      if (max != null && !isFiniteNumber(max)) {
        return notANumber(reject, "maximum", max);
      }
      Value tot = field(Slot.TOTAL);
      if (tot != null && !isFiniteNumber(tot)) {
        return notANumber(reject, "total", tot);
      }

      Value dimension = field(Slot.DIMENSION);
      if (dimension != null && dimension.dimensions == null) {
        return reject.of("bad-dimension", "dimension", dimension.shown + " is not a JSON object");
      }
      Map<String, String> dimensions = dimension == null ? Map.of() : dimension.dimensions;
      return ParseResult.parsed(new MetricSample(MetricSample.SCHEMA_VERSION, scope(id, dimensions), metric, time,
          average, min == null ? average : min.number, max == null ? average : max.number,
          tot == null ? average * count : tot.number, count, dimensions, source));
    }

    private static boolean isFiniteNumber(Value v) {
      boolean numeric = v.token == JsonToken.VALUE_NUMBER_INT || v.token == JsonToken.VALUE_NUMBER_FLOAT
          || v.token == JsonToken.VALUE_STRING;
      return numeric && Double.isFinite(v.number);
    }

    private static ParseResult<MetricSample> notANumber(Rejections reject, String field, Value value) {
      String shown = value.shown != null ? value.shown : value.text;
      return reject.of("bad-number", field, shown + " is not a finite number");
    }

    /** The record's text as compact JSON, for a rejection (the record is re-read from the body). */
    String raw(String body) {
      if (body == null || start < 0 || end < start || end >= body.length()) {
        return body;
      }
      String text = body.substring((int) start, (int) end + 1);
      try {
        return READER.readTree(text).toString();
      } catch (JsonProcessingException e) {
        return text;
      }
    }
  }

  private static boolean isCount(double d) {
    return d >= 0 && d == Math.rint(d);
  }

  /** The first index in {@code [from, to)} that {@link String#trim} would keep ({@code to} when none). */
  private static int trimStart(char[] chars, int from, int to) {
    while (from < to && chars[from] <= ' ') {
      from++;
    }
    return from;
  }

  /** The end (exclusive) of {@code [from, to)} without trailing characters {@link String#trim} would drop. */
  private static int trimEnd(char[] chars, int from, int to) {
    while (to > from && chars[to - 1] <= ' ') {
      to--;
    }
    return to;
  }

  /** Whether the characters, trimmed, are {@code PT1M} in any case. */
  private static boolean isGrain(char[] chars, int off, int len) {
    int from = trimStart(chars, off, off + len);
    int to = trimEnd(chars, from, off + len);
    if (to - from != SUPPORTED_GRAIN.length()) {
      return false;
    }
    for (int i = 0; i < SUPPORTED_GRAIN.length(); i++) {
      if (Character.toUpperCase(chars[from + i]) != SUPPORTED_GRAIN.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A finite double from a numeric string (the DCR shape), trimmed; NaN when it is not one. Only the characters of
   * JSON numbers are accepted (no hex, "1d" or "NaN", which {@link Double#parseDouble} would take).
   */
  private static double numeric(char[] chars, int off, int len) {
    int from = trimStart(chars, off, off + len);
    int to = trimEnd(chars, from, off + len);
    if (from == to) {
      return Double.NaN;
    }
    for (int i = from; i < to; i++) {
      char c = chars[i];
      if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
        return Double.NaN;
      }
    }
    try {
      double d = NumberInput.parseDouble(chars, from, to - from, true);
      return Double.isFinite(d) ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Builds rejections that name the field and the source, e.g. {@code f.jsonl:12#3 field 'average': ...}. */
  private record Rejections(RecordSlots slots, String body, SourceRef source) {

    ParseResult<MetricSample> of(String reason, String field, String what) {
      return ParseResult.rejected(reason, source + " field '" + field + "': " + what, field, source,
          slots.raw(body));
    }

    ParseResult<MetricSample> missing(String field) {
      return of("missing-field", field, "is missing");
    }
  }

  /**
   * Parsed values by the characters of their text, in a fixed table (one entry a slot, the newest wins): lookups of
   * a repeated text allocate nothing. Entries are immutable, so a racy table is safe to share between threads.
   */
  static final class TextCache<T> {

    record Entry<T>(int hash, String text, boolean blank, T value) {
      boolean matches(char[] chars, int off, int len) {
        if (text.length() != len) {
          return false;
        }
        for (int i = 0; i < len; i++) {
          if (text.charAt(i) != chars[off + i]) {
            return false;
          }
        }
        return true;
      }
    }

    private final Entry<T>[] table;
    private final java.util.function.Function<String, T> parse;

    @SuppressWarnings("unchecked")
    TextCache(int size, java.util.function.Function<String, T> parse) {
      this.table = (Entry<T>[]) new Entry<?>[Integer.highestOneBit(size)];
      this.parse = parse;
    }

    Entry<T> get(char[] chars, int off, int len) {
      int h = 0;
      for (int i = 0; i < len; i++) {
        h = 31 * h + chars[off + i];
      }
      int index = (h ^ (h >>> 16)) & (table.length - 1);
      Entry<T> e = table[index];
      if (e != null && e.hash() == h && e.matches(chars, off, len)) {
        return e;
      }
      String text = new String(chars, off, len);
      e = new Entry<>(h, text, text.isBlank(), parse.apply(text));
      table[index] = e;
      return e;
    }
  }
}
