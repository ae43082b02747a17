package io.costwatch.ingest;

import java.util.Map;

/**
 * One row of a Cost Management export as it was read, before any interpretation: the header names mapped to the
 * row's values. File ingest and the Event Hubs bridge publish these to the raw billing topic; the topology parses
 * them, so a parser fix can be replayed over the raw topic.
 *
 * <p>The same topic carries the end of each export run: a record with no columns and a {@link ExportRunEnd}, sent
 * once every row of the run was acknowledged, so the topology can retract the rows that vanished since the last run.
 *
 * @param file the export file (or blob) the row came from
 * @param line the 1-based physical line of the row in that file
 * @param exportRun identifies one export run (a manifest runId, or the file), used to retract vanished rows
 * @param columns header name to raw value, in file order (empty on a run-end record)
 * @param error a structural problem the reader saw (for example a column count that does not match the header), or
 *     null; such rows are dead-lettered by the parser with this reason
 * @param runEnd set only on the record that ends an export run
 */
public record RawBillingRow(int schemaVersion, String file, long line, String exportRun, Map<String, String> columns,
    String error, ExportRunEnd runEnd) {

  public static final int SCHEMA_VERSION = 1;

  /** A data row. */
  public RawBillingRow(int schemaVersion, String file, long line, String exportRun, Map<String, String> columns,
      String error) {
    this(schemaVersion, file, line, exportRun, columns, error, null);
  }

  /** The record that ends {@code end.exportRun()} for one export scope. */
  public static RawBillingRow endOf(ExportRunEnd end) {
    return new RawBillingRow(SCHEMA_VERSION, null, 0, end.exportRun(), Map.of(), null, end);
  }
}
