package io.costwatch.usage;

import io.costwatch.core.MetricSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tumbling event-time windows closed by each scope's own progress. A scope's watermark is the latest event time seen
 * for that scope; its window {@code [start, end)} closes once the watermark reaches {@code end + grace}, the rule
 * Kafka Streams applies per partition, here applied per scope. So a scope that lags another (partition skew, one
 * resource's export running late, a backlog caught up) loses nothing within its own grace, and no scope can close
 * another's windows. Quiet scopes are closed by the caller after an idle timeout ({@link #closeAll}), as are all
 * scopes at the end of a bounded input.
 *
 * <p>Pure: the state, the record and the wall clock in; the new state, the windows closed (oldest first) and the
 * rejection out ({@link #acceptAll}: the same for a scope's samples of one value, in one pass). A record is rejected
 * when its window is already closed ({@code late-for-scope}) or when it lies more than {@code maxAhead} after the
 * wall clock ({@code future-of-wall-clock}), so that one mis-stamped record cannot close its scope's windows.
 */
public final class ScopeWindowing {

  public static final String LATE = "late-for-scope";
  public static final String FUTURE = "future-of-wall-clock";

  private final long size;
  private final long grace;
  private final Duration maxAhead;

  public ScopeWindowing(Duration size, Duration grace, Duration maxAhead) {
    if (size.isZero() || size.isNegative() || grace.isNegative() || maxAhead.isNegative()) {
      throw new IllegalArgumentException("window size must be positive, grace and max-ahead not negative: size="
          + size + " grace=" + grace + " maxAhead=" + maxAhead);
    }
    this.size = size.toMillis();
    this.grace = grace.toMillis();
    this.maxAhead = Objects.requireNonNull(maxAhead);
  }

  public Duration size() {
    return Duration.ofMillis(size);
  }

  /** The start of the window holding {@code time} (windows aligned to the epoch, as {@code TimeWindows} does). */
  public Instant windowStart(Instant time) {
    long t = time.toEpochMilli();
    return Instant.ofEpochMilli(t - Math.floorMod(t, size));
  }

  /** Adds one sample of the scope; {@code now} is the wall clock. */
  public Step accept(ScopeWindows state, MetricSample sample, Instant now) {
    Instant time = sample.time();
    if (time.isAfter(now.plus(maxAhead))) {
      return new Step(state, List.of(), Optional.empty(), future(sample, now));
    }
    Instant start = windowStart(time);
    Instant end = start.plusMillis(size);
    ScopeProgress progress = state.progress();
    if (progress != null && isClosed(progress.closedThrough(), progress.watermark(), end)) {
      return new Step(state, List.of(), Optional.empty(), late(sample, start, end, progress.watermark()));
    }
    TreeMap<Instant, UsageWindow> open = new TreeMap<>(state.open());
    UsageWindow updated = open.getOrDefault(start, UsageWindow.empty().in(start, end)).add(sample);
    open.put(start, updated);
    Instant watermark = progress == null || time.isAfter(progress.watermark()) ? time : progress.watermark();
    Instant closedThrough = progress == null ? null : progress.closedThrough();
    List<UsageWindow> closed = new ArrayList<>();
    while (!open.isEmpty() && !open.firstKey().plusMillis(size + grace).isAfter(watermark)) {
      UsageWindow window = open.pollFirstEntry().getValue();
      closed.add(window);
      closedThrough = later(closedThrough, window.windowEnd());
    }
    ScopeWindows next = new ScopeWindows(new ScopeProgress(ScopeProgress.SCHEMA_VERSION, watermark, closedThrough,
        now), open);
    return new Step(next, closed, open.containsKey(start) ? Optional.of(updated) : Optional.empty(), null);
  }

  /**
   * Adds a scope's samples in their order, as {@link #accept} one after the other with the same wall clock would, in
   * one pass: the samples go into mutable accumulators of the scope's windows, and a window becomes a value once, when
   * it closes or at the end, where {@code accept} copies the scope's window map, the window's metric map, a histogram
   * and its instance map per sample. Everything returned is a new immutable value (or one of {@code state}'s own,
   * untouched); {@code state} is not changed.
   */
  public ScopeBatch acceptAll(ScopeWindows state, List<MetricSample> samples, Instant now) {
    Instant latest = now.plus(maxAhead);
    ScopeProgress progress = state.progress();
    boolean seen = progress != null;
    Instant watermark = seen ? progress.watermark() : null;
    Instant closedThrough = seen ? progress.closedThrough() : null;
    TreeMap<Instant, UsageWindow.Accumulator> open = null; // from the first sample accepted
    List<ScopeBatch.Outcome> outcomes = new ArrayList<>();
    List<UsageWindow> closed = new ArrayList<>();
    for (MetricSample sample : samples) {
      Instant time = sample.time();
      if (time.isAfter(latest)) {
        outcomes.add(new ScopeBatch.Rejected(sample, future(sample, now)));
        continue;
      }
      Instant start = windowStart(time);
      Instant end = start.plusMillis(size);
      if (seen && isClosed(closedThrough, watermark, end)) {
        outcomes.add(new ScopeBatch.Rejected(sample, late(sample, start, end, watermark)));
        continue;
      }
      if (open == null) {
        open = accumulators(state.open());
      }
      open.computeIfAbsent(start, s -> new UsageWindow.Accumulator(UsageWindow.empty().in(start, end))).add(sample);
      watermark = !seen || time.isAfter(watermark) ? time : watermark;
      seen = true;
      while (!open.isEmpty() && !open.firstKey().plusMillis(size + grace).isAfter(watermark)) {
        UsageWindow window = open.pollFirstEntry().getValue().build();
        closed.add(window);
        outcomes.add(new ScopeBatch.Closed(window));
        closedThrough = later(closedThrough, window.windowEnd());
      }
    }
    if (open == null) {
      return new ScopeBatch(state, outcomes, List.of(), List.of()); // every sample rejected
    }
    TreeMap<Instant, UsageWindow> after = new TreeMap<>();
    List<UsageWindow> updated = new ArrayList<>();
    for (Map.Entry<Instant, UsageWindow.Accumulator> e : open.entrySet()) {
      UsageWindow window = e.getValue().build();
      after.put(e.getKey(), window);
      if (e.getValue().added()) {
        updated.add(window);
      }
    }
    ScopeProgress next = new ScopeProgress(ScopeProgress.SCHEMA_VERSION, watermark, closedThrough, now);
    return new ScopeBatch(new ScopeWindows(next, after), outcomes, closed, updated);
  }

  private static TreeMap<Instant, UsageWindow.Accumulator> accumulators(Map<Instant, UsageWindow> windows) {
    TreeMap<Instant, UsageWindow.Accumulator> out = new TreeMap<>();
    windows.forEach((start, window) -> out.put(start, new UsageWindow.Accumulator(window)));
    return out;
  }

  /** Closes every open window of the scope: it has been quiet for the idle timeout, or the input has ended. */
  public Step closeAll(ScopeWindows state) {
    if (state.open().isEmpty()) {
      return new Step(state, List.of(), Optional.empty(), null);
    }
    List<UsageWindow> closed = List.copyOf(state.open().values());
    ScopeProgress p = state.progress();
    Instant closedThrough = later(p.closedThrough(), closed.get(closed.size() - 1).windowEnd());
    ScopeWindows next = new ScopeWindows(new ScopeProgress(ScopeProgress.SCHEMA_VERSION, p.watermark(),
        closedThrough, p.lastSeen()), new TreeMap<>());
    return new Step(next, closed, Optional.empty(), null);
  }

  /**
   * True when the scope's state may be forgotten at wall-clock {@code now}: nothing of it is open and its latest
   * record arrived {@code retention} or longer ago. A scope that returns later starts again as a new one (its first
   * record sets its watermark); the lifecycle ignores windows it has already evaluated.
   */
  public boolean expired(ScopeWindows state, Instant now, Duration retention) {
    return state.open().isEmpty() && state.progress() != null
        && !state.progress().lastSeen().plus(retention).isAfter(now);
  }

  private boolean isClosed(Instant closedThrough, Instant watermark, Instant end) {
    return closedThrough != null && !end.isAfter(closedThrough) || !end.plusMillis(grace).isAfter(watermark);
  }

  private Rejection future(MetricSample sample, Instant now) {
    return new Rejection(FUTURE, "event time " + sample.time() + " of " + sample.scope().resourceId()
        + " is more than " + maxAhead + " after the wall clock " + now);
  }

  private Rejection late(MetricSample sample, Instant start, Instant end, Instant watermark) {
    return new Rejection(LATE, "window " + start + "/" + end + " of " + sample.scope().resourceId()
        + " closed at watermark " + watermark + " (grace " + Duration.ofMillis(grace) + ")");
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  /**
   * The outcome of one input.
   *
   * @param state the scope's new state
   * @param closed the windows that closed, oldest first: final results
   * @param updated the open window the record was added to, if it is still open
   * @param rejection why the record was not used, or null
   */
  public record Step(ScopeWindows state, List<UsageWindow> closed, Optional<UsageWindow> updated,
      Rejection rejection) {
  }

  /** A record not used: {@code reason} is a short label ({@link #LATE}, {@link #FUTURE}), {@code detail} a sentence. */
  public record Rejection(String reason, String detail) {
  }
}
