package io.costwatch.topology;

import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.detect.spend.SpendDrivers;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.SpendHistory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each workspace's daily spend series and evaluates a day once it is final: when the billing data this task
 * has seen reaches the day's end plus the billing lateness (billing rows lag 8-24 hours and are restated until the
 * invoice closes). The clock is the newest charge day seen, kept in its own store, so a day closes as soon as any
 * later billing day (or the replay's end-of-input marker) arrives, whatever the record timestamps say.
 */
final class SpendSpikeProcessor implements Processor<String, DailySpend, String, LifecycleInput> {

  static final String STORE = "spend-history-store";
  /** The newest billing day seen by this task: the spend detector's clock. */
  static final String CLOCK_STORE = "spend-data-time-store";
  private static final String CLOCK_KEY = "newest-day-end";

  private final SpendSpikeDetector detector;
  private final Duration lateness;
  private final int keepDays;
  private final int lookbackDays;
  private final StorageDetection storage;
  private ProcessorContext<String, LifecycleInput> context;
  private KeyValueStore<String, SpendHistory> store;
  private KeyValueStore<String, Long> clock;

  SpendSpikeProcessor(SpendSpikeDetector detector, Duration lateness, int keepDays, int lookbackDays) {
    this(detector, lateness, keepDays, lookbackDays, StorageDetection.defaults());
  }

  SpendSpikeProcessor(SpendSpikeDetector detector, Duration lateness, int keepDays, int lookbackDays,
      StorageDetection storage) {
    this.storage = storage;
    this.detector = detector;
    this.lookbackDays = lookbackDays;
    this.lateness = lateness;
    this.keepDays = keepDays;
  }

  @Override
  public void init(ProcessorContext<String, LifecycleInput> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.clock = context.getStateStore(CLOCK_STORE);
  }

  @Override
  public void process(Record<String, DailySpend> record) {
    DailySpend spend = record.value();
    if (spend == null || spend.workspace() == null) {
      return;
    }
    // the clock is the start of the newest charge day: a day is evaluated once a charge day that begins at least
    // the lateness after its end has arrived (with P2D: day D when day D+3 arrives), so the rows of the days around
    // it, restated and rerated by the same export runs, have all been applied
    long dataTime = spend.day().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    if (FlushMarker.isMarker(spend.workspace())) {
      evaluateReadyDays(dataTime, record.timestamp());
      context.forward(new Record<>(FlushMarker.KEY, LifecycleInput.endOfInput(FlushMarker.BILLING_DONE,
          Instant.ofEpochMilli(dataTime)), record.timestamp()));
      return;
    }
    SpendHistory history = Optional.ofNullable(store.get(record.key()))
        .orElse(SpendHistory.start(spend.workspace(), spend.currency()));
    store.put(record.key(), history.with(spend, keepDays));
    Long before = clock.get(CLOCK_KEY);
    if (before == null || dataTime > before) {
      clock.put(CLOCK_KEY, dataTime);
      evaluateReadyDays(dataTime, record.timestamp());
    }
  }

  /** {@code timestamp} is the triggering record's (arrival) time, given to the published inputs. */
  private void evaluateReadyDays(long dataTime, long timestamp) {
    LocalDate lastReady = LocalDate.ofInstant(Instant.ofEpochMilli(dataTime).minus(lateness), ZoneOffset.UTC)
        .minusDays(1);
    List<KeyValue<String, SpendHistory>> updates = new ArrayList<>();
    try (KeyValueIterator<String, SpendHistory> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, SpendHistory> entry = all.next();
        SpendHistory history = entry.value;
        if (history.days().isEmpty()) {
          continue;
        }
        LocalDate first = history.lastEvaluated() == null ? history.series().firstKey()
            : history.lastEvaluated().plusDays(1);
        if (first.isAfter(lastReady)) {
          continue;
        }
        for (LocalDate day = first; !day.isAfter(lastReady); day = day.plusDays(1)) {
          evaluate(history, day, timestamp);
        }
        updates.add(KeyValue.pair(entry.key, history.evaluatedThrough(lastReady)));
      }
    }
    updates.forEach(kv -> store.put(kv.key, kv.value));
  }

  private void evaluate(SpendHistory history, LocalDate day, long timestamp) {
    long items = history.lineItems().getOrDefault(day, 0L);
    Optional<Finding> finding = detector.evaluate(history.workspace(), history.currency(), history.series(), day,
            items, null, history.lastSource())
        .map(f -> f.withDrivers(SpendDrivers.top(history.driverSeries(), day, lookbackDays)));
    LifecycleInput input = finding.map(f -> LifecycleInput.finding(f, List.of()))
        .orElseGet(() -> LifecycleInput.clear(FindingType.SPEND_SPIKE.name(), history.workspace(), history.currency(),
            day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    context.forward(new Record<>(input.fingerprint(), input, timestamp));
    storage.evaluate(history, day).forEach(in -> context.forward(new Record<>(in.fingerprint(), in, timestamp)));
  }
}
