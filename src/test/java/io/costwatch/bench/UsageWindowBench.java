package io.costwatch.bench;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.ScopeBatch;
import io.costwatch.usage.ScopeWindowing;
import io.costwatch.usage.ScopeWindows;
import io.costwatch.usage.UsageWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 *
 * <p>{@link #oneByOne} and {@link #batch} window a scope's value of {@value #BATCH} samples (ten minutes of the five
 * metrics on two instances, across a window boundary) into a scope that already has eight minutes open, as the
 * processor did ({@link ScopeWindowing#accept} per sample) and does ({@link ScopeWindowing#acceptAll} per value);
 * their scores are samples per second too, so the three compare per sample.
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
  private static final int BATCH = 50;

  private UsageWindow window;
  private MetricSample[] samples;
  private int next;
  private final ScopeWindowing windowing = new ScopeWindowing(Duration.ofMinutes(15), Duration.ofMinutes(5),
      Duration.ofHours(1));
  private ScopeWindows scopeState;
  private List<MetricSample> value;
  private Instant now;

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

  @Setup
  public void scope() {
    AzureResourceId scope = AzureResourceId.workspace(MetricBodies.workspaceId(1)).withCompute("gpu-00");
    Instant start = Instant.parse("2025-06-15T10:00:00Z");
    now = start.plus(Duration.ofMinutes(20));
    List<MetricSample> minutes = new ArrayList<>();
    for (int minute = 0; minute < 18; minute++) {
      for (int i = 0; i < METRICS.length; i++) {
        AzureMetric metric = METRICS[i];
        double v = metric == AzureMetric.ACTIVE_NODES ? 2 : (minute * 37 + i * 11) % 100;
        minutes.add(new MetricSample(MetricSample.SCHEMA_VERSION, scope, metric, start.plusSeconds(60L * minute), v, v,
            v, v, 1, Map.of("instanceid", "node-" + (minute + i) % 2), new SourceRef("bench/0", minute, i)));
      }
    }
    int opened = minutes.size() - BATCH; // minutes 0-7 already in the scope's state, the value holds minutes 8-17
    ScopeWindows state = ScopeWindows.none();
    for (MetricSample sample : minutes.subList(0, opened)) {
      state = windowing.accept(state, sample, now).state();
    }
    scopeState = state;
    value = List.copyOf(minutes.subList(opened, minutes.size()));
  }

  @Benchmark
  public UsageWindow add() {
    return window.add(samples[next++ & (SAMPLES - 1)]);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public ScopeWindows oneByOne() {
    ScopeWindows state = scopeState;
    for (MetricSample sample : value) {
      state = windowing.accept(state, sample, now).state();
    }
    return state;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public ScopeBatch batch() {
    return windowing.acceptAll(scopeState, value, now);
  }
}
