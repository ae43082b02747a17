package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import java.time.LocalDate;
import io.costwatch.ingest.ExportRunEnd;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retracts line items that vanished from a later run of the same export (same billing scope, dataset and month). It
 * remembers, per export scope, which run last had each watched line item; when a run ends (its {@link ExportRunEnd}
 * follows its rows in the same partition, since rows are keyed by export scope) every line item of the scope that
 * this run did not have, and that lies inside what the run covered ({@link RunCoverage}: its charge days and its
 * subscriptions and resource groups), is sent on as a tombstone, so the line-item table deletes it and the daily
 * totals subtract it. Only items last seen by a run that had ended before this run started are retracted: an item
 * last seen by a run still open, or by one that ended while this run was arriving (interleaved runs of one export),
 * is kept. A run that arrived incomplete (fewer rows than its end record counts) retracts nothing.
 *
 * <p>Output: watched line items keyed by line-item id, and tombstones (null values) for retracted ones. Rows the
 * {@code watched} predicate refuses (not Azure ML, other cost basis, not usage) are counted for the run but never
 * reach the table, so they are not tracked.
 */
final class ExportRunTracker implements Processor<String, BillingItem, String, CostRecord> {

  static final String STORE = "billing-export-runs-store";
  private static final Logger LOG = LoggerFactory.getLogger(ExportRunTracker.class);
  private static final StringSerializer KEYS = new StringSerializer();
  /** Separates the fields of an item's tag: the run that last had it, its charge day, its area. */
  private static final String SEP = "\u001f";
  private static final String SEQUENCE_KEY = "s|sequence";

  private final Predicate<CostRecord> watched;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, CostRecord> context;
  private KeyValueStore<String, String> runs;

  ExportRunTracker(Predicate<CostRecord> watched, PipelineMetrics metrics) {
    this.watched = watched;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, CostRecord> context) {
    this.context = context;
    this.runs = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, BillingItem> record) {
    BillingItem item = record.value();
    if (item.isRow()) {
      track(record, item.row(), item.exportRun());
    } else {
      end(item.runEnd(), record.timestamp());
    }
  }

  private void track(Record<String, BillingItem> record, CostRecord row, String run) {
    if (FlushMarker.isMarker(row.workspace())) {
      context.forward(new Record<>(row.lineItemId(), row, record.timestamp(), record.headers()));
      return;
    }
    if (run != null) {
      String counted = countKey(row.exportScope(), run);
      String known = runs.get(counted);
      RunCoverage coverage = known == null ? RunCoverage.startingAt(nextSequence()) : read(known);
      runs.put(counted, write(coverage.with(row)));
    }
    if (!watched.test(row)) {
      return;
    }
    if (run != null) {
      runs.put(itemKey(row.exportScope(), row.lineItemId()), String.join(SEP, run,
          RunCoverage.dayOf(row).toString(), RunCoverage.areaOf(row)));
    }
    context.forward(new Record<>(row.lineItemId(), row, record.timestamp(), record.headers()));
  }

  private void end(ExportRunEnd end, long timestamp) {
    String counted = countKey(end.exportScope(), end.exportRun());
    String known = runs.get(counted);
    RunCoverage coverage = known == null ? RunCoverage.startingAt(Long.MAX_VALUE) : read(known);
    long seen = coverage.rows();
    runs.delete(counted);
    runs.put(endKey(end.exportScope(), end.exportRun()), Long.toString(nextSequence()));
    if (seen != end.rows()) {
      LOG.warn("export run {} of {} ended with {} of its {} rows seen; nothing retracted (the next complete run "
          + "of this export will)", end.exportRun(), end.exportScope(), seen, end.rows());
      metrics.exportRunEnded("incomplete", 0);
      return;
    }
    List<KeyValue<String, String>> vanished = new ArrayList<>();
    Map<String, Boolean> endedBefore = new HashMap<>();
    String prefix = itemPrefix(end.exportScope());
    try (KeyValueIterator<String, String> items = runs.prefixScan(prefix, KEYS)) {
      while (items.hasNext()) {
        KeyValue<String, String> entry = items.next();
        String[] tag = entry.value.split(SEP, -1);
        // only an item last seen by a run that had ended before this one started is known to be missing from this
        // run; one last seen by a run still open, or ended while this one was arriving (interleaved runs), is kept
        boolean older = endedBefore.computeIfAbsent(tag[0], run -> {
          String ended = runs.get(endKey(end.exportScope(), run));
          return ended != null && Long.parseLong(ended) < coverage.startedAt();
        });
        if (!end.exportRun().equals(tag[0]) && older && coverage.covers(LocalDate.parse(tag[1]), tag[2])) {
          vanished.add(entry);
        }
      }
    }
    for (KeyValue<String, String> entry : vanished) {
      runs.delete(entry.key);
      context.forward(new Record<String, CostRecord>(entry.key.substring(prefix.length()), null, timestamp));
    }
    if (!vanished.isEmpty()) {
      LOG.info("export run {} of {} retracted {} line items earlier runs had", end.exportRun(), end.exportScope(),
          vanished.size());
    }
    metrics.exportRunEnded("complete", vanished.size());
  }

  private static RunCoverage read(String json) {
    try {
      return Json.MAPPER.readValue(json, RunCoverage.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable run coverage in " + STORE + ": " + json, e);
    }
  }

  private static String write(RunCoverage coverage) {
    try {
      return Json.MAPPER.writeValueAsString(coverage);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write run coverage " + coverage, e);
    }
  }

  /** The next value of this task's sequence of run starts and ends. */
  private long nextSequence() {
    String last = runs.get(SEQUENCE_KEY);
    long next = last == null ? 1 : Long.parseLong(last) + 1;
    runs.put(SEQUENCE_KEY, Long.toString(next));
    return next;
  }

  private static String endKey(String scope, String run) {
    return "e|" + scope + SEP + run;
  }

  private static String countKey(String scope, String run) {
    return "n|" + scope + SEP + run;
  }

  private static String itemPrefix(String scope) {
    return "i|" + scope + SEP;
  }

  private static String itemKey(String scope, String lineItemId) {
    return itemPrefix(scope) + lineItemId;
  }
}
