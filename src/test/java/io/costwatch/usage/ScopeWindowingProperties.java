package io.costwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.costwatch.core.MetricSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ScopeWindowingProperties {

  private static final Duration SIZE = Duration.ofMinutes(15);
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final Instant NOW = Instant.parse("2026-11-05T00:00:00Z");
  private final ScopeWindowing windowing = new ScopeWindowing(SIZE, GRACE, Duration.ofHours(1));

  /** One sample: scope index, minute offset from the scope's start (scopes are skewed by hours), value. */
  record Item(int scope, int minute, int value) {
    MetricSample sample() {
      Instant start = ScopeWindowingTest.T0.plus(Duration.ofMinutes(37L * scope));
      return ScopeWindowingTest.sample("ws-" + scope, start.plus(Duration.ofMinutes(minute)), value);
    }
  }

  @Provide
  Arbitrary<List<List<Integer>>> inOrderStreams() {
    Arbitrary<List<Integer>> minutes = Arbitraries.integers().between(0, 5).list().ofMaxSize(60)
        .map(steps -> {
          List<Integer> out = new ArrayList<>();
          int m = 0;
          for (int step : steps) {
            m += step;
            out.add(m);
          }
          return out;
        });
    return minutes.list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 300)
  void anyInterleavingOfInOrderScopesClosesTheSameWindowsWithTheSameContents(
      @ForAll("inOrderStreams") List<List<Integer>> streams, @ForAll long seed) {
    List<Item> scopeByScope = new ArrayList<>();
    for (int s = 0; s < streams.size(); s++) {
      for (int m : streams.get(s)) {
        scopeByScope.add(new Item(s, m, m % 97));
      }
    }
    List<Item> interleaved = interleave(streams, new Random(seed));
    Map<String, List<UsageWindow>> expected = run(scopeByScope);
    assertEquals(expected, run(interleaved));
    assertEquals(expected, model(scopeByScope), "in-order streams lose nothing: one window per minute group");
  }

  @Property(tries = 300)
  void noRecordWithinItsScopesGraceIsDroppedAndEveryAcceptedOneIsInExactlyOneWindow(
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 240) Integer> minutes) {
    ScopeWindows state = ScopeWindows.none();
    long accepted = 0;
    long emitted = 0;
    for (int m : minutes) {
      Item item = new Item(0, m, 1);
      MetricSample sample = item.sample();
      Instant end = windowing.windowStart(sample.time()).plus(SIZE);
      boolean withinGrace = state.progress() == null || end.plus(GRACE).isAfter(state.progress().watermark());
      ScopeWindowing.Step step = windowing.accept(state, sample, NOW);
      assertEquals(withinGrace, step.rejection() == null, () -> "minute " + m + ": " + step.rejection());
      accepted += withinGrace ? 1 : 0;
      emitted += step.closed().stream().mapToLong(UsageWindow::records).sum();
      state = step.state();
    }
    emitted += windowing.closeAll(state).closed().stream().mapToLong(UsageWindow::records).sum();
    assertEquals(accepted, emitted);
  }

  @Property(tries = 100)
  void aRecordBeyondTheWallClockBoundChangesNothing(@ForAll @IntRange(min = 0, max = 100) int minute,
      @ForAll @IntRange(min = 61, max = 100_000) int ahead) {
    ScopeWindows state = windowing.accept(ScopeWindows.none(), new Item(0, minute, 1).sample(), NOW).state();
    MetricSample future = ScopeWindowingTest.sample("ws-0", NOW.plus(Duration.ofMinutes(ahead)), 1);
    ScopeWindowing.Step step = windowing.accept(state, future, NOW);
    assertEquals(ScopeWindowing.FUTURE, step.rejection().reason());
    assertSame(state, step.state());
  }

  private static List<Item> interleave(List<List<Integer>> streams, Random random) {
    List<Item> out = new ArrayList<>();
    int[] next = new int[streams.size()];
    int left = streams.stream().mapToInt(List::size).sum();
    while (left > 0) {
      int s = random.nextInt(streams.size());
      if (next[s] < streams.get(s).size()) {
        int m = streams.get(s).get(next[s]++);
        out.add(new Item(s, m, m % 97));
        left--;
      }
    }
    return out;
  }

  /** Closed windows per scope, in the order they closed, including the final close at the end of input. */
  private Map<String, List<UsageWindow>> run(List<Item> items) {
    Map<String, ScopeWindows> states = new HashMap<>();
    Map<String, List<UsageWindow>> closed = new TreeMap<>();
    for (Item item : items) {
      MetricSample sample = item.sample();
      String scope = sample.scope().resourceId();
      ScopeWindowing.Step step = windowing.accept(states.getOrDefault(scope, ScopeWindows.none()), sample, NOW);
      assertNull(step.rejection());
      states.put(scope, step.state());
      closed.computeIfAbsent(scope, k -> new ArrayList<>()).addAll(step.closed());
    }
    states.forEach((scope, state) -> closed.get(scope).addAll(windowing.closeAll(state).closed()));
    return closed;
  }

  /** The reference: every sample in the window of its minute, windows in order. */
  private Map<String, List<UsageWindow>> model(List<Item> items) {
    Map<String, TreeMap<Instant, UsageWindow>> windows = new TreeMap<>();
    for (Item item : items) {
      MetricSample sample = item.sample();
      Instant start = windowing.windowStart(sample.time());
      windows.computeIfAbsent(sample.scope().resourceId(), k -> new TreeMap<>())
          .merge(start, UsageWindow.empty().in(start, start.plus(SIZE)).add(sample), (old, one) -> old.add(sample));
    }
    Map<String, List<UsageWindow>> out = new TreeMap<>();
    windows.forEach((scope, byStart) -> out.put(scope, List.copyOf(byStart.values())));
    return out;
  }
}
