package io.costwatch.topology;

import io.costwatch.core.Json;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.usage.ScopeBatch;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.ScopeWindowing;
import io.costwatch.usage.ScopeWindows;
import io.costwatch.usage.UsageWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Thin adapter over {@link ScopeWindowing}: samples keyed by workspace (all samples of a scope on one task; a
 * workspace's samples of one event body in one record, {@link WorkspaceSamples}, taken scope by scope and each scope's
 * {@link ScopeSamples} in one pass that gives what sample by sample would) in, final windows out, each closed by its
 * own scope's watermark or, for a scope quiet for the idle timeout, by a wall-clock punctuation. Rejected samples leave
 * one by one as {@link ParseResult.Rejected} for the dead-letter topic, with their own coordinates.
 *
 * <p>State: one entry per open scope window ({@link #WINDOWS}), one progress entry per scope ({@link #PROGRESS}), and
 * an index of scopes with open windows by idle deadline ({@link #IDLE}), so a punctuation reads only the scopes that
 * are due, in bounded slices. A scope with nothing open waits in the same index under a retention deadline ({@code R|}
 * keys, after the idle deadlines): once quiet for the retention its progress entry is deleted, also in bounded slices,
 * so the progress store holds the scopes of the retention period, not every scope ever seen. The end-of-input markers
 * ({@link FlushMarker}), one from each raw partition, count as samples of their own scope; with the last of them every
 * scope's windows on this task close, the markers' own window last, which detection turns into the acknowledgement.
 *
 * <p>Per scope of a value the cost is one update of its touched window entries and its progress entry (compact binary
 * values, see {@link TelemetryCodecs}); the scope's state is read from the stores only when it is not in this task's
 * cache of decoded scopes ({@link #CACHED_SCOPES}, least recently used first out). The cache holds exactly what the
 * stores hold: every write goes through {@link #write}, which updates both, and it is emptied in {@link #init} and
 * {@link #close}, so a task that Kafka Streams closes and initialises again (an aborted transaction, a revived or
 * migrated task, state restored from the changelog) starts from its stores. The idle index is written when a scope
 * opens its first window, not on every sample: an entry's deadline is at or before the scope's real one (its latest
 * record plus the idle timeout), and a punctuation that finds an entry due whose scope was seen since moves it to the
 * real deadline instead of closing the scope, so scopes close at the same punctuation as with an exact index.
 */
final class UsageWindowProcessor implements Processor<String, WorkspaceSamples, Windowed<String>, ParseResult<UsageWindow>> {

  static final String WINDOWS = "usage-windows-by-scope-store";
  static final String PROGRESS = "usage-scope-progress-store";
  static final String IDLE = "usage-scope-idle-deadlines-store";
  /** Scopes closed per punctuation at most; the rest are due at the next one. */
  static final int IDLE_SLICE = 500;
  /** How long a scope with nothing open keeps its progress (wall clock since its latest record) by default. */
  static final Duration SCOPE_RETENTION = Duration.ofDays(7);
  private static final String RETENTION_PREFIX = "R|";
  /** Decoded scopes kept per task (least recently used out); a scope not in it is read from the stores. */
  static final int CACHED_SCOPES = 4_096;

  private final ScopeWindowing windowing;
  private final Duration idleTimeout;
  private final Duration retention;
  private final PipelineMetrics metrics;
  private final String topic;
  private ProcessorContext<Windowed<String>, ParseResult<UsageWindow>> context;
  private KeyValueStore<String, UsageWindow> windows;
  private KeyValueStore<String, ScopeProgress> progress;
  private KeyValueStore<String, String> idle;
  private final Map<String, ScopeWindows> decoded;

  UsageWindowProcessor(ScopeWindowing windowing, Duration idleTimeout, Duration retention, PipelineMetrics metrics,
      String topic, int cachedScopes) {
    this.decoded = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ScopeWindows> eldest) {
        return size() > cachedScopes;
      }
    };
    this.windowing = windowing;
    this.idleTimeout = idleTimeout;
    this.retention = retention;
    this.metrics = metrics;
    this.topic = topic;
  }

  static ProcessorSupplier<String, WorkspaceSamples, Windowed<String>, ParseResult<UsageWindow>> supplier(
      ScopeWindowing windowing, Duration idleTimeout, PipelineMetrics metrics, String topic) {
    Duration retention = SCOPE_RETENTION.compareTo(idleTimeout.multipliedBy(2)) < 0 ? idleTimeout.multipliedBy(2)
        : SCOPE_RETENTION;
    return supplier(windowing, idleTimeout, retention, metrics, topic);
  }

  /** @param retention how long a scope with nothing open keeps its progress after its latest record (wall clock) */
  static ProcessorSupplier<String, WorkspaceSamples, Windowed<String>, ParseResult<UsageWindow>> supplier(
      ScopeWindowing windowing, Duration idleTimeout, Duration retention, PipelineMetrics metrics, String topic) {
    return supplier(windowing, idleTimeout, retention, metrics, topic, CACHED_SCOPES);
  }

  /** @param cachedScopes decoded scopes kept per task; 0 reads every scope from the stores (tests compare both) */
  static ProcessorSupplier<String, WorkspaceSamples, Windowed<String>, ParseResult<UsageWindow>> supplier(
      ScopeWindowing windowing, Duration idleTimeout, Duration retention, PipelineMetrics metrics, String topic,
      int cachedScopes) {
    return DeclaredStores.processor(() -> new UsageWindowProcessor(windowing, idleTimeout, retention, metrics, topic,
        cachedScopes),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS), Serdes.String(),
            TelemetryCodecs.windows(WINDOWS, unreadable(metrics)))
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS), Serdes.String(),
            TelemetryCodecs.progress(PROGRESS, unreadable(metrics)))
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IDLE), Serdes.String(), Serdes.String())
            .withCachingEnabled());
  }

  private static java.util.function.Consumer<String> unreadable(PipelineMetrics metrics) {
    return store -> metrics.recordRejected(store, "unreadable-state");
  }

  @Override
  public void init(ProcessorContext<Windowed<String>, ParseResult<UsageWindow>> context) {
    this.context = context;
    decoded.clear(); // a task initialised again (after an abort, a revival) starts from its stores
    this.windows = context.getStateStore(WINDOWS);
    this.progress = context.getStateStore(PROGRESS);
    this.idle = context.getStateStore(IDLE);
    Duration every = idleTimeout.dividedBy(4);
    every = every.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : every.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : every;
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, wallClock -> {
      closeIdleScopes(wallClock);
      forgetExpiredScopes(wallClock);
    });
  }

  @Override
  public void close() {
    decoded.clear();
  }

  /**
   * Each scope's samples of the value in its order, as if each scope's had come as a record of its own: the same
   * windows, dead letters and forwards in the same order.
   */
  @Override
  public void process(Record<String, WorkspaceSamples> record) {
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    for (ScopeSamples samples : record.value().scopes()) {
      process(samples, now);
    }
  }

  /**
   * Each sample of the scope's value in its order, as if it had come on its own: the same windows, dead letters and
   * forwards in the same order. The scope's stores are written once for the value, with the state after its last
   * sample (a sample that follows another of its value would have rewritten the same keys within the commit interval).
   */
  private void process(ScopeSamples samples, Instant now) {
    String scope = samples.scope().resourceId(); // every sample's, see ScopeSamples
    if (samples.samples().stream().anyMatch(s -> FlushMarker.isMarker(s.scope()))) {
      for (MetricSample sample : samples.samples()) { // markers: one at a time, as they may close every scope
        if (FlushMarker.isMarker(sample.scope())) {
          endOfInput(scope, sample);
        } else {
          acceptAll(scope, List.of(sample), now);
        }
      }
      return;
    }
    acceptAll(scope, samples.samples(), now);
  }

  /**
   * The scope's samples in one pass ({@link ScopeWindowing#acceptAll}): final windows and dead letters forwarded in the
   * order the samples caused them, then the scope's stores written once with the state after the last sample.
   */
  private void acceptAll(String scope, List<MetricSample> samples, Instant now) {
    ScopeWindows before = load(scope);
    ScopeBatch batch = windowing.acceptAll(before, samples, now);
    for (ScopeBatch.Outcome outcome : batch.outcomes()) {
      if (outcome instanceof ScopeBatch.Closed closed) {
        forward(scope, closed.window());
      } else if (outcome instanceof ScopeBatch.Rejected rejected) {
        reject(scope, rejected.sample(), rejected.rejection());
      }
    }
    if (batch.state() == before) {
      return; // every sample rejected: nothing changed
    }
    write(scope, before, batch.state(), batch.closed(), batch.updated());
  }

  private void reject(String scope, MetricSample sample, ScopeWindowing.Rejection rejection) {
    metrics.recordRejected(topic, rejection.reason());
    long start = windowing.windowStart(sample.time()).toEpochMilli();
    context.forward(new Record<>(new Windowed<>(scope, new TimeWindow(start, start + windowing.size().toMillis())),
        ParseResult.rejected(rejection.reason(), rejection.detail(), "time", sample.source(), json(sample)),
        sample.time().toEpochMilli()));
  }

  /** Closes the scopes whose idle deadline has passed, at most {@link #IDLE_SLICE} of them per call. */
  private void closeIdleScopes(long wallClock) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = idle.range(deadlineKey(0, ""), deadlineKey(wallClock, "~"))) {
      while (it.hasNext() && due.size() < IDLE_SLICE) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, String> entry : due) {
      idle.delete(entry.key);
      ScopeWindows state = load(entry.value);
      if (state.open().isEmpty()) {
        continue; // stale: its windows closed by its watermark or at the end of input
      }
      long deadline = idleDeadline(state.progress());
      if (deadline > wallClock) {
        idle.put(deadlineKey(deadline, entry.value), entry.value); // seen since the entry was written
        continue;
      }
      save(entry.value, state, windowing.closeAll(state));
    }
  }

  /**
   * Deletes the progress of scopes with nothing open whose retention deadline has passed, at most {@link #IDLE_SLICE}
   * of them per call.
   */
  private void forgetExpiredScopes(long wallClock) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = idle.range(RETENTION_PREFIX + deadlineKey(0, ""),
        RETENTION_PREFIX + deadlineKey(wallClock, "~"))) {
      while (it.hasNext() && due.size() < IDLE_SLICE) {
        due.add(it.next());
      }
    }
    Instant now = Instant.ofEpochMilli(wallClock);
    for (KeyValue<String, String> entry : due) {
      idle.delete(entry.key);
      ScopeWindows state = load(entry.value);
      if (entry.key.equals(retentionKey(state, entry.value)) && windowing.expired(state, now, retention)) {
        forget(entry.value);
      }
    }
  }

  /**
   * A marker of the end of input counts in its own scope's window; once that window holds the marker of every raw
   * partition, every scope of this task closes its windows, whatever its watermark, and the marker's window last.
   */
  private void endOfInput(String scope, MetricSample marker) {
    ScopeWindows before = load(scope);
    // the marker is stamped far ahead on purpose: it is its own wall clock and never idles out
    ScopeWindowing.Step step = windowing.accept(before, marker, marker.time());
    if (step.rejection() != null) {
      reject(scope, marker, step.rejection());
      return;
    }
    save(scope, before, step);
    if (step.updated().isPresent() && FlushMarker.isComplete(step.updated().get())) {
      closeEveryScopeBut(scope);
      ScopeWindows markers = load(scope);
      save(scope, markers, windowing.closeAll(markers));
    }
  }

  /** End of input: every scope of this task closes its windows, whatever its watermark. */
  private void closeEveryScopeBut(String marker) {
    List<KeyValue<String, String>> entries = new ArrayList<>();
    try (KeyValueIterator<String, String> it = idle.range(deadlineKey(0, ""), deadlineKey(Long.MAX_VALUE, "~"))) {
      it.forEachRemaining(entries::add);
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (KeyValue<String, String> entry : entries) {
      if (!entry.value.equals(marker)) {
        idle.delete(entry.key); // nothing of the scope stays open
        scopes.add(entry.value);
      }
    }
    for (String scope : scopes) {
      ScopeWindows state = load(scope);
      save(scope, state, windowing.closeAll(state));
    }
  }

  /** The scope's state: from the cache, else from the stores (then cached). */
  private ScopeWindows load(String scope) {
    ScopeWindows cached = decoded.get(scope);
    if (cached != null) {
      return cached;
    }
    TreeMap<Instant, UsageWindow> open = new TreeMap<>();
    try (KeyValueIterator<String, UsageWindow> it = windows.prefixScan(scope + "|", new StringSerializer())) {
      it.forEachRemaining(kv -> {
        if (kv.value != null) { // an unreadable window was counted by its serde and starts again
          open.put(kv.value.windowStart(), kv.value);
        }
      });
    }
    ScopeWindows state = new ScopeWindows(progress.get(scope), open);
    decoded.put(scope, state);
    return state;
  }

  /** The scope's progress is gone from the store: so from the cache. */
  private void forget(String scope) {
    progress.delete(scope);
    decoded.remove(scope);
  }

  private void save(String scope, ScopeWindows before, ScopeWindowing.Step step) {
    write(scope, before, step.state(), step.closed(), step.updated().map(List::of).orElse(List.of()));
    forwardClosed(scope, step.closed());
  }

  /**
   * The scope's stores and cache from {@code before} to {@code after}: the windows closed on the way deleted, the
   * open ones updated on the way written, the progress, and the idle and retention index entries.
   */
  private void write(String scope, ScopeWindows before, ScopeWindows after, List<UsageWindow> closed,
      List<UsageWindow> updated) {
    for (UsageWindow window : closed) {
      windows.delete(windowKey(scope, window.windowStart()));
    }
    for (UsageWindow window : updated) {
      windows.put(windowKey(scope, window.windowStart()), window);
    }
    ScopeProgress progressAfter = after.progress();
    if (!progressAfter.equals(before.progress())) {
      progress.put(scope, progressAfter);
    }
    decoded.put(scope, after);
    if (before.open().isEmpty() && !after.open().isEmpty()) {
      // its first open window: indexed at its deadline now; later records move it only when it falls due
      idle.put(deadlineKey(idleDeadline(progressAfter), scope), scope);
    }
    String oldRetention = retentionKey(before, scope);
    String newRetention = retentionKey(after, scope);
    if (oldRetention != null && !oldRetention.equals(newRetention)) {
      idle.delete(oldRetention);
    }
    if (newRetention != null && !newRetention.equals(oldRetention)) {
      idle.put(newRetention, scope);
    }
  }

  private void forwardClosed(String scope, List<UsageWindow> closed) {
    for (UsageWindow window : closed) {
      forward(scope, window);
    }
  }

  private void forward(String scope, UsageWindow window) {
    context.forward(new Record<>(new Windowed<>(scope, new TimeWindow(window.windowStart().toEpochMilli(),
        window.windowEnd().toEpochMilli())), ParseResult.parsed(window), window.windowEnd().toEpochMilli() - 1));
  }

  private long idleDeadline(ScopeProgress p) {
    return p.lastSeen().plus(idleTimeout).toEpochMilli();
  }

  /** The retention deadline of a scope with nothing open; null while it has open windows (or no progress). */
  private String retentionKey(ScopeWindows state, String scope) {
    if (!state.open().isEmpty() || state.progress() == null) {
      return null;
    }
    return RETENTION_PREFIX + deadlineKey(state.progress().lastSeen().plus(retention).toEpochMilli(), scope);
  }

  private static String deadlineKey(long millis, String scope) {
    return padded(Math.max(0, millis)) + "|" + scope;
  }

  private static String windowKey(String scope, Instant start) {
    return scope + "|" + padded(start.toEpochMilli());
  }

  /** {@code String.format("%019d", millis)} without the formatter: 19 digits, zero-padded (minus sign first). */
  static String padded(long millis) {
    if (millis == Long.MIN_VALUE) {
      return Long.toString(millis);
    }
    String digits = Long.toString(Math.abs(millis));
    StringBuilder out = new StringBuilder(20);
    if (millis < 0) {
      out.append('-');
    }
    for (int i = digits.length() + (millis < 0 ? 1 : 0); i < 19; i++) {
      out.append('0');
    }
    return out.append(digits).toString();
  }

  private static String json(MetricSample sample) {
    try {
      return Json.MAPPER.writeValueAsString(sample);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(sample);
    }
  }
}
