package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.ACTIVE_NODES;
import static io.costwatch.core.AzureMetric.CPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_MEMORY_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.usage.UsageWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * The GPU-waste rule's hysteresis over generated sequences of consecutive windows of one compute (A100 node: 24 vCPUs,
 * so 1 % CPU is 0.24 busy cores): a waste starts only at the entry thresholds, ends only at the exit ones, and its
 * type and cause change only across the thresholds of the band they leave.
 */
class GpuWasteHysteresisProperties {

  private static final GpuRules RULES = GpuRules.defaults();
  private static final NodePrice A100 = TelemetryWindows.price("Standard_NC24ads_A100_v4");
  private final GpuWasteDetector detector = new GpuWasteDetector(RULES);

  /** One window of the sequence: GPU per minute, CPU % of the VM, GPU memory %. */
  record Reading(double[] gpu, double cpu, double memory) {
  }

  /** A judged window: the reading's mean and busy share, and the verdict with the previous window's memory. */
  record Judged(double util, double busyShare, double cores, Optional<Finding> finding) {
  }

  @Property(tries = 300)
  void aMemoryNeverRemovesAFindingNorChangesItsImpact(@ForAll("reading") Reading reading,
      @ForAll("memoryOfThePreviousWindow") GpuWasteMemory memory) {
    UsageWindow window = window(1, reading);
    Optional<Finding> alone = detector.evaluate(window, A100);
    Optional<Finding> held = detector.evaluate(window, A100, memory).finding();

    Statistics.collect(alone.isPresent(), held.isPresent());
    alone.ifPresent(f -> {
      assertTrue(held.isPresent(), "the memory of a waste removed a finding");
      assertEquals(f.impact(), held.get().impact());
    });
    assertEquals(alone, detector.evaluate(window, A100, null).finding(), "no memory is the stateless rule");
  }

  @Property(tries = 200)
  void aWasteStartsAtTheEntryThresholdAndEndsOnlyAtTheExitThreshold(
      @ForAll @Size(min = 2, max = 24) List<@net.jqwik.api.From("reading") Reading> readings) {
    List<Judged> judged = judge(readings);
    for (int i = 1; i < judged.size(); i++) {
      Judged before = judged.get(i - 1);
      Judged now = judged.get(i);
      if (before.finding().isPresent() && now.finding().isEmpty()) {
        Statistics.label("transition").collect("ends");
        assertTrue(now.util() >= RULES.underExitUtilization(), "a waste ended at " + now.util() + " %");
      }
      if (before.finding().isEmpty() && now.finding().isPresent()) {
        Statistics.label("transition").collect("starts");
        assertTrue(now.util() < RULES.underUtilization(), "a waste started at " + now.util() + " %");
      }
    }
  }

  @Property(tries = 200)
  void aReadingWanderingBelowTheExitThresholdIsOneUnbrokenWaste(
      @ForAll @Size(min = 4, max = 24) List<@DoubleRange(min = 0, max = 39.9) Double> means,
      @ForAll @DoubleRange(min = 0, max = 10) double cpu, @ForAll @DoubleRange(min = 0, max = 100) double memory) {
    List<Reading> readings = new ArrayList<>();
    for (double mean : means) {
      double[] gpu = new double[15];
      Arrays.fill(gpu, mean);
      readings.add(new Reading(gpu, cpu, memory));
    }
    List<Judged> judged = judge(readings);
    int first = 0;
    while (first < judged.size() && judged.get(first).finding().isEmpty()) {
      first++;
    }
    Statistics.collect(first < judged.size());
    Statistics.coverage(c -> c.check(true).percentage(p -> p > 50));
    for (int i = first; i < judged.size(); i++) {
      assertTrue(judged.get(i).finding().isPresent(), "the waste broke off in window " + i + " at "
          + judged.get(i).util() + " %");
    }
  }

  @Property(tries = 200)
  void typeAndCauseChangeOnlyAcrossTheThresholdsOfTheBandTheyLeave(
      @ForAll @Size(min = 2, max = 24) List<@net.jqwik.api.From("reading") Reading> readings) {
    List<Judged> judged = judge(readings);
    for (int i = 1; i < judged.size(); i++) {
      Optional<Finding> before = judged.get(i - 1).finding();
      Optional<Finding> now = judged.get(i).finding();
      if (before.isEmpty() || now.isEmpty()) {
        continue;
      }
      Judged j = judged.get(i);
      FindingType was = before.get().type();
      FindingType is = now.get().type();
      if (was == FindingType.GPU_IDLE && is == FindingType.GPU_UNDERUTILIZED) {
        Statistics.label("type").collect("idle -> under-used");
        assertTrue(j.util() >= RULES.idleExitUtilization() || j.busyShare() > RULES.idleExitBusyMinuteShare()
            || GpuWasteDetector.INPUT_BOUND.equals(now.get().cause()), "left idle at " + j.util() + " %, share "
            + j.busyShare());
      }
      if (was == FindingType.GPU_UNDERUTILIZED && is == FindingType.GPU_IDLE) {
        Statistics.label("type").collect("under-used -> idle");
        assertTrue(j.util() < RULES.idleUtilization() && j.busyShare() <= RULES.idleBusyMinuteShare(),
            "became idle at " + j.util() + " %, share " + j.busyShare());
      }
      boolean wasInput = GpuWasteDetector.INPUT_BOUND.equals(before.get().cause());
      boolean isInput = GpuWasteDetector.INPUT_BOUND.equals(now.get().cause());
      if (wasInput && !isInput) {
        Statistics.label("cause").collect("input-bound ends");
        assertTrue(j.cores() < RULES.inputBoundExitBusyCores(), "left input-bound at " + j.cores() + " cores");
      }
      if (!wasInput && isInput) {
        Statistics.label("cause").collect("input-bound starts");
        assertTrue(j.cores() >= RULES.inputBoundBusyCores(), "became input-bound at " + j.cores() + " cores");
      }
    }
  }

  private List<Judged> judge(List<Reading> readings) {
    List<Judged> out = new ArrayList<>();
    GpuWasteMemory memory = null;
    for (int i = 0; i < readings.size(); i++) {
      Reading r = readings.get(i);
      UsageWindow window = window(i, r);
      GpuWasteDetector.Verdict verdict = detector.evaluate(window, A100, memory);
      memory = verdict.memory();
      double util = Arrays.stream(r.gpu()).average().orElseThrow();
      double busy = Arrays.stream(r.gpu()).filter(v -> v >= RULES.busyMinuteUtilization()).count() / 15.0;
      out.add(new Judged(util, busy, GpuWasteDetector.busyCores(r.cpu(), A100.vcpus()), verdict.finding()));
    }
    return out;
  }

  private static UsageWindow window(int index, Reading r) {
    return TelemetryWindows.cluster("gpu1").startingAt(TelemetryWindows.T0.plusSeconds(900L * index))
        .series(GPU_UTILIZATION, r.gpu()).constant(CPU_UTILIZATION, r.cpu())
        .constant(GPU_MEMORY_UTILIZATION, r.memory()).constant(ACTIVE_NODES, 1).build();
  }

  /** A quiet base with a few bursts: means from idle to busy, busy shares around the idle limits. */
  @Provide
  Arbitrary<Reading> reading() {
    Arbitrary<Double> base = Arbitraries.doubles().between(0, 50);
    Arbitrary<Integer> bursts = Arbitraries.integers().between(0, 5);
    Arbitrary<Double> burst = Arbitraries.doubles().between(10, 100);
    Arbitrary<Double> cpu = Arbitraries.doubles().between(0, 8);
    Arbitrary<Double> memory = Arbitraries.doubles().between(0, 100);
    return Combinators.combine(base, bursts, burst, cpu, memory).as((b, k, v, c, m) -> {
      double[] gpu = new double[15];
      Arrays.fill(gpu, b);
      for (int i = 0; i < k; i++) {
        gpu[i * 3] = v;
      }
      return new Reading(gpu, c, m);
    });
  }

  @Provide
  Arbitrary<GpuWasteMemory> memoryOfThePreviousWindow() {
    return Combinators.combine(Arbitraries.of(FindingType.GPU_IDLE, FindingType.GPU_UNDERUTILIZED),
        Arbitraries.of(GpuWasteDetector.IDLE, GpuWasteDetector.INPUT_BOUND, GpuWasteDetector.OVERSIZED,
            GpuWasteDetector.LOW_UTILIZATION)).as((type, cause) -> new GpuWasteMemory(GpuWasteMemory.SCHEMA_VERSION,
        TelemetryWindows.T0, TelemetryWindows.T0.plusSeconds(900), type, cause));
  }
}
