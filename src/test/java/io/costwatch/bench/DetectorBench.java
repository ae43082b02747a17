package io.costwatch.bench;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.Money;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.Finding;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.GpuWasteDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation of the two detectors that run most often, in evaluations per second, on both outcomes: the
 * finding path (it formats a summary and builds evidence maps, the expensive part) and the no-finding path (what
 * most windows and days take).
 * <ul>
 *   <li>{@link GpuWasteDetector#evaluate}: a closed 15-minute window of one GPU cluster with 2 active nodes, idle
 *       (0-2 % GPU) or busy (85-98 %);</li>
 *   <li>{@link SpendSpikeDetector#evaluate}: the last of 28 days of one workspace's daily spend (weekday/weekend
 *       pattern with noise), a spike day (4x) or a normal day.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DetectorBench {

  private static final int DAYS = 28;

  private final GpuWasteDetector gpu = new GpuWasteDetector(GpuRules.defaults());
  private final SpendSpikeDetector spend = new SpendSpikeDetector(SpendRules.defaults());
  private final NodePrice price = new NodePrice("Standard_NC24ads_A100_v4", new Money(new BigDecimal("3.673"), "USD"),
      "configured");
  private final AzureResourceId workspace = AzureResourceId.workspace(MetricBodies.workspaceId(1));
  private final SourceRef source = new SourceRef("bench.csv", 1, -1);
  private UsageWindow idleWindow;
  private UsageWindow busyWindow;
  private NavigableMap<LocalDate, BigDecimal> spikeDays;
  private NavigableMap<LocalDate, BigDecimal> normalDays;
  private LocalDate lastDay;

  @Setup
  public void build() {
    Instant start = Instant.parse("2025-06-15T10:00:00Z");
    idleWindow = window(start, 0, 2);
    busyWindow = window(start, 85, 98);
    if (gpu.evaluate(idleWindow, price).isEmpty() || gpu.evaluate(busyWindow, price).isPresent()) {
      throw new IllegalStateException("the GPU windows do not take the intended paths");
    }
    Random random = new Random(11);
    LocalDate first = LocalDate.parse("2025-05-19");
    lastDay = first.plusDays(DAYS - 1);
    normalDays = new TreeMap<>();
    for (int d = 0; d < DAYS; d++) {
      LocalDate day = first.plusDays(d);
      double base = day.getDayOfWeek().getValue() >= 6 ? 120 : 400;
      normalDays.put(day, BigDecimal.valueOf(Math.round(base * (0.9 + 0.2 * random.nextDouble()) * 100), 2));
    }
    spikeDays = new TreeMap<>(normalDays);
    spikeDays.put(lastDay, normalDays.get(lastDay).multiply(BigDecimal.valueOf(4)));
    if (spendOn(spikeDays).isEmpty() || spendOn(normalDays).isPresent()) {
      throw new IllegalStateException("the spend series do not take the intended paths");
    }
  }

  @Benchmark
  public Optional<Finding> gpuIdleFinding() {
    return gpu.evaluate(idleWindow, price);
  }

  @Benchmark
  public Optional<Finding> gpuBusyNoFinding() {
    return gpu.evaluate(busyWindow, price);
  }

  @Benchmark
  public Optional<Finding> spendSpikeFinding() {
    return spendOn(spikeDays);
  }

  @Benchmark
  public Optional<Finding> spendNormalNoFinding() {
    return spendOn(normalDays);
  }

  private Optional<Finding> spendOn(NavigableMap<LocalDate, BigDecimal> days) {
    return spend.evaluate(workspace, "USD", days, lastDay, 280, source, source);
  }

  private UsageWindow window(Instant start, double gpuLow, double gpuHigh) {
    AzureResourceId scope = workspace.withCompute("gpu-00");
    Random random = new Random(3);
    UsageWindow w = UsageWindow.empty();
    for (int minute = 0; minute < 15; minute++) {
      Instant t = start.plusSeconds(60L * minute);
      w = w.add(sample(scope, AzureMetric.GPU_UTILIZATION, t, gpuLow + random.nextDouble() * (gpuHigh - gpuLow)));
      w = w.add(sample(scope, AzureMetric.GPU_MEMORY_UTILIZATION, t, 60));
      w = w.add(sample(scope, AzureMetric.CPU_UTILIZATION, t, 4));
      w = w.add(sample(scope, AzureMetric.ACTIVE_NODES, t, 2));
      w = w.add(sample(scope, AzureMetric.IDLE_NODES, t, 0));
    }
    return w.in(start, start.plusSeconds(900));
  }

  private MetricSample sample(AzureResourceId scope, AzureMetric metric, Instant time, double value) {
    return new MetricSample(MetricSample.SCHEMA_VERSION, scope, metric, time, value, value, value, value, 1,
        Map.of("clustername", "gpu-00"), source);
  }
}
