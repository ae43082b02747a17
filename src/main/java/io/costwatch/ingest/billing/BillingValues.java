package io.costwatch.ingest.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parsing of single export values: dates, decimals and the JSON text columns. Never uses locale defaults: exports
 * write US dates ({@code MM/dd/yyyy}) whatever the reader's locale.
 */
final class BillingValues {

  private static final Pattern US_DATE = Pattern.compile("\\d{1,2}/\\d{1,2}/\\d{4}");
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern VM_SIZE = Pattern.compile("(?i)(standard|basic)_\\S+");
  private static final DateTimeFormatter US = DateTimeFormatter.ofPattern("M/d/uuuu", Locale.ROOT)
      .withResolverStyle(ResolverStyle.STRICT);

  private BillingValues() {
  }

  /**
   * A date or date-time as a UTC instant: {@code MM/dd/yyyy} and {@code yyyy-MM-dd} are the UTC day's start;
   * ISO date-times may use {@code T} or a space, fractional seconds, and {@code Z} or an offset; without a zone they
   * are taken as UTC (the FOCUS sample data writes {@code 2024-09-01 00:00:00}).
   *
   * @throws DateTimeException when the text is none of these
   */
  static Instant instant(String text) {
    if (US_DATE.matcher(text).matches()) {
      return LocalDate.parse(text, US).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    if (ISO_DATE.matcher(text).matches()) {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11)
        : text;
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeException zoned) {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }
  }

  /** An exact decimal; the sign is kept (refunds and credits are negative). */
  static BigDecimal decimal(String text) {
    return new BigDecimal(text);
  }

  /**
   * Tags as an ordered map. Actual/amortized exports may omit the outer braces ({@code "k": "v","k2": "v2"}), so
   * text not starting with {@code {} is wrapped first, as the FinOps toolkit does. Invalid JSON yields an empty map:
   * tags are descriptive, and a row is not worth losing over them. A JSON {@code null} value is no value and is left
   * out.
   */
  static Map<String, String> tags(String text) {
    if (text.isEmpty()) {
      return Map.of();
    }
    JsonNode node = object(text.startsWith("{") ? text : "{" + text + "}");
    if (node == null) {
      return Map.of();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (value.isNull()) {
        continue;
      }
      tags.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
    }
    return Collections.unmodifiableMap(tags);
  }

  /**
   * The VM size from {@code AdditionalInfo.ServiceType} (FOCUS 1.1+ {@code SkuPriceDetails} may prefix it with
   * {@code x_}), or null. Only {@code Standard_*} and {@code Basic_*} values are VM sizes: other services reuse the
   * key for their own types (for example {@code SQLThreatDetection}).
   */
  static String vmSize(String additionalInfo) {
    if (additionalInfo.isEmpty()) {
      return null;
    }
    JsonNode node = object(additionalInfo);
    if (node == null) {
      return null;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey().toLowerCase(Locale.ROOT);
      if ((key.equals("servicetype") || key.equals("x_servicetype")) && field.getValue().isTextual()) {
        String size = field.getValue().asText().trim();
        return VM_SIZE.matcher(size).matches() ? size : null;
      }
    }
    return null;
  }

  private static JsonNode object(String text) {
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
