package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import io.costwatch.ingest.ExportRunEnd;
import io.costwatch.topology.RunCoverage.RunSpan;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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
  /** The newest charge day of the watched rows this task passed on: its end-of-input markers carry it. */
  private static final String NEWEST_DAY_KEY = "s|newest-charge-day";

  private final Predicate<CostRecord> watched;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, CostRecord> context;
  private KeyValueStore<String, String> runs;
  /** The span text {@link #readSpan} read last, and what it read: RunSpan is an immutable record. */
  private String lastSpanText;
  private RunSpan lastSpan;

  ExportRunTracker(Predicate<CostRecord> watched, PipelineMetrics metrics) {
    this.watched = watched;
    this.metrics = metrics;
  }

  /** This processor with its store. */
  static ProcessorSupplier<String, BillingItem, String, CostRecord> supplier(Predicate<CostRecord> watched,
      PipelineMetrics metrics) {
    // cached: a run's count and span are rewritten with every row, and one flush writes each once (see TableUpdates)
    return DeclaredStores.processor(() -> new ExportRunTracker(watched, metrics), Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()).withCachingEnabled());
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
    if (FlushMarker.isBillingMarker(row.workspace())) {
      // one marker per daily-spend partition, each to every line-item task (see FlushMarker)
      int n = FlushMarker.partitions(row);
      String newest = runs.get(NEWEST_DAY_KEY);
      LocalDate newestDay = newest == null ? null : LocalDate.parse(newest);
      for (int to = 0; to < n; to++) {
        CostRecord marker = FlushMarker.billingMarker(row, context.taskId().partition(), to, n, newestDay);
        context.forward(new Record<>(marker.lineItemId(), marker, record.timestamp(), record.headers()));
      }
      return;
    }
    if (run != null) {
      count(row, run);
    }
    if (!watched.test(row)) {
      return;
    }
    String dayText = RunCoverage.dayOf(row).toString();
    if (run != null) {
      runs.put(itemKey(row.exportScope(), row.lineItemId()), String.join(SEP, run, dayText,
          RunCoverage.areaOf(row)));
    }
    String newest = runs.get(NEWEST_DAY_KEY);
    if (newest == null || dayText.compareTo(newest) > 0) { // ISO dates of four-digit years sort as text
      runs.put(NEWEST_DAY_KEY, dayText);
    }
    context.forward(new Record<>(row.lineItemId(), row, record.timestamp(), record.headers()));
  }

  /** A few small reads and writes per row: the count, the span when it widens, the area when it is new. */
  private void count(CostRecord row, String run) {
    String scope = row.exportScope();
    String counted = runs.get(countKey(scope, run));
    RunSpan span = counted == null ? RunSpan.startingAt(nextSequence()) : readSpan(runs.get(spanKey(scope, run)));
    runs.put(countKey(scope, run), Long.toString(counted == null ? 1 : Long.parseLong(counted) + 1));
    RunSpan next = span.with(RunCoverage.dayOf(row), currentSequence());
    if (counted == null || next != span) {
      runs.put(spanKey(scope, run), write(next));
    }
    String area = areaKey(scope, run, RunCoverage.areaOf(row));
    if (runs.get(area) == null) {
      runs.put(area, "");
    }
  }

  private void end(ExportRunEnd end, long timestamp) {
    String scope = end.exportScope();
    String run = end.exportRun();
    String counted = runs.get(countKey(scope, run));
    long seen = counted == null ? 0 : Long.parseLong(counted);
    RunCoverage coverage = new RunCoverage(counted == null ? RunSpan.startingAt(Long.MAX_VALUE)
        : readSpan(runs.get(spanKey(scope, run))), areasOf(scope, run));
    forget(scope, run);
    if (runs.get(endKey(scope, run)) == null) {
      runs.put(endKey(scope, run), Long.toString(nextSequence()));
    }
    if (seen != end.rows()) {
      LOG.warn("export run {} of {} ended with {} rows seen where it counted {}; nothing retracted (the next "
          + "complete run of this export will)", run, scope, seen, end.rows());
      metrics.exportRunEnded("incomplete", 0);
      return;
    }
    List<KeyValue<String, String>> vanished = new ArrayList<>();
    Set<String> stillTagging = new HashSet<>();
    Map<String, Boolean> older = new HashMap<>();
    String prefix = itemPrefix(scope);
    try (KeyValueIterator<String, String> items = runs.prefixScan(prefix, KEYS)) {
      while (items.hasNext()) {
        KeyValue<String, String> entry = items.next();
        String[] tag = entry.value.split(SEP, -1);
        boolean gone = !run.equals(tag[0]) && older.computeIfAbsent(tag[0],
            other -> endedBefore(scope, other, coverage.span().startedAt()))
            && (tag.length < 3 || coverage.covers(LocalDate.parse(tag[1]), tag[2]));
        if (gone) {
          vanished.add(entry);
        } else {
          stillTagging.add(tag[0]);
        }
      }
    }
    for (KeyValue<String, String> entry : vanished) {
      runs.delete(entry.key);
      context.forward(new Record<String, CostRecord>(entry.key.substring(prefix.length()), null, timestamp));
    }
    dropEndsNoItemNames(scope, stillTagging);
    if (!vanished.isEmpty()) {
      LOG.info("export run {} of {} retracted {} line items earlier runs had", run, scope, vanished.size());
    }
    metrics.exportRunEnded("complete", vanished.size());
  }

  /**
   * Whether {@code other} is known to be over before a run that started at {@code startedAt}: it ended before, or it
   * never ended and sent nothing since (an abandoned run: a crash, an unreadable blob), or nothing is known of it.
   * A run that ended, or sent rows, after that start was interleaved with it and keeps its items.
   */
  private boolean endedBefore(String scope, String other, long startedAt) {
    String ended = runs.get(endKey(scope, other));
    if (ended != null) {
      return Long.parseLong(ended) < startedAt;
    }
    String open = runs.get(spanKey(scope, other));
    if (open == null) {
      return true;
    }
    if (readSpan(open).lastRowAt() >= startedAt) {
      return false;
    }
    forget(scope, other);
    runs.put(endKey(scope, other), Long.toString(readSpan(open).lastRowAt()));
    return true;
  }

  /** Deletes what was counted of {@code run}: its count, span and areas. */
  private void forget(String scope, String run) {
    runs.delete(countKey(scope, run));
    runs.delete(spanKey(scope, run));
    List<String> areas = new ArrayList<>();
    try (KeyValueIterator<String, String> it = runs.prefixScan(areaPrefix(scope, run), KEYS)) {
      it.forEachRemaining(kv -> areas.add(kv.key));
    }
    areas.forEach(runs::delete);
  }

  private Set<String> areasOf(String scope, String run) {
    Set<String> areas = new HashSet<>();
    String prefix = areaPrefix(scope, run);
    try (KeyValueIterator<String, String> it = runs.prefixScan(prefix, KEYS)) {
      it.forEachRemaining(kv -> areas.add(kv.key.substring(prefix.length())));
    }
    return areas;
  }

  /** The end marks of runs no item is tagged with any more are of no use: they go, so the store stays bounded. */
  private void dropEndsNoItemNames(String scope, Set<String> stillTagging) {
    String prefix = "e|" + scope + SEP;
    List<String> unused = new ArrayList<>();
    try (KeyValueIterator<String, String> it = runs.prefixScan(prefix, KEYS)) {
      it.forEachRemaining(kv -> {
        if (!stillTagging.contains(kv.key.substring(prefix.length()))) {
          unused.add(kv.key);
        }
      });
    }
    unused.forEach(runs::delete);
  }

  /**
   * The span stored as {@code json}. The rows of a run mostly arrive one after another and leave its span as it was,
   * so the last text read and its value are kept: a row then compares the text instead of parsing it again. The store
   * stays the only state; this only remembers how its latest value read.
   */
  private RunSpan readSpan(String json) {
    if (lastSpanText != null && lastSpanText.equals(json)) {
      return lastSpan;
    }
    try {
      RunSpan span = Json.MAPPER.readValue(json, RunSpan.class);
      lastSpanText = json;
      lastSpan = span;
      return span;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable run span in " + STORE + ": " + json, e);
    }
  }

  private static String write(RunSpan span) {
    try {
      return Json.MAPPER.writeValueAsString(span);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write run span " + span, e);
    }
  }

  /** The next value of this task's sequence of run starts and ends. */
  private long nextSequence() {
    long next = currentSequence() + 1;
    runs.put(SEQUENCE_KEY, Long.toString(next));
    return next;
  }

  private long currentSequence() {
    String last = runs.get(SEQUENCE_KEY);
    return last == null ? 0 : Long.parseLong(last);
  }

  private static String endKey(String scope, String run) {
    return "e|" + scope + SEP + run;
  }

  private static String spanKey(String scope, String run) {
    return "r|" + scope + SEP + run;
  }

  private static String areaPrefix(String scope, String run) {
    return "a|" + scope + SEP + run + SEP;
  }

  private static String areaKey(String scope, String run, String area) {
    return areaPrefix(scope, run) + area;
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
