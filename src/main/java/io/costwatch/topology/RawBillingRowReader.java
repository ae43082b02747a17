package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.Json;
import io.costwatch.ingest.RawBillingRow;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a raw billing row ({@link RawBillingRow} as JSON text) with Jackson's streaming parser, in one pass, when it
 * has the shape every Costwatch publisher writes: string (or null) columns, numbers where numbers belong, each field
 * once. Anything else (a run end, a number among the columns, a text where a number belongs, a repeated field,
 * trailing content, malformed JSON) is read by Jackson's data binding exactly as before, so its coercions and its
 * errors, which decide between a parsed row and a dead letter, stay the same. The data binding was the largest part
 * of the billing parse step per row.
 */
final class RawBillingRowReader {

  private static final ObjectReader ROWS = Json.MAPPER.readerFor(RawBillingRow.class);

  private RawBillingRowReader() {
  }

  /** The row, as {@code ObjectReader.readValue} would read it; throws as it would on unreadable text. */
  static RawBillingRow read(String text) throws IOException {
    RawBillingRow row;
    try {
      row = fast(text);
    } catch (IOException e) {
      row = null; // malformed somewhere: the data binding reads it (or fails on it) as it always did
    }
    return row != null ? row : ROWS.readValue(text);
  }

  /** The row read in one pass, or null when the text is not of the plain shape (the data binding decides then). */
  static RawBillingRow fast(String text) throws IOException {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      int schemaVersion = 0;
      String file = null;
      long line = 0;
      String exportRun = null;
      Map<String, String> columns = null;
      String error = null;
      int seen = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        String name = p.currentName();
        JsonToken value = p.nextToken();
        int bit = switch (name) {
          case "schemaVersion" -> 1;
          case "file" -> 2;
          case "line" -> 4;
          case "exportRun" -> 8;
          case "columns" -> 16;
          case "error" -> 32;
          default -> 0;
        };
        if ((seen & bit) != 0 || "runEnd".equals(name)) {
          return null;
        }
        seen |= bit;
        switch (name) {
          case "schemaVersion" -> {
            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
              return null;
            }
            schemaVersion = p.getIntValue();
          }
          case "line" -> {
            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              return null;
            }
            line = p.getLongValue();
          }
          case "file", "exportRun", "error" -> {
            if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
              return null;
            }
            String s = value == JsonToken.VALUE_NULL ? null : p.getText();
            if (bit == 2) {
              file = s;
            } else if (bit == 8) {
              exportRun = s;
            } else {
              error = s;
            }
          }
          case "columns" -> {
            if (value == JsonToken.VALUE_NULL) {
              columns = null;
            } else if (value != JsonToken.START_OBJECT || (columns = columns(p)) == null) {
              return null;
            }
          }
          default -> p.skipChildren(); // unknown fields are ignored, as the data binding ignores them
        }
      }
      if (p.nextToken() != null) {
        return null;
      }
      return new RawBillingRow(schemaVersion, file, line, exportRun, columns, error, null);
    }
  }

  /** The columns object's string (or null) values in order, or null when one is of another type or repeated. */
  private static Map<String, String> columns(JsonParser p) throws IOException {
    Map<String, String> columns = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
        return null;
      }
      if (columns.containsKey(name)) {
        return null;
      }
      columns.put(name, value == JsonToken.VALUE_NULL ? null : p.getText());
    }
    return columns;
  }
}
