package io.costwatch.topology;

import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.ScopedSpendDetector;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.detect.spend.SpendDrivers;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.SpendHistory;
import io.costwatch.usage.SpendHistoryIndex;
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
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Keeps each workspace's daily spend series and evaluates a day once it is final: when the billing data this task
 * has seen reaches the day's end plus the billing lateness (billing rows lag 8-24 hours and are restated until the
 * invoice closes). The clock is the newest charge day seen, kept in its own store, so a day closes as soon as any
 * later billing day (or the replay's end-of-input marker) arrives, whatever the record timestamps say. A live end of
 * billing input ({@code ingest billing --final}) judges every pending day up to the newest charge day without waiting,
 * leaving the clock as it is.
 *
 * <p>The cost of a row does not depend on the length of the history nor on the number of workspaces: each day is its
 * own small value ({@link #DAYS_STORE}, keyed {@code workspace|currency|day}), the workspace's {@link
 * SpendHistoryIndex} says which days are kept, and a workspace with days to judge or corrected days waits in the
 * {@link #DUE_STORE} under the first such day. Judging takes the due workspaces of ready days only, in slices of at
 * most {@link #SLICE} workspaces, for at most {@link #SLICE_BUDGET} per call (a record's processing or a
 * punctuation), continued by a wall-clock punctuation, so that no call comes near the exactly-once transaction
 * timeout however many workspaces changed; an end of input is acknowledged downstream once all of its judging is
 * done. Days older than the lookback plus a margin are deleted as newer ones arrive.
 */
final class SpendSpikeProcessor implements Processor<String, DailySpend, String, LifecycleInput> {

  /** Per workspace, currency and day: the day's spend as last aggregated. */
  static final String DAYS_STORE = "spend-days-store";
  /** Per workspace and currency: the kept days, the last judged day, when it is due. */
  static final String INDEX_STORE = "spend-index-store";
  /** Workspaces waiting to be judged, keyed {@code due-day|workspace|currency}, valued by the workspace key. */
  static final String DUE_STORE = "spend-due-store";
  /** The newest billing day seen by this task: the spend detector's clock. */
  static final String CLOCK_STORE = "spend-data-time-store";
  /** Per workspace and currency: each evaluated day's verdict, and the evaluated days corrected since. */
  static final String VERDICT_STORE = "spend-verdicts-store";
  /** How often the punctuation looks whether billing settled, or continues judging due workspaces. */
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
  /** Workspaces judged per slice. */
  static final int SLICE = 200;
  /**
   * Wall-clock time one call (a record's processing or a punctuation) spends judging before it leaves the rest to the
   * next: well under the exactly-once transaction timeout (10 s by default), since Streams commits between calls.
   */
  static final Duration SLICE_BUDGET = Duration.ofSeconds(1);
  /** How soon the judging of an end of input continues after a call left work for the next. */
  private static final Duration CONTINUE_INTERVAL = Duration.ofMillis(10);
  private static final String CLOCK_KEY = "newest-day-end";
  /** When billing last changed (wall clock), for the settle sweep of a live run. */
  static final String LAST_CHANGE_KEY = "last-change-wall-clock";
  /** How many complete end-of-input marker days (one per daily-spend partition) have arrived in this round. */
  private static final String MARKERS_KEY = "end-of-input-markers";
  /** An end of input being judged: the last ready day (epoch day), absent when none is. */
  private static final String PENDING_READY_KEY = "end-of-input-ready-through";
  /** The timestamp the end of input's judging gives the records it forwards. */
  private static final String PENDING_TIMESTAMP_KEY = "end-of-input-timestamp";
  /** The data time its acknowledgement carries (epoch millis). */
  private static final String PENDING_ACK_TIME_KEY = "end-of-input-ack-time";
  /** 1 for a live end of billing input ({@link FlushMarker#BILLING_JUDGED}), 0 for a bounded run's end. */
  private static final String PENDING_FINAL_KEY = "end-of-input-final";
  /** At most this many days before the newest are kept while days wait to be judged. */
  private static final int MAX_KEPT_DAYS = 400;

  private final ScopedSpendDetector detector;
  private final Duration lateness;
  private final int keepDays;
  private final int lookbackDays;
  private final Duration settle;
  private final StorageDetection storage;
  private final Duration sliceBudget;
  private ProcessorContext<String, LifecycleInput> context;
  private KeyValueStore<String, DailySpend> days;
  private KeyValueStore<String, SpendHistoryIndex> index;
  private KeyValueStore<String, String> due;
  private KeyValueStore<String, Long> clock;
  private KeyValueStore<String, SpendVerdicts> verdicts;
  private Cancellable continuation;

  /**
   * @param settle how long no billing change must reach this task before ready and corrected days are judged (wall
   *     clock); zero for bounded runs, which judge everything at their end-of-input marker only, so their output
   *     depends on their input alone
   * @param storage the egress, hot-tier growth and cold-data rules evaluated with each new day
   */
  SpendSpikeProcessor(ScopedSpendDetector detector, Duration lateness, int keepDays, int lookbackDays,
      Duration settle, StorageDetection storage) {
    this(detector, lateness, keepDays, lookbackDays, settle, storage, SLICE_BUDGET);
  }

  /** @param sliceBudget how long one call judges before it leaves the rest to the next (at least one slice) */
  SpendSpikeProcessor(ScopedSpendDetector detector, Duration lateness, int keepDays, int lookbackDays,
      Duration settle, StorageDetection storage, Duration sliceBudget) {
    this.sliceBudget = sliceBudget;
    this.storage = storage;
    this.detector = detector;
    this.lookbackDays = lookbackDays;
    this.lateness = lateness;
    this.keepDays = keepDays;
    this.settle = settle;
  }

  /** This processor with its stores. */
  static ProcessorSupplier<String, DailySpend, String, LifecycleInput> supplier(ScopedSpendDetector detector,
      Duration lateness, int keepDays, int lookbackDays, Duration settle, StorageDetection storage,
      PipelineMetrics metrics) {
    return DeclaredStores.processor(() -> new SpendSpikeProcessor(detector, lateness, keepDays, lookbackDays, settle,
            storage), stores(Stores::persistentKeyValueStore, metrics).toArray(StoreBuilder<?>[]::new));
  }

  /**
   * The stores this processor uses, built on {@code supplier} (persistent in the application). Their values are read
   * leniently and upgraded ({@link JsonSerde#stored}; the day and index values, written on every billing change, in
   * the compact format of {@link BillingCodecs}): an unreadable value resets its key and counts as
   * {@code unreadable-state} of its store in {@code metrics}, instead of stopping the stream thread.
   */
  static List<StoreBuilder<?>> stores(Function<String, KeyValueBytesStoreSupplier> supplier,
      PipelineMetrics metrics) {
    Consumer<String> unreadable = store -> metrics.recordRejected(store, "unreadable-state");
    // cached: a day and its workspace's index are rewritten with every billing change of that day, and one flush
    // writes each once; a processor's cache forwards nothing, so what it judges is the same (see TableUpdates)
    return List.of(
        Stores.keyValueStoreBuilder(supplier.apply(DAYS_STORE), Serdes.String(),
            BillingCodecs.dailySpend(DAYS_STORE, unreadable)).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(INDEX_STORE), Serdes.String(),
            BillingCodecs.index(INDEX_STORE, unreadable)).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(DUE_STORE), Serdes.String(), Serdes.String()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(CLOCK_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(supplier.apply(VERDICT_STORE), Serdes.String(),
            JsonSerde.stored(SpendVerdicts.class, VERDICT_STORE, metrics)).withCachingEnabled());
  }

  static String[] storeNames() {
    return new String[] {DAYS_STORE, INDEX_STORE, DUE_STORE, CLOCK_STORE, VERDICT_STORE};
  }

  @Override
  public void init(ProcessorContext<String, LifecycleInput> context) {
    this.context = context;
    this.days = context.getStateStore(DAYS_STORE);
    this.index = context.getStateStore(INDEX_STORE);
    this.due = context.getStateStore(DUE_STORE);
    this.clock = context.getStateStore(CLOCK_STORE);
    this.verdicts = context.getStateStore(VERDICT_STORE);
    if (settles()) {
      context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::evaluateIfSettled);
    }
    if (clock.get(PENDING_READY_KEY) != null) {
      continueLater(); // restored in the middle of an end of input's judging
    }
  }

  @Override
  public void close() {
    if (continuation != null) {
      continuation.cancel();
      continuation = null;
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
    if (FlushMarker.isBillingMarker(spend.workspace())) {
      if (!FlushMarker.isComplete(spend)) {
        return; // a marker day still counting the markers of its paths
      }
      // a bounded run's end, once the complete marker day of every daily-spend partition is here: everything ready
      // is judged, slice after slice, before the end-of-input marker goes out
      Long complete = clock.get(MARKERS_KEY);
      long count = complete == null ? 1 : complete + 1;
      if (count < FlushMarker.partitions(spend)) {
        clock.put(MARKERS_KEY, count);
        return;
      }
      clock.delete(MARKERS_KEY);
      Optional<LocalDate> newest = FlushMarker.newestChargeDay(spend);
      if (FlushMarker.isFinal(spend.workspace())) {
        judgeThroughNewestDay(newest, record.timestamp());
      } else {
        // through the newest charge day of the whole input: the days after it have no data from anyone (the
        // marker's time lies a year ahead), and judging them would only be work proportional to that year
        LocalDate ready = readyThrough(dataTime);
        LocalDate lastReady = newest.map(day -> day.isBefore(ready) ? day : ready).orElse(LocalDate.MIN);
        startEndOfInput(lastReady, record.timestamp(), dataTime, false);
      }
      return;
    }
    String key = record.key();
    SpendHistoryIndex current = Optional.ofNullable(index.get(key))
        .orElse(SpendHistoryIndex.start(spend.workspace(), spend.currency()));
    current = judgeBeforeTrimming(key, current, spend.day(), record.timestamp());
    SpendHistoryIndex next = store(key, current, spend);
    if (current.lastEvaluated() != null && !spend.day().isAfter(current.lastEvaluated())) {
      // a day already judged changed (a late, revised or retracted row): judge it again once billing has settled
      verdicts.put(key, verdictsOf(key).correctedAt(spend.day(), context.currentSystemTimeMs()));
      next = dueOn(key, next, spend.day());
    } else {
      next = dueOn(key, next, next.firstUnjudged());
    }
    index.put(key, next);
    Long before = clock.get(CLOCK_KEY);
    if (before == null || dataTime > before) {
      clock.put(CLOCK_KEY, dataTime);
    }
    if (settles()) {
      clock.put(LAST_CHANGE_KEY, context.currentSystemTimeMs()); // read by the settle sweep only
    }
  }

  /**
   * Whether ready days are judged once billing has settled (a live run). A bounded run (settle zero) schedules no
   * settle sweep, so nothing reads the time of its last change and it is not written: one changelog record less per
   * billing change, with the same output. A live run writes it on every change, as before.
   */
  private boolean settles() {
    return !settle.isZero() && !settle.isNegative();
  }

  /**
   * Stores {@code spend}'s day (unless it is older than what is kept) and deletes the days that fell out of the kept
   * range; returns the index with the new first and newest day and source.
   */
  private SpendHistoryIndex store(String key, SpendHistoryIndex current, DailySpend spend) {
    LocalDate day = spend.day();
    LocalDate keepFrom = current.keepFrom(day, keepDays, MAX_KEPT_DAYS);
    LocalDate newest = current.newestDay() == null || day.isAfter(current.newestDay()) ? day : current.newestDay();
    LocalDate first = current.firstDay();
    if (!day.isBefore(keepFrom)) {
      days.put(dayKey(key, day), spend);
      first = first == null || day.isBefore(first) ? day : first;
    }
    if (first != null && first.isBefore(keepFrom)) {
      List<String> dropped = new ArrayList<>();
      try (KeyValueIterator<String, DailySpend> old = days.range(dayKey(key, first),
          dayKey(key, keepFrom.minusDays(1)))) {
        old.forEachRemaining(kv -> dropped.add(kv.key));
      }
      dropped.forEach(days::delete);
      try (KeyValueIterator<String, DailySpend> kept = days.range(dayKey(key, keepFrom), dayKey(key, newest))) {
        first = kept.hasNext() ? kept.next().value.day() : null;
      }
    }
    return current.withDays(first, first == null ? null : newest).withLastSource(spend.lastSource());
  }

  /** Files the workspace in the due index under {@code day} when that is earlier than where it waits now. */
  private SpendHistoryIndex dueOn(String key, SpendHistoryIndex current, LocalDate day) {
    if (day == null || current.due() != null && !day.isBefore(current.due())) {
      return current;
    }
    if (current.due() != null) {
      due.delete(dueKey(current.due(), key));
    }
    due.put(dueKey(day, key), key);
    return current.dueOn(day);
  }

  /**
   * The history keeps the lookback of days not judged yet (a replay or backlog arriving without a quiet moment), up
   * to {@link #MAX_KEPT_DAYS}; days about to leave even that are judged first. They are far past the lateness, so
   * they are ready.
   */
  private SpendHistoryIndex judgeBeforeTrimming(String key, SpendHistoryIndex current, LocalDate incoming,
      long timestamp) {
    if (current.isEmpty()) {
      return current;
    }
    LocalDate newest = incoming.isAfter(current.newestDay()) ? incoming : current.newestDay();
    LocalDate lastDropped = newest.minusDays(MAX_KEPT_DAYS).minusDays(1);
    LocalDate first = current.firstUnjudged();
    if (first.isAfter(lastDropped)) {
      return current;
    }
    SpendHistory history = history(key, current);
    for (LocalDate day = first; !day.isAfter(lastDropped); day = day.plusDays(1)) {
      judge(key, history, day, evaluate(history, day, timestamp));
    }
    return current.evaluatedThrough(lastDropped);
  }

  /**
   * A live end of billing input ({@code ingest billing --final}), complete from every daily-spend partition: every
   * pending day up to the newest charge day of the input (the latest the markers carry, or this task's own clock if
   * that is later) is judged now, as if its lateness had passed. The
   * clock does not move (the marker's own day is not a charge day), no day after the newest is judged, and a day
   * judged here that changes later is a corrected day, judged again like any other. The acknowledgement carries the
   * newest charge day and the marker's (wall-clock) time.
   */
  private void judgeThroughNewestDay(Optional<LocalDate> newestOfInput, long timestamp) {
    Long newest = clock.get(CLOCK_KEY);
    LocalDate lastReady = newest == null ? LocalDate.MIN
        : LocalDate.ofInstant(Instant.ofEpochMilli(newest), ZoneOffset.UTC);
    if (newestOfInput.isPresent() && newestOfInput.get().isAfter(lastReady)) {
      lastReady = newestOfInput.get();
    }
    long ackTime = lastReady.equals(LocalDate.MIN) ? timestamp
        : lastReady.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    startEndOfInput(lastReady, timestamp, ackTime, true);
  }

  /**
   * Judges every due workspace through {@code lastReady}, then acknowledges the end of input downstream. The work is
   * proportional to the workspaces that changed, so it is done in calls of at most {@link #SLICE_BUDGET} each: what
   * this call leaves is written down in {@link #CLOCK_STORE} (so a restart or a task moved to another instance goes
   * on with it) and continued by a wall-clock punctuation, with a commit between calls. A second end of input while
   * one is pending replaces it (the later one's days include the earlier's).
   */
  private void startEndOfInput(LocalDate lastReady, long timestamp, long ackTime, boolean judgedOnly) {
    clock.put(PENDING_READY_KEY, lastReady.toEpochDay());
    clock.put(PENDING_TIMESTAMP_KEY, timestamp);
    clock.put(PENDING_ACK_TIME_KEY, ackTime);
    clock.put(PENDING_FINAL_KEY, judgedOnly ? 1L : 0L);
    if (!continueEndOfInput()) {
      continueLater();
    }
  }

  /** One call's share of a pending end of input; returns whether it is finished (and acknowledged). */
  private boolean continueEndOfInput() {
    Long ready = clock.get(PENDING_READY_KEY);
    if (ready == null) {
      return true;
    }
    long timestamp = clock.get(PENDING_TIMESTAMP_KEY);
    if (judgeWithinBudget(LocalDate.ofEpochDay(ready), timestamp)) {
      return false;
    }
    boolean judgedOnly = clock.get(PENDING_FINAL_KEY) == 1L;
    long ackTime = clock.get(PENDING_ACK_TIME_KEY);
    for (String key : new String[] {PENDING_READY_KEY, PENDING_TIMESTAMP_KEY, PENDING_ACK_TIME_KEY,
        PENDING_FINAL_KEY}) {
      clock.delete(key);
    }
    context.forward(new Record<>(FlushMarker.KEY, LifecycleInput.endOfInput(
        judgedOnly ? FlushMarker.BILLING_JUDGED : FlushMarker.BILLING_DONE, Instant.ofEpochMilli(ackTime),
        context.taskId().partition()), timestamp));
    return true;
  }

  private void continueLater() {
    if (continuation != null) {
      return;
    }
    continuation = context.schedule(CONTINUE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
      if (continueEndOfInput()) {
        continuation.cancel();
        continuation = null;
      }
    });
  }

  /** The last day that is ready when the newest charge day starts at {@code dataTime}: its lateness has passed. */
  private LocalDate readyThrough(long dataTime) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(dataTime).minus(lateness), ZoneOffset.UTC).minusDays(1);
  }

  /** Wall-clock punctuation: once no billing change has arrived for the settle time, judge what is ready. */
  private void evaluateIfSettled(long now) {
    Long lastChange = clock.get(LAST_CHANGE_KEY);
    Long dataTime = clock.get(CLOCK_KEY);
    if (lastChange == null || dataTime == null || now - lastChange < settle.toMillis()
        || clock.get(PENDING_READY_KEY) != null) {
      return; // not settled, or an end of input is being judged (its own punctuation goes on with it)
    }
    if (!judgeWithinBudget(readyThrough(dataTime), now)) {
      clock.delete(LAST_CHANGE_KEY);
    }
  }

  /**
   * Judges slices of due workspaces through {@code lastReady} for at most the slice budget (at least one slice);
   * returns whether ready workspaces remain for a later call.
   */
  private boolean judgeWithinBudget(LocalDate lastReady, long timestamp) {
    long deadline = System.nanoTime() + sliceBudget.toNanos();
    boolean more;
    do {
      more = evaluateDueSlice(lastReady, timestamp);
    } while (more && System.nanoTime() < deadline);
    return more;
  }

  /**
   * Judges up to {@link #SLICE} due workspaces whose due day is ready (through {@code lastReady}): first their
   * corrected days again, then their days that became ready. {@code timestamp} is given to the published inputs (the
   * punctuation's wall clock, or the end-of-input marker's time). Returns whether ready workspaces remain.
   */
  private boolean evaluateDueSlice(LocalDate lastReady, long timestamp) {
    List<KeyValue<String, String>> slice = new ArrayList<>();
    try (KeyValueIterator<String, String> ready = due.range("", lastReady + "|\uffff")) {
      while (ready.hasNext() && slice.size() < SLICE) {
        slice.add(ready.next());
      }
    }
    for (KeyValue<String, String> entry : slice) {
      due.delete(entry.key);
      SpendHistoryIndex current = index.get(entry.value);
      if (current != null && current.due() != null && !dueKey(current.due(), entry.value).equals(entry.key)) {
        due.delete(dueKey(current.due(), entry.value));
      }
      if (current != null) {
        index.put(entry.value, evaluateWorkspace(entry.value, current.dueOn(null), lastReady, timestamp));
      }
    }
    return slice.size() == SLICE;
  }

  /** Judges one workspace's corrected and ready days; files it again under its next unjudged day, if any. */
  private SpendHistoryIndex evaluateWorkspace(String key, SpendHistoryIndex current, LocalDate lastReady,
      long timestamp) {
    if (current.isEmpty()) {
      return current;
    }
    SpendHistory history = history(key, current);
    reevaluateCorrected(key, history, timestamp);
    LocalDate first = current.firstUnjudged();
    SpendHistoryIndex next = current;
    if (!first.isAfter(lastReady)) {
      for (LocalDate day = first; !day.isAfter(lastReady); day = day.plusDays(1)) {
        judge(key, history, day, evaluate(history, day, timestamp));
      }
      next = current.evaluatedThrough(lastReady);
    }
    LocalDate unjudged = next.firstUnjudged();
    return unjudged.isAfter(next.newestDay()) ? next : dueOn(key, next, unjudged);
  }

  /** The workspace's kept days read back as one history: a range scan over its own keys only. */
  private SpendHistory history(String key, SpendHistoryIndex current) {
    List<DailySpend> kept = new ArrayList<>();
    try (KeyValueIterator<String, DailySpend> range = days.range(dayKey(key, current.firstDay()),
        dayKey(key, current.newestDay()))) {
      range.forEachRemaining(kv -> kept.add(kv.value));
    }
    return SpendHistory.of(current.workspace(), current.currency(), kept, current.lastEvaluated(),
        current.lastSource());
  }

  static String dayKey(String workspaceKey, LocalDate day) {
    return workspaceKey + "|" + day;
  }

  private static String dueKey(LocalDate day, String workspaceKey) {
    return day + "|" + workspaceKey;
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
