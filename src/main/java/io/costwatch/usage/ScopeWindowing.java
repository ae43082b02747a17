package io.costwatch.usage;

import io.costwatch.core.MetricSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * rejection out. A record is rejected when its window is already closed ({@code late-for-scope}) or when it lies more
 * than {@code maxAhead} after the wall clock ({@code future-of-wall-clock}), so that one mis-stamped record cannot
 * close its scope's windows.
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
      return Step.rejected(state, FUTURE, "event time " + time + " of " + sample.scope().resourceId()
          + " is more than " + maxAhead + " after the wall clock " + now);
    }
    Instant start = windowStart(time);
    Instant end = start.plusMillis(size);
    ScopeProgress progress = state.progress();
    if (progress != null && isClosed(progress, end)) {
      return Step.rejected(state, LATE, "window " + start + "/" + end + " of " + sample.scope().resourceId()
          + " closed at watermark " + progress.watermark() + " (grace " + Duration.ofMillis(grace) + ")");
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

  private boolean isClosed(ScopeProgress progress, Instant end) {
    return progress.closedThrough() != null && !end.isAfter(progress.closedThrough())
        || !end.plusMillis(grace).isAfter(progress.watermark());
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

    static Step rejected(ScopeWindows state, String reason, String detail) {
      return new Step(state, List.of(), Optional.empty(), new Rejection(reason, detail));
    }
  }

  /** A record not used: {@code reason} is a short label ({@link #LATE}, {@link #FUTURE}), {@code detail} a sentence. */
  public record Rejection(String reason, String detail) {
  }
}
