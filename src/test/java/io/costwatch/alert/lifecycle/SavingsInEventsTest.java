package io.costwatch.alert.lifecycle;

import static io.costwatch.alert.AlertFixtures.GPU;
import static io.costwatch.alert.AlertFixtures.gpuIdle;
import static io.costwatch.alert.AlertFixtures.scaleToZero;
import static io.costwatch.alert.AlertFixtures.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertFactory;
import io.costwatch.alert.AlertStatus;
import io.costwatch.core.Json;
import io.costwatch.core.Money;
import io.costwatch.detect.Severity;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.recommend.SavingsEstimate;
import io.costwatch.recommend.SavingsEstimate.Confidence;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The savings an alert's recommendations publish come from the fingerprint's observed pattern, across episodes. */
class SavingsInEventsTest {

  private final AlertLifecycle lifecycle = new AlertLifecycle(AlertLifecycleTest.RULES);

  @Test
  void anAlertOpenedByAHalfHourBurstPublishesASmallLowConfidenceSaving() {
    // Given two wasteful 15-minute windows (the least that opens); the fixture prices 2,409 USD for 730 h
    Transition first = lifecycle.onFinding(null, gpuIdle(0, "3.30", Severity.HIGH), scaleToZero(), window(1));
    Transition open = lifecycle.onFinding(first.state(), gpuIdle(1, "3.30", Severity.HIGH), scaleToZero(), window(2));

    // When the OPEN is published
    LifecycleEvent event = open.event().orElseThrow();
    List<RecommendationEvent> recs = AlertFactory.recommendationEvents(event.alertEvent(), event.recommendations());

    // Then: 3.30 USD/h x 30 min of at least a day x 720 h, not 2,409 USD
    assertEquals(AlertStatus.OPEN, event.status());
    RecommendationEvent r = recs.get(0);
    assertEquals(Money.of("49.50", "USD"), r.estimatedMonthlySavings());
    assertEquals(new SavingsEstimate("P30D", window(0), window(2), "PT30M", "PT30M", Confidence.LOW),
        r.savingsEstimate());
    assertTrue(r.assumption().contains("Estimate over P30D"), r.assumption());
  }

  @Test
  void thePatternOutlivesTheEpisodeAndTheStateStoreRoundTrip() throws Exception {
    // Given a first episode that opened and resolved, then a day of clean windows
    AlertState state = null;
    for (int n = 0; n < 4; n++) {
      state = lifecycle.onFinding(state, gpuIdle(n, "3.30", Severity.HIGH), scaleToZero(), window(n + 1)).state();
    }
    for (int n = 4; n < 4 + 96; n++) {
      state = lifecycle.onClear(state, GPU, io.costwatch.detect.FindingType.GPU_WASTE, window(n + 1)).state();
    }
    state = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(state), AlertState.class);

    // When a second episode opens
    List<LifecycleEvent> events = new ArrayList<>();
    for (int n = 100; n < 102; n++) {
      Transition t = lifecycle.onFinding(state, gpuIdle(n, "3.30", Severity.HIGH), scaleToZero(), window(n + 1));
      state = t.state();
      t.event().ifPresent(events::add);
    }

    // Then its saving counts both episodes' wasteful time over everything observed since the first
    SavingsEstimate e = events.get(0).recommendations().get(0).estimate();
    assertEquals("PT1H30M", e.wastefulSpan());
    assertEquals("P1DT1H30M", e.observedSpan());
    assertEquals(Confidence.MEDIUM, e.confidence());
    assertEquals(Money.of("139.76", "USD"), events.get(0).recommendations().get(0).monthlySavings(),
        "3.30 USD/h x 1.5 h / 25.5 h x 720 h");
  }
}
