package io.costwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.SourceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeWindowingTest {

  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-03T00:00:00Z");
  private final ScopeWindowing windowing = new ScopeWindowing(Duration.ofMinutes(15), Duration.ofMinutes(5),
      Duration.ofHours(1));

  static MetricSample sample(String workspace, Instant time, double value) {
    return new MetricSample(MetricSample.SCHEMA_VERSION, AzureResourceId.workspace(
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/" + workspace),
        AzureMetric.GPU_UTILIZATION, time, value, value, value, value, 1, Map.of(),
        new SourceRef("test/0", time.getEpochSecond(), 0));
  }

  private static Instant min(int m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  @Test
  void aWindowClosesWhenItsScopesWatermarkReachesEndPlusGrace() {
    ScopeWindows state = ScopeWindows.none();
    for (int m = 0; m < 20; m++) {
      ScopeWindowing.Step step = windowing.accept(state, sample("a", min(m), m), NOW);
      assertTrue(step.closed().isEmpty(), "open until minute 20, got a close at minute " + m);
      state = step.state();
    }
    ScopeWindowing.Step step = windowing.accept(state, sample("a", min(20), 20), NOW);
    assertEquals(1, step.closed().size());
    UsageWindow closed = step.closed().get(0);
    assertEquals(T0, closed.windowStart());
    assertEquals(min(15), closed.windowEnd());
    assertEquals(15, closed.records());
    assertEquals(7.0, closed.average(AzureMetric.GPU_UTILIZATION), 1e-9);
    assertEquals(min(15), step.state().progress().closedThrough());
    assertEquals(min(20), step.state().progress().watermark());
    assertEquals(List.of(min(15)), List.copyOf(step.state().open().keySet()));
  }

  @Test
  void aRecordWithinGraceOfItsScopeCountsInItsWindow() {
    ScopeWindows state = windowing.accept(ScopeWindows.none(), sample("a", min(18), 1), NOW).state();
    ScopeWindowing.Step late = windowing.accept(state, sample("a", min(3), 2), NOW);
    assertNull(late.rejection());
    assertEquals(2, late.state().open().size());
    assertEquals(1, late.updated().orElseThrow().records());
    assertEquals(T0, late.updated().orElseThrow().windowStart());
  }

  @Test
  void aRecordLaterThanItsScopesGraceIsRejectedWithTheWatermark() {
    ScopeWindows state = windowing.accept(ScopeWindows.none(), sample("a", min(20), 1), NOW).state();
    ScopeWindowing.Step step = windowing.accept(state, sample("a", min(14), 2), NOW);
    assertEquals(ScopeWindowing.LATE, step.rejection().reason());
    assertTrue(step.rejection().detail().contains("closed at watermark " + min(20)), step.rejection().detail());
    assertTrue(step.rejection().detail().contains(T0 + "/" + min(15)), step.rejection().detail());
    assertSame(state, step.state());
  }

  @Test
  void aRecordFarAheadOfTheWallClockIsRejectedAndMovesNothing() {
    ScopeWindows state = windowing.accept(ScopeWindows.none(), sample("a", min(0), 1), min(1)).state();
    ScopeWindowing.Step step = windowing.accept(state, sample("a", min(62), 2), min(1));
    assertEquals(ScopeWindowing.FUTURE, step.rejection().reason());
    assertSame(state, step.state());
    assertNull(windowing.accept(state, sample("a", min(61), 2), min(1)).rejection(), "1 h ahead is allowed");
  }

  @Test
  void closeAllClosesEveryOpenWindowAndLaterRecordsOfThemAreLate() {
    ScopeWindows state = ScopeWindows.none();
    for (int m : new int[] {14, 16, 29, 31}) {
      state = windowing.accept(state, sample("a", min(m), m), NOW).state();
    }
    ScopeWindowing.Step flushed = windowing.closeAll(state);
    assertEquals(List.of(min(15), min(30)), flushed.closed().stream().map(UsageWindow::windowStart).toList());
    assertTrue(flushed.state().open().isEmpty());
    assertEquals(min(45), flushed.state().progress().closedThrough());
    assertEquals(ScopeWindowing.LATE, windowing.accept(flushed.state(), sample("a", min(44), 1), NOW)
        .rejection().reason());
    assertNull(windowing.accept(flushed.state(), sample("a", min(45), 1), NOW).rejection());
    assertTrue(windowing.closeAll(flushed.state()).closed().isEmpty());
  }

  @Test
  void windowsAreAlignedToTheEpochLikeTimeWindows() {
    assertEquals(T0, windowing.windowStart(min(14).plusSeconds(59)));
    assertEquals(min(15), windowing.windowStart(min(15)));
  }
}
