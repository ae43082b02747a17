package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import java.time.LocalDate;
import io.costwatch.ingest.ExportRunEnd;
import java.util.ArrayList;
import java.util.List;
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
 * totals subtract it. A run that arrived incomplete (fewer rows than its end record counts) retracts nothing.
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
      runs.put(counted, write(read(runs.get(counted)).with(row)));
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
    RunCoverage coverage = read(runs.get(counted));
    long seen = coverage.rows();
    runs.delete(counted);
    if (seen != end.rows()) {
      LOG.warn("export run {} of {} ended with {} of its {} rows seen; nothing retracted (the next complete run "
          + "of this export will)", end.exportRun(), end.exportScope(), seen, end.rows());
      metrics.exportRunEnded("incomplete", 0);
      return;
    }
    List<KeyValue<String, String>> vanished = new ArrayList<>();
    String prefix = itemPrefix(end.exportScope());
    try (KeyValueIterator<String, String> items = runs.prefixScan(prefix, KEYS)) {
      while (items.hasNext()) {
        KeyValue<String, String> entry = items.next();
        String[] tag = entry.value.split(SEP, -1);
        if (!end.exportRun().equals(tag[0]) && coverage.covers(LocalDate.parse(tag[1]), tag[2])) {
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
    if (json == null) {
      return RunCoverage.none();
    }
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

  private static String countKey(String scope, String run) {
    return "n|" + scope + "\u001f" + run;
  }

  private static String itemPrefix(String scope) {
    return "i|" + scope + "\u001f";
  }

  private static String itemKey(String scope, String lineItemId) {
    return itemPrefix(scope) + lineItemId;
  }
}
