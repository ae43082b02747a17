package io.costwatch.bench;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.UsageWindow;
import java.time.Instant;
import java.util.Map;
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
 * {@link UsageWindow#add} of one sample, in samples per second. The aggregate is immutable, so each add copies the
 * metric map and one histogram: the window the sample is added to already holds a realistic 15-minute load (five
 * metrics of one GPU cluster, 14 minutes each). The result is not kept, so every add starts from the same window.
 * Serialisation of the window into the store is not included (the end-to-end harness covers it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class UsageWindowBench {

  private static final AzureMetric[] METRICS = {AzureMetric.GPU_UTILIZATION, AzureMetric.GPU_MEMORY_UTILIZATION,
      AzureMetric.CPU_UTILIZATION, AzureMetric.ACTIVE_NODES, AzureMetric.IDLE_NODES};
  private static final int SAMPLES = 64;

  private UsageWindow window;
  private MetricSample[] samples;
  private int next;

  @Setup
  public void fill() {
    AzureResourceId scope = AzureResourceId.workspace(MetricBodies.workspaceId(1)).withCompute("gpu-00");
    Instant start = Instant.parse("2025-06-15T10:00:00Z");
    samples = new MetricSample[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      AzureMetric metric = METRICS[i % METRICS.length];
      double value = metric == AzureMetric.ACTIVE_NODES ? 2 : (i * 37) % 100;
      samples[i] = new MetricSample(MetricSample.SCHEMA_VERSION, scope, metric, start.plusSeconds(60L * (i / 5)),
          value, value, value, value, 1, Map.of("clustername", "gpu-00"), new SourceRef("bench/0", i, i % 50));
    }
    UsageWindow w = UsageWindow.empty();
    for (int minute = 0; minute < 14; minute++) {
      for (int m = 0; m < METRICS.length; m++) {
        w = w.add(samples[(minute * METRICS.length + m) % SAMPLES]);
      }
    }
    window = w;
  }

  @Benchmark
  public UsageWindow add() {
    return window.add(samples[next++ & (SAMPLES - 1)]);
  }
}
