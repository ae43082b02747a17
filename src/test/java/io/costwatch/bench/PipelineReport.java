package io.costwatch.bench;

import java.util.List;
import java.util.Locale;

/** The end-to-end harness's results as Markdown: the baseline phases, the topology runs and their ratio. */
final class PipelineReport {

  private PipelineReport() {
  }

  static String render(BenchInput input, int partitions, long commitMs, int fetchBytes,
      List<RawBaseline.Phase> phases, double parseRate, List<FloorRun.Result> floors, List<TopologyRun.Result> runs,
      String loadAtStart, String loadAtEnd) {
    StringBuilder out = new StringBuilder();
    out.append("## End-to-end throughput (PipelineThroughputBench)\n\n");
    out.append(f("Machine: %s. Max RSS of the harness JVM: %d MiB. Load average (1/5/15 min) at start: %s, at "
        + "end: %s.%n%n", MachineStats.machine(), MachineStats.maxRssMib(), loadAtStart, loadAtEnd));
    out.append(f("Input: %,d metric records in %,d bodies of %d (%.1f MiB, %d B per record), %d GPU-cluster "
            + "scopes in %d workspaces, %d minutes from %s, %d partition(s) on the raw topic; then %,d closing "
            + "records a year later. Expected closed windows: %,d.%n%n",
        input.records(), input.bodies().size(), MetricBodies.RECORDS_PER_BODY, input.bytes() / 1048576.0,
        input.bytes() / input.records(), input.scopes(), input.workspaces(), input.minutes(), input.start(),
        partitions, input.closingRecords(), input.expectedWindows()));
    out.append("### Broker baseline (same JVM, same run)\n\n");
    out.append("| phase | metric records | seconds | records/s | process CPU s | load before | load after |\n");
    out.append("|---|---:|---:|---:|---:|---|---|\n");
    for (RawBaseline.Phase p : phases) {
      out.append(f("| %s | %,d | %.2f | %,.0f | %.2f | %s | %s |%n", p.name(), p.records(), p.seconds(),
          p.recordsPerSecond(), p.cpuSeconds(), p.loadBefore(), p.loadAfter()));
    }
    out.append(f("%nThe ratios below are against %,.0f records/s, the fastest warm consume+parse pass: of the "
        + "baselines measured, the one that makes the ratio smallest.%n", parseRate));
    if (!floors.isEmpty()) {
      out.append("\n### Floor: the least a topology must do, same settings (same JVM, same run)\n\n");
      out.append("| floor topology | guarantee | records/s first→last | ratio to consume+parse | first→last s "
          + "| start→last s | process CPU s (start→last) | CPU s per 100k records | stream thread CPU s per 100k "
          + "| load before | load after |\n");
      out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
      for (FloorRun.Result r : floors) {
        out.append(f("| %s | %s | %,.0f | %.3f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |%n", r.shape().label(),
            r.guarantee(), r.firstToLastRate(), r.firstToLastRate() / parseRate, r.firstToLastSeconds(),
            r.startToLastSeconds(), r.cpuSeconds(), r.cpuSeconds() / r.records() * 100_000,
            r.streamThreadCpuSeconds() / r.records() * 100_000, r.loadBefore(), r.loadAfter()));
      }
      out.append("\nThe floor topologies (FloorTopology) read the same raw bodies as the real topology with its Streams "
          + "settings and judge nothing: \"parse only\" parses every body and forwards nothing; the second sends one "
          + "record per body and workspace (the samples in plain binary) through a repartition topic and keeps a "
          + "16-byte running total per scope in a cached, changelogged RocksDB store, one read and one write per body "
          + "and scope. first→last: the first body read to the last sample counted.\n");
    }
    out.append(f("%n### Real topology (CostTopology.build), commit.interval.ms=%d for both guarantees, main consumer "
        + "max.partition.fetch.bytes=%d, repartition.purge.interval.ms=%d, max.task.idle.ms=%d%n%n", commitMs,
        fetchBytes,
        TopologyRun.REPARTITION_PURGE_MS, TopologyRun.MAX_TASK_IDLE_MS));
    out.append("| run | guarantee | records/s first→last | ratio to consume+parse | records/s start→last "
        + "| first→last s | process CPU s (start→last window) | CPU s per 100k records | load before | load after "
        + "| windows | alerts "
        + "| dead letters | dropped (late) | heap after GC MiB | max RSS MiB | stream thread CPU s per 100k "
        + "| JIT threads CPU s | GC threads CPU s |\n");
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    int run = 0;
    for (TopologyRun.Result r : runs) {
      out.append(f("| %d | %s | %,.0f | %.3f | %,.0f | %.2f | %.2f | %.2f | %s | %s | %,d | %,d | %,d | %.0f | %d "
          + "| %d | %.2f | %.2f | %.2f |%n",
          ++run, r.guarantee(), r.firstToLastRate(), r.firstToLastRate() / parseRate, r.startToLastRate(),
          r.firstToLastSeconds(), r.cpuSeconds(), r.cpuSeconds() / r.records() * 100_000, r.loadBefore(),
          r.loadAfter(), r.windows(), r.alerts(), r.rejected(), r.droppedRecords(), r.heapAfterGcMib(),
          r.maxRssMib(), r.streamThreadCpuSeconds() / r.records() * 100_000, r.jitSeconds(), r.gcSeconds()));
    }
    out.append("\nrun: the topology runs in the order they ran in this JVM, each with its own application id; a later "
        + "run of the same guarantee runs with the JIT compiled by the ones before (the steady state of a service "
        + "that has been up for a while), the first with a cold one.\n");
    out.append("\nfirst→last: from the first raw body read by the topology to the last expected window evaluated "
        + "by detection (or the latest one, if late records left windows out: see windows and dropped); "
        + "start→last adds Streams start-up and the first rebalance. CPU is the whole JVM's (broker, "
        + "clients, stream thread, GC, JIT); the stream thread's CPU is its own (the one stream thread, from its start to "
        + "the last window: the topology's work without the broker, GC or JIT), and the JIT compiler and GC threads' "
        + "CPU (from /proc, start to the end of the run) is part of the process CPU. alerts: counted until no alert "
        + "arrived for 3 s after the last window (at most 60 s; untimed), since the last windows' alerts cross the "
        + "lifecycle repartition topic after the window is evaluated. Max RSS is the JVM's peak so far (VmHWM), so later rows include earlier "
        + "phases.\n");
    return out.toString();
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
