package io.costwatch.topology;

import io.costwatch.core.Json;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.ScopeWindowing;
import io.costwatch.usage.ScopeWindows;
import io.costwatch.usage.UsageWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * Thin adapter over {@link ScopeWindowing}: samples keyed by scope (all samples of a scope on one task) in, final
 * windows out, each closed by its own scope's watermark or, for a scope quiet for the idle timeout, by a wall-clock
 * punctuation. Rejected samples leave as {@link ParseResult.Rejected} for the dead-letter topic.
 *
 * <p>State: one entry per open scope window ({@link #WINDOWS}), one progress entry per scope ({@link #PROGRESS}),
 * and an index of scopes with open windows by idle deadline ({@link #IDLE}), so a punctuation reads only the scopes
 * that are due, in bounded slices. A scope with nothing open waits in the same index under a retention deadline
 * ({@code R|} keys, after the idle deadlines): once quiet for the retention its progress entry is deleted, also in
 * bounded slices, so the progress store holds the scopes of the retention period, not every scope ever seen. The
 * end-of-input markers ({@link FlushMarker}), one from each raw partition, count as samples of their own scope; with
 * the last of them every scope's windows on this task close, the markers' own window last, which detection turns
 * into the acknowledgement.
 */
final class UsageWindowProcessor implements Processor<String, MetricSample, Windowed<String>, ParseResult<UsageWindow>> {

  static final String WINDOWS = "usage-windows-by-scope-store";
  static final String PROGRESS = "usage-scope-progress-store";
  static final String IDLE = "usage-scope-idle-deadlines-store";
  /** Scopes closed per punctuation at most; the rest are due at the next one. */
  static final int IDLE_SLICE = 500;
  /** How long a scope with nothing open keeps its progress (wall clock since its latest record) by default. */
  static final Duration SCOPE_RETENTION = Duration.ofDays(7);
  private static final String RETENTION_PREFIX = "R|";

  private final ScopeWindowing windowing;
  private final Duration idleTimeout;
  private final Duration retention;
  private final PipelineMetrics metrics;
  private final String topic;
  private ProcessorContext<Windowed<String>, ParseResult<UsageWindow>> context;
  private KeyValueStore<String, UsageWindow> windows;
  private KeyValueStore<String, ScopeProgress> progress;
  private KeyValueStore<String, String> idle;

  UsageWindowProcessor(ScopeWindowing windowing, Duration idleTimeout, Duration retention, PipelineMetrics metrics,
      String topic) {
    this.windowing = windowing;
    this.idleTimeout = idleTimeout;
    this.retention = retention;
    this.metrics = metrics;
    this.topic = topic;
  }

  static ProcessorSupplier<String, MetricSample, Windowed<String>, ParseResult<UsageWindow>> supplier(
      ScopeWindowing windowing, Duration idleTimeout, PipelineMetrics metrics, String topic) {
    Duration retention = SCOPE_RETENTION.compareTo(idleTimeout.multipliedBy(2)) < 0 ? idleTimeout.multipliedBy(2)
        : SCOPE_RETENTION;
    return supplier(windowing, idleTimeout, retention, metrics, topic);
  }

  /** @param retention how long a scope with nothing open keeps its progress after its latest record (wall clock) */
  static ProcessorSupplier<String, MetricSample, Windowed<String>, ParseResult<UsageWindow>> supplier(
      ScopeWindowing windowing, Duration idleTimeout, Duration retention, PipelineMetrics metrics, String topic) {
    return DeclaredStores.processor(() -> new UsageWindowProcessor(windowing, idleTimeout, retention, metrics, topic),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS), Serdes.String(),
            JsonSerde.stored(UsageWindow.class, WINDOWS, metrics))
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS), Serdes.String(),
            JsonSerde.stored(ScopeProgress.class, PROGRESS, metrics))
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IDLE), Serdes.String(), Serdes.String())
            .withCachingEnabled());
  }

  @Override
  public void init(ProcessorContext<Windowed<String>, ParseResult<UsageWindow>> context) {
    this.context = context;
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
  public void process(Record<String, MetricSample> record) {
    MetricSample sample = record.value();
    String scope = sample.scope().resourceId();
    if (FlushMarker.isMarker(sample.scope())) {
      endOfInput(scope, sample);
      return;
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    ScopeWindows before = load(scope);
    ScopeWindowing.Step step = windowing.accept(before, sample, now);
    if (step.rejection() != null) {
      reject(scope, sample, step.rejection());
      return;
    }
    save(scope, before, step);
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
      ScopeWindows state = load(entry.value);
      if (state.open().isEmpty() || !entry.key.equals(idleKey(state.progress(), entry.value))) {
        idle.delete(entry.key); // stale: written under another idle timeout, or nothing left open
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
        progress.delete(entry.value);
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
    List<String> scopes = new ArrayList<>();
    try (KeyValueIterator<String, String> it = idle.range(deadlineKey(0, ""), deadlineKey(Long.MAX_VALUE, "~"))) {
      it.forEachRemaining(kv -> scopes.add(kv.value));
    }
    for (String scope : scopes) {
      if (!scope.equals(marker)) {
        ScopeWindows state = load(scope);
        save(scope, state, windowing.closeAll(state));
      }
    }
  }

  private ScopeWindows load(String scope) {
    TreeMap<Instant, UsageWindow> open = new TreeMap<>();
    try (KeyValueIterator<String, UsageWindow> it = windows.prefixScan(scope + "|", new StringSerializer())) {
      it.forEachRemaining(kv -> open.put(kv.value.windowStart(), kv.value));
    }
    return new ScopeWindows(progress.get(scope), open);
  }

  private void save(String scope, ScopeWindows before, ScopeWindowing.Step step) {
    for (UsageWindow closed : step.closed()) {
      windows.delete(windowKey(scope, closed.windowStart()));
    }
    step.updated().ifPresent(w -> windows.put(windowKey(scope, w.windowStart()), w));
    ScopeProgress after = step.state().progress();
    if (!after.equals(before.progress())) {
      progress.put(scope, after);
    }
    String oldDeadline = before.open().isEmpty() ? null : idleKey(before.progress(), scope);
    String newDeadline = step.state().open().isEmpty() ? null : idleKey(after, scope);
    if (oldDeadline != null && !oldDeadline.equals(newDeadline)) {
      idle.delete(oldDeadline);
    }
    if (newDeadline != null && !newDeadline.equals(oldDeadline)) {
      idle.put(newDeadline, scope);
    }
    String oldRetention = retentionKey(before, scope);
    String newRetention = retentionKey(step.state(), scope);
    if (oldRetention != null && !oldRetention.equals(newRetention)) {
      idle.delete(oldRetention);
    }
    if (newRetention != null && !newRetention.equals(oldRetention)) {
      idle.put(newRetention, scope);
    }
    for (UsageWindow closed : step.closed()) {
      context.forward(new Record<>(new Windowed<>(scope, new TimeWindow(closed.windowStart().toEpochMilli(),
          closed.windowEnd().toEpochMilli())), ParseResult.parsed(closed), closed.windowEnd().toEpochMilli() - 1));
    }
  }

  private String idleKey(ScopeProgress p, String scope) {
    return deadlineKey(p.lastSeen().plus(idleTimeout).toEpochMilli(), scope);
  }

  /** The retention deadline of a scope with nothing open; null while it has open windows (or no progress). */
  private String retentionKey(ScopeWindows state, String scope) {
    if (!state.open().isEmpty() || state.progress() == null) {
      return null;
    }
    return RETENTION_PREFIX + deadlineKey(state.progress().lastSeen().plus(retention).toEpochMilli(), scope);
  }

  private static String deadlineKey(long millis, String scope) {
    return String.format("%019d|%s", Math.max(0, millis), scope);
  }

  private static String windowKey(String scope, Instant start) {
    return scope + "|" + String.format("%019d", start.toEpochMilli());
  }

  private static String json(MetricSample sample) {
    try {
      return Json.MAPPER.writeValueAsString(sample);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(sample);
    }
  }
}
