package io.costwatch.ingest.billing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One header set resolved against one {@link ExportSchema}: the real header name of each logical column, and the
 * real names of the identity columns. Built once per header set (see {@link SchemaDetector}) so that reading a value
 * per row is a single map lookup.
 */
record ColumnMap(ExportSchema schema, Map<Column, String> headers, List<IdentityColumn> identity) {

  /** An identity column by its canonical name, and the header it was found under (null when absent). */
  record IdentityColumn(String name, String header) {}

  static ColumnMap resolve(ExportSchema schema, Collection<String> headerNames) {
    Map<String, String> byLower = new HashMap<>();
    for (String header : headerNames) {
      byLower.putIfAbsent(lower(header), header);
    }
    Map<Column, String> headers = new EnumMap<>(Column.class);
    for (Column column : Column.values()) {
      schema.candidates(column).stream()
          .map(candidate -> byLower.get(lower(candidate)))
          .filter(header -> header != null)
          .findFirst()
          .ifPresent(header -> headers.put(column, header));
    }
    List<IdentityColumn> identity = new ArrayList<>();
    for (String name : schema.identityColumns()) {
      identity.add(new IdentityColumn(name, byLower.get(lower(name))));
    }
    return new ColumnMap(schema, headers, List.copyOf(identity));
  }

  /** The header a column is read from, if this header set has it. */
  Optional<String> header(Column column) {
    return Optional.ofNullable(headers.get(column));
  }

  /** The column's trimmed value; empty when the column is absent, blank, or the literal {@code NULL}. */
  String value(Map<String, String> row, Column column) {
    return clean(row, headers.get(column));
  }

  static String clean(Map<String, String> row, String header) {
    if (header == null) {
      return "";
    }
    String raw = row.get(header);
    if (raw == null) {
      return "";
    }
    String trimmed = raw.trim();
    return "NULL".equals(trimmed) ? "" : trimmed;
  }

  static String lower(String s) {
    return s.trim().toLowerCase(Locale.ROOT);
  }
}
