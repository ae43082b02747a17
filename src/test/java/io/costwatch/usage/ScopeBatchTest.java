package io.costwatch.usage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.MetricSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScopeBatchTest {

  private static final Instant T0 = ScopeWindowingTest.T0;
  private static final Instant NOW = ScopeWindowingTest.NOW;
  private final ScopeWindowing windowing = new ScopeWindowing(Duration.ofMinutes(15), Duration.ofMinutes(5),
      Duration.ofHours(1));

  private static MetricSample sample(int minute, double value) {
    return ScopeWindowingTest.sample("a", T0.plus(Duration.ofMinutes(minute)), value);
  }

  private static MetricSample beyondTheWallClock(double value) {
    return ScopeWindowingTest.sample("a", NOW.plus(Duration.ofHours(2)), value);
  }

  private static MetricSample onInstance(int minute, String instance) {
    MetricSample s = sample(minute, 50);
    return new MetricSample(s.schemaVersion(), s.scope(), s.metric(), s.time(), s.average(), s.minimum(),
        s.maximum(), s.total(), s.count(), Map.of("instanceid", instance), s.source());
  }

  @Test
  void closuresAndRejectionsComeInTheOrderTheSamplesCausedThem() {
    ScopeBatch batch = windowing.acceptAll(ScopeWindows.none(), List.of(sample(0, 1), sample(20, 2), sample(3, 3),
        beyondTheWallClock(4), sample(21, 5)), NOW);

    assertEquals(List.of(ScopeBatch.Closed.class, ScopeBatch.Rejected.class, ScopeBatch.Rejected.class),
        batch.outcomes().stream().map(Object::getClass).toList());
    assertEquals(T0, ((ScopeBatch.Closed) batch.outcomes().get(0)).window().windowStart());
    assertEquals(ScopeWindowing.LATE, ((ScopeBatch.Rejected) batch.outcomes().get(1)).rejection().reason());
    assertEquals(ScopeWindowing.FUTURE, ((ScopeBatch.Rejected) batch.outcomes().get(2)).rejection().reason());
    assertEquals(List.of(T0.plus(Duration.ofMinutes(15))),
        batch.updated().stream().map(UsageWindow::windowStart).toList());
    assertEquals(2, batch.updated().get(0).records());
  }

  @Test
  void aBatchOfRejectedSamplesReturnsTheStateItWasGiven() {
    ScopeWindows state = windowing.accept(ScopeWindows.none(), sample(40, 1), NOW).state();

    ScopeBatch batch = windowing.acceptAll(state, List.of(sample(0, 1), beyondTheWallClock(2)), NOW);

    assertSame(state, batch.state());
    assertEquals(List.of(), batch.closed());
    assertEquals(List.of(), batch.updated());
  }

  @Test
  void theStateGivenAndTheWindowsReturnedStayAsTheyWere() {
    ScopeWindows state = windowing.accept(ScopeWindows.none(), sample(1, 10), NOW).state();
    UsageWindow before = state.open().get(T0);
    long[] histogram = before.stats(AzureMetric.GPU_UTILIZATION).histogram().clone();

    ScopeBatch batch = windowing.acceptAll(state, List.of(sample(2, 20), sample(3, 30)), NOW);
    windowing.acceptAll(batch.state(), List.of(sample(4, 40)), NOW);

    assertEquals(1, state.open().get(T0).records());
    assertArrayEquals(histogram, before.stats(AzureMetric.GPU_UTILIZATION).histogram());
    UsageWindow after = batch.state().open().get(T0);
    assertEquals(3, after.records());
    assertEquals(20.0, after.average(AzureMetric.GPU_UTILIZATION), 1e-9);
    assertThrows(UnsupportedOperationException.class, () -> after.metrics().put(AzureMetric.CPU_UTILIZATION,
        MetricStats.empty()));
    assertThrows(UnsupportedOperationException.class, () -> batch.state().open().clear());
  }

  @Test
  void anInstanceSeenAgainInAMinuteItHadKeepsItsWordsAsTheOneByOnePathDoes() {
    // words as an older writer may have left them: a trailing zero word that BitSet.toLongArray would drop
    UsageWindow stored = windowing.accept(ScopeWindows.none(), onInstance(2, "i-0"), NOW).state().open().get(T0);
    UsageWindow untrimmed = new UsageWindow(stored.schemaVersion(), stored.scope(), stored.windowStart(),
        stored.windowEnd(), stored.metrics(), stored.records(), stored.firstSource(), stored.lastSource(),
        new InstanceMinutes(Map.of("i-0", new long[] {1L << 2, 0L})));
    ScopeWindows state = new ScopeWindows(windowing.accept(ScopeWindows.none(), onInstance(2, "i-0"), NOW).state()
        .progress(), new TreeMap<>(Map.of(T0, untrimmed)));

    for (List<MetricSample> samples : List.of(List.of(onInstance(2, "i-0")), List.of(onInstance(3, "i-0")),
        List.of(onInstance(2, "i-0"), onInstance(4, "i-1")))) {
      ScopeBatch batch = windowing.acceptAll(state, samples, NOW);
      assertEquals(ScopeBatchProperties.oneByOne(windowing, state, samples, NOW), batch, samples::toString);
    }
  }
}
