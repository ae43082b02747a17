package io.costwatch.ingest.billing;

import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.ExportRunEnd;
import io.costwatch.ingest.RawBillingRow;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Publishes the rows of export runs so that the topology can retract rows that vanished from a later run. Each
 * parsed row is keyed by its export scope (billing scope, dataset, month), so every run of one scope lands in one
 * partition in order; a row the parser rejects is keyed by its run. When a run ends, the caller's barrier waits until
 * every row was acknowledged, then one {@link ExportRunEnd} per scope of the run follows its rows, with the number of
 * rows the run had in that scope.
 *
 * <p>Not thread-safe: one publisher per reader.
 */
public final class ExportRunPublisher {

  /** Where records go: a Kafka producer in the commands, a list in tests. */
  @FunctionalInterface
  public interface Sender {
    void send(String key, RawBillingRow row);
  }

  private final BillingRowParser parser;
  private final Sender sender;
  private final Runnable barrier;
  private final String attempt;
  private final Map<String, Map<String, Long>> rowsPerScope = new HashMap<>();
  private long runEnds;

  /** A publisher whose runs keep their ids (a replay or the demo, which read every run once). */
  public ExportRunPublisher(BillingRowParser parser, Sender sender, Runnable barrier) {
    this(parser, sender, barrier, null);
  }

  /**
   * @param barrier called before a run's end records are sent; it must return only when every record sent so far is
   *     stored (a producer flush that fails on a send error), so an end record never overtakes a lost row
   * @param attempt appended to every run id as {@code run@attempt} (an ingest's start time, a bridge delivery), so
   *     a run sent again (the same file ingested again with new content, a run re-sent after a crash) is a run of its
   *     own: counted from zero, and retracting what the earlier attempt had and it has not; null keeps the ids
   */
  public ExportRunPublisher(BillingRowParser parser, Sender sender, Runnable barrier, String attempt) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.barrier = Objects.requireNonNull(barrier, "barrier");
    this.attempt = attempt;
  }

  /** Sends one row and returns how the topology will parse it (for the caller's summary). */
  public ParseResult<CostRecord> row(RawBillingRow row) {
    ParseResult<CostRecord> parsed = parser.parse(row);
    String key = row.exportRun();
    if (parsed instanceof ParseResult.Parsed<CostRecord> p) {
      key = p.value().exportScope();
      rowsPerScope.computeIfAbsent(row.exportRun(), run -> new TreeMap<>()).merge(key, 1L, Long::sum);
    }
    sender.send(key, attempt == null ? row : new RawBillingRow(row.schemaVersion(), row.file(), row.line(),
        runId(row.exportRun()), row.columns(), row.error()));
    return parsed;
  }

  /** Ends {@code exportRun}: waits for the barrier, then sends the run's end record of each scope it had. */
  public void runEnd(String exportRun) {
    Map<String, Long> scopes = rowsPerScope.remove(exportRun);
    if (scopes == null) {
      return;
    }
    barrier.run();
    scopes.forEach((scope, rows) -> {
      sender.send(scope, RawBillingRow.endOf(new ExportRunEnd(scope, runId(exportRun), rows)));
      runEnds++;
    });
  }

  private String runId(String exportRun) {
    return attempt == null ? exportRun : exportRun + "@" + attempt;
  }

  /** How many run-end records were sent. */
  public long runEndsSent() {
    return runEnds;
  }
}
