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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.Money;
import io.costwatch.recommend.PriceBook;
import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.Recommender;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.List;
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
            .constant(GPU_UTILIZATION, 1).constant(GPU_MEMORY_UTILIZATION, 60).constant(CPU_UTILIZATION, 1)
            .constant(ACTIVE_NODES, 2).build(), "GPU_IDLE/IDLE"),
        Arguments.of("input-bound: CPU busy, GPU waiting", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 15).constant(GPU_MEMORY_UTILIZATION, 30).constant(CPU_UTILIZATION, 90)
            .constant(ACTIVE_NODES, 2).build(), "GPU_UNDERUTILIZED/INPUT_BOUND"),
        Arguments.of("oversized: GPU, GPU memory and CPU low (0.48 of 24 cores)", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 10).constant(GPU_MEMORY_UTILIZATION, 8).constant(CPU_UTILIZATION, 2)
            .constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/OVERSIZED"),
        Arguments.of("low utilisation with GPU memory in use", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 20).constant(GPU_MEMORY_UTILIZATION, 70).constant(CPU_UTILIZATION, 3)
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
            .constant(CPU_UTILIZATION_PERCENTAGE, 2).constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/OVERSIZED"),
        Arguments.of("one busy core of 24 is input-bound (4.2 % of the VM)", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 15).constant(GPU_MEMORY_UTILIZATION, 8).constant(CPU_UTILIZATION, 4.2)
            .constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/INPUT_BOUND"),
        Arguments.of("GPU at idle level with a busy core is a starved job, not idle", TelemetryWindows.cluster("gpu1")
            .constant(GPU_UTILIZATION, 2).constant(GPU_MEMORY_UTILIZATION, 30).constant(CPU_UTILIZATION, 4.2)
            .constant(ACTIVE_NODES, 1).build(), "GPU_UNDERUTILIZED/INPUT_BOUND"),
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
  void aTrainingJobStarvedByOneLoaderCoreIsInputBoundWithTheInputPipelineRemedy() {
    NodePrice h100 = TelemetryWindows.price("Standard_NC40ads_H100_v5");
    // 2 % GPU, memory held by the model, one busy core of 40 vCPUs: Azure ML reports 2.5 % CPU
    UsageWindow window = TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 2)
        .constant(GPU_MEMORY_UTILIZATION, 45).constant(CPU_UTILIZATION, 2.5).constant(ACTIVE_NODES, 1).build();

    Finding f = detector.evaluate(window, h100).orElseThrow();
    List<Recommendation> recs = new Recommender(PriceBook.shipped()).recommend(f, h100.basis());

    assertEquals(FindingType.GPU_UNDERUTILIZED, f.type());
    assertEquals(GpuWasteDetector.INPUT_BOUND, f.cause());
    assertEquals(0, new BigDecimal("1").compareTo(f.observed().get("cpuBusyCoresAvg")), f.observed().toString());
    assertEquals(BigDecimal.valueOf(40), f.observed().get("vcpusPerNode"));
    assertFalse(f.summary().contains("forgotten notebook"), f.summary());
    assertTrue(f.summary().contains("input pipeline"), f.summary());
    assertEquals(List.of("FIX_INPUT_PIPELINE"), recs.stream().map(Recommendation::action).toList());
  }

  @Test
  void aForgottenNotebookHoldsMemoryWithNoKernelsAndNoCpuWork() {
    NodePrice h100 = TelemetryWindows.price("Standard_NC40ads_H100_v5");
    Finding notebook = detector.evaluate(TelemetryWindows.cluster("ci-1").constant(GPU_UTILIZATION, 0)
        .constant(GPU_MEMORY_UTILIZATION, 60).constant(CPU_UTILIZATION, 0.5).build(), h100).orElseThrow();
    Finding stalled = detector.evaluate(TelemetryWindows.cluster("ci-1").constant(GPU_UTILIZATION, 0)
        .constant(GPU_MEMORY_UTILIZATION, 60).constant(CPU_UTILIZATION, 1.5).build(), h100).orElseThrow();

    assertEquals("GPU_IDLE/IDLE", notebook.type() + "/" + notebook.cause());
    assertTrue(notebook.summary().contains("forgotten notebook"), notebook.summary());
    // 0.6 busy cores: some CPU work, below the 0.8 of an input-bound job
    assertEquals("GPU_IDLE/IDLE", stalled.type() + "/" + stalled.cause());
    assertFalse(stalled.summary().contains("forgotten notebook"), stalled.summary());
  }

  @Test
  void withoutTheVmSizesVcpusTheCpuIsJudgedAsAPercentOfTheVm() {
    NodePrice unknown = TelemetryWindows.price("Standard_Unknown", "3.00");
    UsageWindow oneCoreOf40 = TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 2)
        .constant(GPU_MEMORY_UTILIZATION, 45).constant(CPU_UTILIZATION, 2.5).constant(ACTIVE_NODES, 1).build();
    UsageWindow busyVm = TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 15)
        .constant(CPU_UTILIZATION, 90).constant(ACTIVE_NODES, 1).build();

    assertEquals("GPU_IDLE/IDLE", detector.evaluate(oneCoreOf40, unknown).map(f -> f.type() + "/" + f.cause())
        .orElseThrow());
    assertFalse(detector.evaluate(oneCoreOf40, unknown).orElseThrow().observed().containsKey("cpuBusyCoresAvg"));
    assertEquals(GpuWasteDetector.INPUT_BOUND, detector.evaluate(busyVm, unknown).orElseThrow().cause());
  }

  @Test
  void aWasteStaysUntilItsExitThresholdAndKeepsItsCause() {
    UsageWindow idle = window(0, 3, 0.5);
    UsageWindow nearIdle = window(1, 7, 0.5);
    UsageWindow band = window(2, 35, 0.5);
    UsageWindow busy = window(3, 45, 0.5);

    GpuWasteDetector.Verdict first = detector.evaluate(idle, A100, null);
    GpuWasteDetector.Verdict second = detector.evaluate(nearIdle, A100, first.memory());
    GpuWasteDetector.Verdict third = detector.evaluate(band, A100, second.memory());
    GpuWasteDetector.Verdict fourth = detector.evaluate(busy, A100, third.memory());

    assertEquals(FindingType.GPU_IDLE, first.finding().orElseThrow().type());
    // 7 % alone is under-utilised; an idle waste stays idle below 10 %
    assertEquals(FindingType.GPU_UNDERUTILIZED, detector.evaluate(nearIdle, A100).orElseThrow().type());
    assertEquals(FindingType.GPU_IDLE, second.finding().orElseThrow().type());
    assertTrue(second.finding().orElseThrow().thresholds().containsKey("idleExitUtilizationPercent"));
    // 35 % alone is no waste; a waste stays one below 40 %
    assertTrue(detector.evaluate(band, A100).isEmpty());
    assertEquals(FindingType.GPU_UNDERUTILIZED, third.finding().orElseThrow().type());
    assertTrue(third.finding().orElseThrow().summary().contains("Still below the 40%"),
        third.finding().orElseThrow().summary());
    assertTrue(fourth.finding().isEmpty());
    assertNull(fourth.memory());
  }

  @Test
  void memoryOfAnOlderOrDistantWindowDoesNotHoldAWaste() {
    GpuWasteMemory idleAtZero = detector.evaluate(window(0, 3, 0.5), A100, null).memory();

    // two windows missing: the compute starts afresh
    assertTrue(detector.evaluate(window(3, 35, 0.5), A100, idleAtZero).finding().isEmpty());
    // one window missing is tolerated
    assertTrue(detector.evaluate(window(2, 35, 0.5), A100, idleAtZero).finding().isPresent());
    // a replayed window is judged on its own and leaves the memory as it was
    GpuWasteMemory later = detector.evaluate(window(1, 35, 0.5), A100, idleAtZero).memory();
    GpuWasteDetector.Verdict replay = detector.evaluate(window(0, 35, 0.5), A100, later);
    assertTrue(replay.finding().isEmpty());
    assertEquals(later, replay.memory());
  }

  @Test
  void anInputBoundWasteStaysInputBoundUntilItsCoresFallBelowTheExit() {
    // A100: 24 vCPUs; 4.2 % = 1.0 core, 2.5 % = 0.6 core, 1.5 % = 0.36 core
    GpuWasteMemory starved = detector.evaluate(cpuWindow(0, 4.2), A100, null).memory();
    assertEquals(GpuWasteDetector.INPUT_BOUND, starved.cause());

    assertEquals(GpuWasteDetector.OVERSIZED, detector.evaluate(cpuWindow(1, 2.5), A100).orElseThrow().cause());
    assertEquals(GpuWasteDetector.INPUT_BOUND, detector.evaluate(cpuWindow(1, 2.5), A100, starved).finding()
        .orElseThrow().cause());
    assertEquals(GpuWasteDetector.OVERSIZED, detector.evaluate(cpuWindow(1, 1.5), A100, starved).finding()
        .orElseThrow().cause());
  }

  private static UsageWindow window(int index, double gpu, double cpu) {
    return TelemetryWindows.cluster("gpu1").startingAt(TelemetryWindows.T0.plusSeconds(900L * index)).constant(GPU_UTILIZATION, gpu)
        .constant(GPU_MEMORY_UTILIZATION, 60).constant(CPU_UTILIZATION, cpu).constant(ACTIVE_NODES, 1).build();
  }

  private static UsageWindow cpuWindow(int index, double cpu) {
    return TelemetryWindows.cluster("gpu1").startingAt(TelemetryWindows.T0.plusSeconds(900L * index)).constant(GPU_UTILIZATION, 15)
        .constant(GPU_MEMORY_UTILIZATION, 8).constant(CPU_UTILIZATION, cpu).constant(ACTIVE_NODES, 1).build();
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
