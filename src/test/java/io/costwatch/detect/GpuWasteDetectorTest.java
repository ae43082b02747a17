package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.ACTIVE_NODES;
import static io.costwatch.core.AzureMetric.CPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.CPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.GPU_MEMORY_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_MEMORY_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.IDLE_NODES;
import static io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.Money;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GpuWasteDetectorTest {

  private static final NodePrice A100 = TelemetryWindows.price("Standard_NC24ads_A100_v4");
  private final GpuWasteDetector detector = new GpuWasteDetector(GpuRules.defaults());

  static Stream<Arguments> classifications() {
    return Stream.of(
        Arguments.of("idle GPU holding memory (forgotten notebook)", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 1).constant(GPU_MEMORY_UTILIZATION, 60).constant(CPU_UTILIZATION, 3)
            .constant(ACTIVE_NODES, 2).build(), "GPU_IDLE/IDLE"),
        Arguments.of("input-bound: CPU busy, GPU waiting", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 15).constant(GPU_MEMORY_UTILIZATION, 30).constant(CPU_UTILIZATION, 90)
            .constant(ACTIVE_NODES, 2).build(), "GPU_UNDERUTILIZED/INPUT_BOUND"),
        Arguments.of("oversized: GPU, GPU memory and CPU low", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 10).constant(GPU_MEMORY_UTILIZATION, 8).constant(CPU_UTILIZATION, 10)
            .constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/OVERSIZED"),
        Arguments.of("low utilisation with GPU memory in use", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 20).constant(GPU_MEMORY_UTILIZATION, 70).constant(CPU_UTILIZATION, 40)
            .constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/LOW_UTILIZATION"),
        Arguments.of("busy healthy cluster", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 92).constant(GPU_MEMORY_UTILIZATION, 75).constant(CPU_UTILIZATION, 50)
            .constant(ACTIVE_NODES, 4).build(), ""),
        Arguments.of("bursty GPU with an idle-looking mean is not idle", TelemetryWindows.cluster("gpu1")
            .bursts(GPU_UTILIZATION, 3, 20, 0).constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/LOW_UTILIZATION"),
        Arguments.of("one busy minute in fifteen is still idle", TelemetryWindows.cluster("gpu1")
            .bursts(GPU_UTILIZATION, 1, 40, 0).constant(ACTIVE_NODES, 1).build(), "GPU_IDLE/IDLE"),
        Arguments.of("no active node: nothing is billed for GPU", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 0).constant(ACTIVE_NODES, 0).constant(IDLE_NODES, 1).build(), ""),
        Arguments.of("fewer active nodes than the minimum", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 0).series(ACTIVE_NODES, 1, 1, 1, 1, 1).constant(ACTIVE_NODES, 0).build(), ""),
        Arguments.of("without CPU telemetry never input-bound or oversized", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 15).constant(GPU_MEMORY_UTILIZATION, 5).constant(ACTIVE_NODES, 1).build(),
            "GPU_UNDERUTILIZED/LOW_UTILIZATION"),
        Arguments.of("newer per-instance metric names", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION_PERCENTAGE, 10).constant(GPU_MEMORY_UTILIZATION_PERCENTAGE, 8)
            .constant(CPU_UTILIZATION_PERCENTAGE, 10).constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/OVERSIZED"),
        Arguments.of("compute instance without node metrics is one running node", TelemetryWindows.cluster("ci-1")
            .constant(GPU_UTILIZATION_PERCENTAGE, 0).constant(GPU_MEMORY_UTILIZATION_PERCENTAGE, 40).build(),
            "GPU_IDLE/IDLE"),
        Arguments.of("workspace aggregate without node counts cannot be priced", TelemetryWindows.workspace()
            .constant(GPU_UTILIZATION, 0).build(), ""),
        Arguments.of("deployments are left to the idle-deployment rule", TelemetryWindows.deployment("ep", "blue")
            .constant(GPU_UTILIZATION_PERCENTAGE, 0).constant(DEPLOYMENT_CAPACITY, 2).build(), ""),
        Arguments.of("no GPU telemetry", TelemetryWindows.cluster("cpu1").constant(CPU_UTILIZATION, 2)
            .constant(ACTIVE_NODES, 2).build(), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("classifications")
  void classifiesTheWindow(String name, UsageWindow window, String expected) {
    Optional<Finding> finding = detector.evaluate(window, A100);

    assertEquals(expected, finding.map(f -> f.type() + "/" + f.cause()).orElse(""));
    finding.ifPresent(f -> assertImpactIsUnusedShareOfNodeCost(f, window));
  }

  @Test
  void idleImpactIsTheUnusedShareOfTheActiveNodesCost() {
    UsageWindow window = TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 0.5).constant(ACTIVE_NODES, 2)
        .build();

    Finding f = detector.evaluate(window, A100).orElseThrow();

    Money expected = A100.hourly().times(new BigDecimal("2")).times(new BigDecimal("0.995")).rounded();
    assertEquals(expected, f.impact());
    assertEquals("PT1H", f.impactPeriod());
    assertEquals(GpuRules.defaults().hourlyTiers().of(expected.amount()), f.severity());
    assertEquals("gpu-idle", f.rule());
    assertEquals(window.records(), f.records());
    assertEquals(window.firstSource(), f.firstSource());
    assertEquals(window.lastSource(), f.lastSource());
  }

  @Test
  void readingsOutsideZeroToHundredAreClampedSoImpactNeverExceedsTheCost() {
    UsageWindow window = TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, -5).constant(ACTIVE_NODES, 1)
        .build();

    Finding f = detector.evaluate(window, A100).orElseThrow();

    assertEquals(A100.hourly().rounded(), f.impact());
    assertEquals(0, f.observed().get("gpuUtilizationAvgPercent").signum());
  }

  @Test
  void idleSummaryTellsHeldMemoryFromAnEmptyGpu() {
    Finding held = detector.evaluate(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 0)
        .constant(GPU_MEMORY_UTILIZATION, 60).constant(ACTIVE_NODES, 1).build(), A100).orElseThrow();
    Finding empty = detector.evaluate(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 0)
        .constant(GPU_MEMORY_UTILIZATION, 0).constant(ACTIVE_NODES, 1).build(), A100).orElseThrow();

    assertTrue(held.summary().contains("hung job"), held.summary());
    assertFalse(empty.summary().contains("hung job"), empty.summary());
  }

  @Test
  void inferredNodeIsStatedInTheEvidence() {
    Finding f = detector.evaluate(TelemetryWindows.cluster("ci-1").constant(GPU_UTILIZATION_PERCENTAGE, 0).build(),
        A100).orElseThrow();

    assertEquals(BigDecimal.ONE, f.observed().get("activeNodesInferred"));
    assertEquals(A100.hourly().rounded(), f.impact());
  }

  @Test
  void thresholdsNameTheRuleThatFired() {
    Finding inputBound = detector.evaluate(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 15)
        .constant(CPU_UTILIZATION, 90).constant(ACTIVE_NODES, 1).build(), A100).orElseThrow();

    assertTrue(inputBound.thresholds().containsKey("underUtilizationPercent"));
    assertTrue(inputBound.thresholds().containsKey("inputBoundCpuPercent"));
    assertFalse(inputBound.thresholds().containsKey("idleUtilizationPercent"));
  }

  private static void assertImpactIsUnusedShareOfNodeCost(Finding f, UsageWindow window) {
    double util = Math.max(0, Math.min(100, f.observed().get("gpuUtilizationAvgPercent").doubleValue()));
    BigDecimal nodes = f.observed().get("activeNodesAvg");
    BigDecimal unused = BigDecimal.valueOf((100 - util) / 100.0);
    assertEquals(A100.hourly().times(nodes).times(unused).rounded().amount().doubleValue(),
        f.impact().amount().doubleValue(), 0.011, () -> "impact of " + window.scope().label());
    assertTrue(f.impact().amount().signum() >= 0);
  }
}
