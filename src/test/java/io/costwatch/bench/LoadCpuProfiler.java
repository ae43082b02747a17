package io.costwatch.bench;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler (use {@code -prof io.costwatch.bench.LoadCpuProfiler}) that puts the machine's state next to every
 * score: the forked JVM's CPU time per measurement iteration, how many cores it kept busy, and the 1-minute load
 * average at the end of the iteration. On a shared machine a low score with a high load and a normal CPU time means
 * "waited for the CPU", not "got slower". Results land in {@code jmh.json} as secondary metrics.
 */
public final class LoadCpuProfiler implements InternalProfiler {

  private double cpuBefore;
  private long wallBefore;

  @Override
  public String getDescription() {
    return "process CPU seconds, busy cores and 1-minute load average per iteration";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuBefore = MachineStats.processCpuSeconds();
    wallBefore = System.nanoTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
      IterationResult result) {
    double cpu = MachineStats.processCpuSeconds() - cpuBefore;
    double wall = (System.nanoTime() - wallBefore) / 1e9;
    return List.of(
        new ScalarResult("·cpu.seconds", cpu, "s", AggregationPolicy.SUM),
        new ScalarResult("·cpu.busy-cores", wall > 0 ? cpu / wall : Double.NaN, "cores", AggregationPolicy.AVG),
        new ScalarResult("·load.1m", MachineStats.loadAverage1m(), "load", AggregationPolicy.AVG));
  }
}
