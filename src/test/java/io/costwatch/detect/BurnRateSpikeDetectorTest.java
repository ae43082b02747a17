package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.ACTIVE_NODES;
import static io.costwatch.core.AzureMetric.IDLE_NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.Money;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BurnRateSpikeDetectorTest {

  private static final NodePrice A100 = TelemetryWindows.price("Standard_NC24ads_A100_v4");
  private static final NodePrice CPU = TelemetryWindows.price("Standard_D4s_v3");
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private final BurnRateSpikeDetector detector = new BurnRateSpikeDetector(BurnRateRules.defaults());

  /** {@code windows} past windows of {@code nodes} active nodes each, ending where the evaluated window starts. */
  private static BurnRateHistory steady(int windows, double nodes, NodePrice price, Instant evaluatedStart) {
    BurnRateHistory history = BurnRateHistory.empty();
    for (int i = windows; i >= 1; i--) {
      UsageWindow past = TelemetryWindows.cluster("gpu1").startingAt(evaluatedStart.minus(WINDOW.multipliedBy(i)))
          .constant(ACTIVE_NODES, nodes).build();
      history = history.with(past, BurnRateSpikeDetector.burnRate(past, price).orElseThrow());
    }
    return history;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("sweep fans out from 2 to 40 A100 nodes", 8, 2.0, 40.0, 0.0, A100, true),
        Arguments.of("cluster starts from zero to 40 nodes", 8, 0.0, 38.0, 2.0, A100, true),
        Arguments.of("idle nodes count too", 8, 2.0, 2.0, 10.0, A100, true),
        Arguments.of("doubling a big cluster clears the ratio and the floor", 8, 10.0, 20.0, 0.0, A100, true),
        Arguments.of("ratio without the $ floor: 1 -> 10 small CPU nodes", 8, 1.0, 10.0, 0.0, CPU, false),
        Arguments.of("floor without the ratio: 20 -> 30 A100 nodes", 8, 20.0, 30.0, 0.0, A100, false),
        Arguments.of("steady cluster", 8, 6.0, 6.0, 0.0, A100, false),
        Arguments.of("too little history for a baseline", 3, 0.0, 40.0, 0.0, A100, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void spikeNeedsBothTheFloorAndTheRatio(String name, int historyWindows, double baselineNodes, double active,
      double idle, NodePrice price, boolean spike) {
    Instant start = TelemetryWindows.T0.plus(Duration.ofDays(1));
    BurnRateHistory history = steady(historyWindows, baselineNodes, price, start);
    UsageWindow window = TelemetryWindows.cluster("gpu1").startingAt(start).constant(ACTIVE_NODES, active)
        .constant(IDLE_NODES, idle).build();

    Optional<Finding> finding = detector.evaluate(history, window, price);

    assertEquals(spike, finding.isPresent());
    finding.ifPresent(f -> {
      BigDecimal current = price.hourly().amount().multiply(BigDecimal.valueOf(active + idle));
      BigDecimal baseline = price.hourly().amount().multiply(BigDecimal.valueOf(baselineNodes));
      assertEquals(new Money(current.subtract(baseline), "USD").rounded(), f.impact());
      assertEquals(BurnRateRules.defaults().hourlyTiers().of(f.impact().amount()), f.severity());
      assertEquals(FindingType.BURN_RATE_SPIKE, f.type());
      assertEquals("PT1H", f.impactPeriod());
    });
  }

  /** A cluster window without node counts whose GPU telemetry names {@code nodes} nodes, every minute. */
  private static UsageWindow namedNodes(Instant start, int nodes) {
    TelemetryWindows t = TelemetryWindows.cluster("gpu1").startingAt(start);
    for (int n = 0; n < nodes; n++) {
      double[] busy = new double[15];
      java.util.Arrays.fill(busy, 90);
      t.instance("node-" + n, io.costwatch.core.AzureMetric.GPU_UTILIZATION_PERCENTAGE, busy);
    }
    return t.build();
  }

  @Test
  void withoutNodeCountsTheNodesAreCountedFromTheirDimensions() {
    Instant start = TelemetryWindows.T0.plus(Duration.ofDays(1));
    BurnRateHistory history = BurnRateHistory.empty();
    for (int i = 8; i >= 1; i--) {
      UsageWindow past = namedNodes(start.minus(WINDOW.multipliedBy(i)), 2);
      history = history.with(past, BurnRateSpikeDetector.burnRate(past, A100).orElseThrow());
    }
    UsageWindow window = namedNodes(start, 12);

    Finding f = detector.evaluate(history, window, A100).orElseThrow();

    assertEquals(0, new BigDecimal("12").compareTo(f.observed().get("activeNodesAvg")), f.observed()::toString);
    assertEquals(BigDecimal.ONE, f.observed().get("activeNodesFromNodeIds"));
    assertEquals(new Money(A100.hourly().amount().multiply(BigDecimal.TEN), "USD").rounded(), f.impact());
  }

  @Test
  void onePastSpikeDoesNotRaiseTheBaseline() {
    Instant start = TelemetryWindows.T0.plus(Duration.ofDays(1));
    BurnRateHistory history = steady(8, 2, A100, start).with(start.minus(WINDOW.multipliedBy(3)),
        A100.hourly().amount().multiply(BigDecimal.valueOf(40)));
    UsageWindow window = TelemetryWindows.cluster("gpu1").startingAt(start).constant(ACTIVE_NODES, 40).build();

    Finding f = detector.evaluate(history, window, A100).orElseThrow();

    assertEquals(A100.hourly().amount().multiply(BigDecimal.valueOf(2)).setScale(2, java.math.RoundingMode.HALF_UP),
        f.observed().get("baselinePerHour"));
  }

  @Test
  void historyOutsideTheLookbackIsIgnored() {
    Instant start = TelemetryWindows.T0.plus(Duration.ofDays(3));
    BurnRateHistory old = steady(8, 2, A100, start.minus(BurnRateRules.defaults().lookback()));
    UsageWindow window = TelemetryWindows.cluster("gpu1").startingAt(start).constant(ACTIVE_NODES, 40).build();

    assertTrue(detector.evaluate(old, window, A100).isEmpty());
  }

  @Test
  void windowWithoutNodeCountsHasNoBurnRate() {
    UsageWindow window = TelemetryWindows.cluster("gpu1").constant(io.costwatch.core.AzureMetric.GPU_UTILIZATION, 50)
        .build();

    assertFalse(BurnRateSpikeDetector.burnRate(window, A100).isPresent());
    assertTrue(detector.evaluate(steady(8, 0, A100, window.windowStart()), window, A100).isEmpty());
  }

  @Test
  void historyIsBoundedOrderedAndIdempotentPerWindow() {
    BurnRateHistory history = BurnRateHistory.empty(3);
    for (int i = 0; i < 5; i++) {
      history = history.with(TelemetryWindows.T0.plus(WINDOW.multipliedBy(i)), BigDecimal.valueOf(i));
    }
    BurnRateHistory replayed = history.with(TelemetryWindows.T0.plus(WINDOW.multipliedBy(4)), BigDecimal.TEN);
    BurnRateHistory late = history.with(TelemetryWindows.T0.plus(WINDOW.multipliedBy(3)).plusSeconds(1),
        BigDecimal.ONE);

    assertEquals(3, history.size());
    assertEquals(TelemetryWindows.T0.plus(WINDOW.multipliedBy(2)), history.points().get(0).windowStart());
    assertEquals(3, replayed.size());
    assertEquals(BigDecimal.TEN, replayed.points().get(2).burnRate());
    assertEquals(TelemetryWindows.T0.plus(WINDOW.multipliedBy(4)), late.points().get(2).windowStart());
    assertEquals(3, late.size());
  }
}
