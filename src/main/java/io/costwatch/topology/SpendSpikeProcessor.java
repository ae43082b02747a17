package io.costwatch.topology;

import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.ScopedSpendDetector;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.detect.spend.SpendDrivers;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.SpendHistory;
import io.costwatch.usage.SpendVerdicts;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

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
  /** Per workspace and currency: each evaluated day's verdict, and the evaluated days corrected since. */
  static final String VERDICT_STORE = "spend-verdicts-store";
  /** How often corrected days are looked at; one is evaluated again once it has been quiet for the settle time. */
  private static final Duration SETTLE_CHECK = Duration.ofSeconds(30);
  private static final String CLOCK_KEY = "newest-day-end";
  private static final String LAST_CHANGE_KEY = "last-change-wall-clock";
  /** At most this many days before the newest are kept while days wait to be judged. */
  private static final int MAX_KEPT_DAYS = 400;

  private final ScopedSpendDetector detector;
  private final Duration lateness;
  private final int keepDays;
  private final int lookbackDays;
  private final Duration settle;
  private final StorageDetection storage;
  private ProcessorContext<String, LifecycleInput> context;
  private KeyValueStore<String, SpendHistory> store;
  private KeyValueStore<String, Long> clock;
  private KeyValueStore<String, SpendVerdicts> verdicts;

  /**
   * @param settle how long no billing change must reach this task before ready and corrected days are judged (wall
   *     clock); zero for bounded runs, which judge everything at their end-of-input marker only, so their output
   *     depends on their input alone
   * @param storage the egress, hot-tier growth and cold-data rules evaluated with each new day
   */
  SpendSpikeProcessor(ScopedSpendDetector detector, Duration lateness, int keepDays, int lookbackDays,
      Duration settle, StorageDetection storage) {
    this.storage = storage;
    this.detector = detector;
    this.lookbackDays = lookbackDays;
    this.lateness = lateness;
    this.keepDays = keepDays;
    this.settle = settle;
  }

  /** This processor with its three stores. */
  static ProcessorSupplier<String, DailySpend, String, LifecycleInput> supplier(ScopedSpendDetector detector,
      Duration lateness, int keepDays, int lookbackDays, Duration settle, StorageDetection storage) {
    return DeclaredStores.processor(() -> new SpendSpikeProcessor(detector, lateness, keepDays, lookbackDays, settle,
            storage),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            JsonSerde.of(SpendHistory.class)),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK_STORE), Serdes.String(), Serdes.Long()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERDICT_STORE), Serdes.String(),
            JsonSerde.of(SpendVerdicts.class)));
  }

  @Override
  public void init(ProcessorContext<String, LifecycleInput> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.clock = context.getStateStore(CLOCK_STORE);
    this.verdicts = context.getStateStore(VERDICT_STORE);
    if (!settle.isZero() && !settle.isNegative()) {
      context.schedule(SETTLE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::evaluateIfSettled);
    }
  }

  @Override
  public void process(Record<String, DailySpend> record) {
    DailySpend spend = record.value();
    if (spend == null || spend.workspace() == null) {
      return;
    }
    // the clock is the start of the newest charge day: a day is ready once a charge day that begins at least the
    // lateness after its end has arrived (with P2D: day D when day D+3 arrives), so the rows of the days around it,
    // restated and rerated by the same export runs, have all been applied. Ready days are evaluated once billing has
    // settled (no change reached this task for the settle time, so an export run and the retractions at its end are
    // all in), or at the end of a bounded run.
    long dataTime = spend.day().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    if (FlushMarker.isMarker(spend.workspace())) {
      evaluateReadyDays(dataTime, record.timestamp());
      context.forward(new Record<>(FlushMarker.KEY, LifecycleInput.endOfInput(FlushMarker.BILLING_DONE,
          Instant.ofEpochMilli(dataTime)), record.timestamp()));
      return;
    }
    SpendHistory history = judgeBeforeTrimming(record.key(), Optional.ofNullable(store.get(record.key()))
        .orElse(SpendHistory.start(spend.workspace(), spend.currency())), spend.day(), record.timestamp());
    store.put(record.key(), history.with(spend, keepDays, MAX_KEPT_DAYS));
    if (history.lastEvaluated() != null && !spend.day().isAfter(history.lastEvaluated())) {
      // a day already judged changed (a late, revised or retracted row): judge it again once billing has settled
      verdicts.put(record.key(), verdictsOf(record.key()).correctedAt(spend.day(), context.currentSystemTimeMs()));
    }
    Long before = clock.get(CLOCK_KEY);
    if (before == null || dataTime > before) {
      clock.put(CLOCK_KEY, dataTime);
    }
    clock.put(LAST_CHANGE_KEY, context.currentSystemTimeMs());
  }

  /**
   * The history keeps the lookback of days not judged yet (a replay or backlog arriving without a quiet moment), up
   * to {@link #MAX_KEPT_DAYS}; days about to leave even that are judged first. They are far past the lateness, so
   * they are ready.
   */
  private SpendHistory judgeBeforeTrimming(String key, SpendHistory history, LocalDate incoming, long timestamp) {
    if (history.days().isEmpty()) {
      return history;
    }
    NavigableMap<LocalDate, BigDecimal> series = history.series();
    LocalDate newest = incoming.isAfter(series.lastKey()) ? incoming : series.lastKey();
    LocalDate lastDropped = newest.minusDays(MAX_KEPT_DAYS).minusDays(1);
    LocalDate first = history.lastEvaluated() == null ? series.firstKey() : history.lastEvaluated().plusDays(1);
    if (first.isAfter(lastDropped)) {
      return history;
    }
    for (LocalDate day = first; !day.isAfter(lastDropped); day = day.plusDays(1)) {
      judge(key, history, day, evaluate(history, day, timestamp));
    }
    return history.evaluatedThrough(lastDropped);
  }

  /** Wall-clock punctuation: once no billing change has arrived for the settle time, judge what is ready. */
  private void evaluateIfSettled(long now) {
    Long lastChange = clock.get(LAST_CHANGE_KEY);
    Long dataTime = clock.get(CLOCK_KEY);
    if (lastChange == null || dataTime == null || now - lastChange < settle.toMillis()) {
      return;
    }
    evaluateReadyDays(dataTime, now);
    clock.delete(LAST_CHANGE_KEY);
  }

  /**
   * Judges again the corrected days of every workspace, then judges the days that became ready. {@code timestamp}
   * is given to the published inputs (the punctuation's wall clock, or the end-of-input marker's time).
   */
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
        reevaluateCorrected(entry.key, history, timestamp);
        LocalDate first = history.lastEvaluated() == null ? history.series().firstKey()
            : history.lastEvaluated().plusDays(1);
        if (first.isAfter(lastReady)) {
          continue;
        }
        for (LocalDate day = first; !day.isAfter(lastReady); day = day.plusDays(1)) {
          judge(entry.key, history, day, evaluate(history, day, timestamp));
        }
        updates.add(KeyValue.pair(entry.key, history.evaluatedThrough(lastReady)));
      }
    }
    updates.forEach(kv -> store.put(kv.key, kv.value));
  }

  /** Evaluates a day for the first time; returns the spend-spike finding, if any. */
  private Optional<Finding> evaluate(SpendHistory history, LocalDate day, long timestamp) {
    Optional<Finding> finding = spendSpike(history, day);
    LifecycleInput input = finding.map(f -> LifecycleInput.finding(f, List.of()))
        .orElseGet(() -> LifecycleInput.clear(FindingType.SPEND_SPIKE.name(), history.workspace(), history.currency(),
            day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    context.forward(new Record<>(input.fingerprint(), input, timestamp));
    evaluateHours(history, day, timestamp);
    storage.evaluate(history, day).forEach(in -> context.forward(new Record<>(in.fingerprint(), in, timestamp)));
    return finding;
  }

  /** A day whose line items were all hourly: each hour against the hour-of-day baseline, in order. */
  private void evaluateHours(SpendHistory history, LocalDate day, long timestamp) {
    if (!history.hourlyOn(day)) {
      return;
    }
    NavigableMap<Instant, BigDecimal> hourly = history.hourlySeries(day);
    SpendSpikeDetector rules = detector.detectorFor(history.workspace());
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    for (int h = 0; h < 24; h++) {
      Instant hour = start.plus(Duration.ofHours(h));
      LifecycleInput input = rules.evaluate(history.workspace(), history.currency(), hourly, hour, 0, null,
              history.lastSource())
          .map(f -> LifecycleInput.finding(f, List.of()))
          .orElseGet(() -> LifecycleInput.clear(FindingType.HOURLY_SPEND_SPIKE.name(), history.workspace(),
              history.currency(), hour.plus(Duration.ofHours(1))));
      context.forward(new Record<>(input.fingerprint(), input, timestamp));
    }
  }

  private Optional<Finding> spendSpike(SpendHistory history, LocalDate day) {
    long items = history.lineItems().getOrDefault(day, 0L);
    return detector.evaluate(history.workspace(), history.currency(), history.series(), day, items, null,
            history.lastSource())
        .map(f -> f.withDrivers(SpendDrivers.top(history.driverSeries(), day, lookbackDays)));
  }

  /** Records a first verdict; verdicts of days that left the history are dropped. */
  private void judge(String key, SpendHistory history, LocalDate day, Optional<Finding> finding) {
    verdicts.put(key, verdictsOf(key).judged(day, finding.map(f -> f.impact().amount()).orElse(null))
        .since(history.series().firstKey()));
  }

  /**
   * Evaluates again each corrected day of {@code key} and tells the lifecycle when its verdict changed: the day's
   * alert is updated or resolved, not a new one opened.
   */
  private void reevaluateCorrected(String key, SpendHistory history, long timestamp) {
    SpendVerdicts current = verdicts.get(key);
    if (current == null || current.corrected().isEmpty()) {
      return;
    }
    SpendVerdicts next = current;
    for (Map.Entry<LocalDate, Long> corrected : current.corrected().entrySet()) {
      LocalDate day = corrected.getKey();
      BigDecimal before = current.excessOn(day);
      Optional<Finding> now = history.days().containsKey(day) || before != null ? spendSpike(history, day)
          : Optional.empty();
      BigDecimal after = now.map(f -> f.impact().amount()).orElse(null);
      next = next.judged(day, after);
      if (before == null ? after == null : after != null && before.compareTo(after) == 0) {
        continue;
      }
      LifecycleInput revision = LifecycleInput.revision(FindingType.SPEND_SPIKE.name(), history.workspace(),
          history.currency(), now.orElse(null), before == null ? null : new Money(before, history.currency()),
          day.atStartOfDay(ZoneOffset.UTC).toInstant(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
      context.forward(new Record<>(revision.fingerprint(), revision, timestamp));
    }
    if (!history.days().isEmpty()) {
      next = next.since(history.series().firstKey());
    }
    verdicts.put(key, next);
  }

  private SpendVerdicts verdictsOf(String key) {
    SpendVerdicts v = verdicts.get(key);
    return v == null ? SpendVerdicts.none() : v;
  }
}
