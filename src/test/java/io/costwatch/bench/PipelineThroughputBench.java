package io.costwatch.bench;

import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end throughput of the metrics path on an in-process broker, in one JVM, next to the broker's own limit
 * measured in the same run. Not JMH: a topology run is seconds long and includes a broker, so it is timed with
 * wall clock and reported with process CPU time and the load average, which say how much of the time was spent
 * waiting for a CPU.
 *
 * <ol>
 *   <li>Generate {@code bench.records} metric records ({@link BenchInput}), produce them with tuned settings.</li>
 *   <li>Consume them raw, then consume and parse them: the baseline.</li>
 *   <li>Run {@link io.costwatch.topology.CostTopology} over them once per guarantee, from the first body read to
 *       the last window evaluated.</li>
 * </ol>
 * System properties: {@code bench.records} (100000), {@code bench.partitions} of the raw topic (1, as bounded
 * runs use: see src/site/markdown/benchmarks.md), {@code bench.scopes} (240 GPU clusters), {@code bench.guarantees}
 * (exactly_once_v2,at_least_once), {@code bench.baselinePasses} (3 warm consume+parse passes; the ratio is against
 * the fastest), {@code bench.commitIntervalMs} (100), {@code bench.maxPartitionFetchBytes} of
 * the Streams main consumer (65536), {@code bench.target} (target). Writes
 * {@code pipeline-throughput.md} and {@code bench-summary.md} (with the JMH results of {@code jmh.json}) there.
 */
public final class PipelineThroughputBench {

  private PipelineThroughputBench() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    int records = Integer.getInteger("bench.records", 100_000);
    int partitions = Integer.getInteger("bench.partitions", 1);
    int scopes = Integer.getInteger("bench.scopes", 240);
    long commitMs = Long.getLong("bench.commitIntervalMs", 100);
    int fetchBytes = Integer.getInteger("bench.maxPartitionFetchBytes", 65_536);
    int baselinePasses = Math.max(1, Integer.getInteger("bench.baselinePasses", 3));
    double baselineRate;
    List<String> guarantees = List.of(System.getProperty("bench.guarantees", "exactly_once_v2,at_least_once")
        .split(","));
    Path target = Path.of(System.getProperty("bench.target", "target"));

    String loadAtStart = MachineStats.loadAverage();
    BenchInput input = BenchInput.generate(records, scopes, partitions);
    List<RawBaseline.Phase> phases = new ArrayList<>();
    List<TopologyRun.Result> runs = new ArrayList<>();
    List<FloorRun.Result> floors = new ArrayList<>();
    try (EmbeddedKafka kafka = startBroker()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      List<TopicSpec<?, ?>> topics = Topics.all().stream()
          .<TopicSpec<?, ?>>map(t -> t == Topics.METRICS_RAW ? t.withPartitions(partitions) : t).toList();
      TopicAdmin.createMissing(client, topics);
      RawBaseline baseline = new RawBaseline(client, Topics.METRICS_RAW.name());
      phases.add(baseline.produce(input));
      phases.add(baseline.consume(input.bodies().size(), false));
      phases.add(baseline.consume(input.bodies().size(), true, "consume + decode + parse (first pass, cold parser)"));
      // the ratio's baseline: the fastest of the passes after, with the parser compiled (as the topology's is after its
      // first bodies); one pass of this size swung by 3x on a quiet machine, the fastest of several much less
      List<RawBaseline.Phase> warm = new ArrayList<>();
      for (int pass = 1; pass <= baselinePasses; pass++) {
        warm.add(baseline.consume(input.bodies().size(), true,
            "consume + decode + parse (warm pass " + pass + " of " + baselinePasses + ")"));
      }
      phases.addAll(warm);
      baselineRate = warm.stream().mapToDouble(RawBaseline.Phase::recordsPerSecond).max().orElseThrow();
      TopologyRun topology = new TopologyRun(client, commitMs, fetchBytes);
      FloorRun floor = new FloorRun(topology);
      for (String guarantee : guarantees.stream().map(String::trim).distinct().toList()) {
        for (FloorTopology.Shape shape : floorShapes()) {
          System.err.println("bench: floor run " + shape + " with " + guarantee + " ...");
          floors.add(floor.run(shape, guarantee, Topics.METRICS_RAW.name(), input));
        }
      }
      for (int i = 0; i < guarantees.size(); i++) {
        if (i > 0) {
          baseline.truncate();
          baseline.sendAll(input.bodies());
        }
        System.err.println("bench: topology run with " + guarantees.get(i).trim() + " ...");
        runs.add(topology.run(guarantees.get(i).trim(), input, () -> baseline.sendAll(input.closing()),
            Duration.ofSeconds(20)));
      }
    }
    String report = PipelineReport.render(input, partitions, commitMs, fetchBytes, phases, baselineRate, floors, runs,
        loadAtStart, MachineStats.loadAverage());
    System.out.println(report);
    Files.createDirectories(target);
    Files.writeString(target.resolve("pipeline-throughput.md"), report);
    Path summary = target.resolve("bench-summary.md");
    Files.writeString(summary, BenchSummary.render(target.resolve("jmh.json"), report, Instant.now()));
    System.err.println("bench: wrote " + summary.toAbsolutePath());
    System.exit(0);
  }

  /** {@code bench.floors}: the floor topologies to run before the real one, or {@code none}. */
  private static List<FloorTopology.Shape> floorShapes() {
    String value = System.getProperty("bench.floors", "PARSE,REPARTITION_AND_STORE").trim();
    if (value.isEmpty() || value.equalsIgnoreCase("none")) {
      return List.of();
    }
    return java.util.Arrays.stream(value.split(",")).map(String::trim).map(FloorTopology.Shape::valueOf).toList();
  }

  private static EmbeddedKafka startBroker() {
    long start = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
    System.err.printf(Locale.ROOT, "bench: embedded broker up in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return kafka;
  }
}
