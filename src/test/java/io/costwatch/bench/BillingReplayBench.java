package io.costwatch.bench;

import io.costwatch.alert.AlertEvent;
import io.costwatch.cli.BillingReplayHarness;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import io.costwatch.usage.DailySpend;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.utils.Utils;

/**
 * Billing at scale through a real broker: for each size, one generated EA month ({@link BillingScaleBench#generate})
 * measured three ways in one JVM: (a) read+parse of the CSV alone (the baseline); (b) publishing into the in-process
 * KRaft broker as {@code costwatch replay} publishes (see {@link BillingReplayHarness#ingest}), timed until every
 * record is acknowledged; (c) the topology started as {@code costwatch replay} starts it ({@code exactly_once_v2},
 * bounded-run settings) over the ingested topic, timed until the end-of-input markers report every day judged.
 * Alongside: rebalances after the first RUNNING, the stream thread's failure if any (a fenced producer or
 * {@code TaskMigratedException} ends up there or in a rebalance), dead letters, the billing records the topology
 * read against those the broker acknowledged, the daily spend it published against the parsed total, and the
 * workspaces alerted against the generator's spikes, and the records the stream threads sent (changelogs, repartition
 * topics, sinks) per row. Before (c), unless {@code bench.billing.floor=false}, the floor ({@link BillingFloorTopology}:
 * parse, repartition by workspace-day, one running total per row) over the same topic with the same settings: the least
 * a billing topology does, so that the ratio to read+parse can be read against what Streams itself leaves. Any mismatch fails the bench after the table is written.
 *
 * <p>System properties: {@code bench.billing.workspaces} (sizes, 250,1000,2000), {@code bench.billing.rowsPerDay}
 * (16), {@code bench.billing.warmup} (workspaces of an unreported first run, 20; 0 for none),
 * {@code bench.billing.partitions} (3, as {@code replay}), {@code bench.billing.timeout} (ISO-8601, PT2H),
 * {@code bench.billing.kafka} (Kafka settings as a user passes them to {@code replay} through {@code KAFKA_*}
 * variables, e.g. {@code COMMIT_INTERVAL_MS=1000}; none by default),
 * {@code bench.target}. Writes {@code billing-replay.md} there.
 */
public final class BillingReplayBench {

  private BillingReplayBench() {
  }

  /** What one size measured. */
  record Result(int workspaces, long rows, double parseSeconds, double parseCpu, double ingestSeconds,
      double ingestCpu, double floorSeconds, double floorStreamThreadCpu, double topologySeconds, double topologyCpu, double streamThreadCpu, int rebalances,
      String failure, long consumed, long acknowledged, long deadLetters, boolean spendMatches, int alertedWorkspaces,
      int spikingWorkspaces, int unexpectedAlerts, String loadBefore, String loadAfter, List<String> states,
      Map<String, Long> recordsSent) {

    /** Records the stream threads sent (changelogs, repartition topics, sinks) per billing row. */
    double sentPerRow() {
      return recordsSent.values().stream().mapToLong(Long::longValue).sum() / (double) rows;
    }

    double rate(double seconds) {
      return rows / seconds;
    }

    boolean clean() {
      return failure == null && rebalances == 0 && consumed == acknowledged && deadLetters == 0 && spendMatches
          && alertedWorkspaces == spikingWorkspaces && unexpectedAlerts == 0;
    }
  }

  public static void main(String[] args) throws Exception {
    int rowsPerDay = Integer.getInteger("bench.billing.rowsPerDay", 16);
    int partitions = Integer.getInteger("bench.billing.partitions", 3);
    Duration timeout = Duration.parse(System.getProperty("bench.billing.timeout", "PT2H"));
    Path target = Path.of(System.getProperty("bench.target", "target"));
    List<Integer> sizes = new ArrayList<>();
    for (String s : System.getProperty("bench.billing.workspaces", "250,1000,2000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    Path dir = Files.createTempDirectory("costwatch-billing-replay-");
    List<Result> results = new ArrayList<>();
    try {
      int warmup = Integer.getInteger("bench.billing.warmup", 20);
      if (warmup > 0) {
        print("warm-up (not reported)", run(dir, warmup, rowsPerDay, partitions, timeout));
      }
      for (int workspaces : sizes) {
        Result r = run(dir, workspaces, rowsPerDay, partitions, timeout);
        print("size", r);
        results.add(r);
      }
    } finally {
      Files.createDirectories(target);
      Files.writeString(target.resolve("billing-replay.md"), report(results, rowsPerDay, partitions));
      System.out.println(report(results, rowsPerDay, partitions));
      Utils.delete(dir.toFile());
    }
    for (Result r : results) {
      if (!r.clean()) {
        throw new IllegalStateException("billing replay of " + r.workspaces() + " workspaces was not clean: " + r);
      }
    }
  }

  private static void print(String what, Result r) {
    System.err.printf(Locale.ROOT, "billing-replay %s: %d workspaces, %d rows: parse %.0f rows/s, ingest %.0f rows/s,"
        + " topology %.0f rows/s (%.1f us/row, %.1f process CPU-s, %.1f stream-thread CPU-s), %d rebalances, "
        + "failure %s, consumed %d of %d, %d dead letters, spend matches %s, %d of %d spiking workspaces alerted, "
        + "%d other alerts, load %s -> %s, states %s, %.2f records sent per row %s%n", what, r.workspaces(), r.rows(), r.rate(r.parseSeconds()),
        r.rate(r.ingestSeconds()), r.rate(r.topologySeconds()), r.topologySeconds() * 1e6 / r.rows(), r.topologyCpu(),
        r.streamThreadCpu(), r.rebalances(), r.failure(), r.consumed(), r.acknowledged(), r.deadLetters(),
        r.spendMatches(), r.alertedWorkspaces(), r.spikingWorkspaces(), r.unexpectedAlerts(), r.loadBefore(),
        r.loadAfter(), r.states(), r.sentPerRow(), r.recordsSent());
  }

  private static Result run(Path dir, int workspaces, int rowsPerDay, int partitions, Duration timeout)
      throws IOException, InterruptedException {
    Path csv = dir.resolve("ea-" + workspaces + ".csv");
    BillingScaleBench.generate(csv, workspaces, rowsPerDay);
    long rows = (long) workspaces * BillingScaleBench.DAYS * rowsPerDay;
    String loadBefore = MachineStats.loadAverage();

    BillingRowParser parser = new BillingRowParser();
    Map<String, BigDecimal> parsedTotal = new TreeMap<>();
    double cpu0 = MachineStats.processCpuSeconds();
    long t0 = System.nanoTime();
    new ExportReader().read(List.of(csv), row -> {
      if (parser.parse(row) instanceof ParseResult.Parsed<CostRecord> p) {
        parsedTotal.merge(String.valueOf(p.value().workspace() == null ? null : p.value().workspace().workspaceId()),
            p.value().cost(), BigDecimal::add);
      }
    });
    double parseSeconds = (System.nanoTime() - t0) / 1e9;
    double parseCpu = MachineStats.processCpuSeconds() - cpu0;

    // KAFKA_* settings as a user of replay would pass them, e.g. -Dbench.billing.kafka=COMMIT_INTERVAL_MS=1000
    Map<String, String> env = new TreeMap<>();
    for (String setting : System.getProperty("bench.billing.kafka", "").split(",")) {
      if (!setting.isBlank()) {
        env.put("KAFKA_" + setting.substring(0, setting.indexOf('=')).trim(),
            setting.substring(setting.indexOf('=') + 1).trim());
      }
    }
    AppConfig config = ConfigLoader.load(env);
    Counting metrics = new Counting();
    try (BillingReplayHarness harness = BillingReplayHarness.start(config, dir, partitions)) {
      double cpu1 = MachineStats.processCpuSeconds();
      BillingReplayHarness.Ingested ingested = harness.ingest(List.of(csv));
      double ingestCpu = MachineStats.processCpuSeconds() - cpu1;
      if (ingested.rowsRead() != rows) {
        throw new IllegalStateException("read " + ingested.rowsRead() + " of " + rows + " rows");
      }
      double floorSeconds = Double.NaN;
      double floorCpu = Double.NaN;
      if (Boolean.parseBoolean(System.getProperty("bench.billing.floor", "true"))) {
        LongAdder stored = new LongAdder();
        BillingReplayHarness.Floor floor = harness.floor(BillingFloorTopology.build(stored), stored::sum, rows,
            timeout);
        floorSeconds = floor.seconds();
        floorCpu = floor.streamThreadCpuSeconds();
        System.err.printf(Locale.ROOT, "billing-replay floor: %d rows in %.1f s (%.0f rows/s), stream thread %.1f "
            + "CPU-s%n", rows, floorSeconds, rows / floorSeconds, floorCpu);
      }
      double cpu2 = MachineStats.processCpuSeconds();
      Progress progress = new Progress(workspaces, rows, metrics, cpu2);
      BillingReplayHarness.Judged judged = harness.judge(metrics, timeout, progress::tick);
      double topologyCpu = MachineStats.processCpuSeconds() - cpu2;
      Files.delete(csv);
      Set<String> spiking = new TreeSet<>();
      for (int ws = 0; ws < workspaces; ws += 10) {
        spiking.add("ws-" + ws);
      }
      Set<String> alerted = new TreeSet<>();
      int unexpected = 0;
      for (AlertEvent a : judged.alerts()) {
        String name = a.workspaceId().substring(a.workspaceId().lastIndexOf('/') + 1);
        if (spiking.contains(name)) {
          alerted.add(name);
        } else {
          unexpected++;
        }
      }
      return new Result(workspaces, rows, parseSeconds, parseCpu, ingested.seconds(), ingestCpu, floorSeconds,
          floorCpu, judged.seconds(),
          topologyCpu, judged.streamThreadCpuSeconds(), judged.rebalances(),
          judged.failure() == null ? null : String.valueOf(judged.failure()), metrics.billingIn.sum(),
          ingested.acknowledged(), judged.deadLetters().size(), spendMatches(parsedTotal, judged.dailySpend()),
          alerted.size(), spiking.size(), unexpected, loadBefore, MachineStats.loadAverage(), judged.states(),
          judged.recordsSent());
    }
  }

  /**
   * A line every {@code bench.billing.progressSeconds} (30) while the topology runs: rows read so far, CPU so far, so
   * that a run cut short (a size too large for the time there is) still says how far it got and at what cost.
   */
  private static final class Progress {
    private static final long EVERY_NANOS = Long.getLong("bench.billing.progressSeconds", 30) * 1_000_000_000L;
    private final int workspaces;
    private final long rows;
    private final Counting metrics;
    private final double cpuAtStart;
    private final long start = System.nanoTime();
    private long next = start + EVERY_NANOS;

    Progress(int workspaces, long rows, Counting metrics, double cpuAtStart) {
      this.workspaces = workspaces;
      this.rows = rows;
      this.metrics = metrics;
      this.cpuAtStart = cpuAtStart;
    }

    void tick() {
      long now = System.nanoTime();
      if (now < next) {
        return;
      }
      next = now + EVERY_NANOS;
      long read = metrics.billingIn.sum();
      double streamCpu = BillingReplayHarness.streamThreadCpuSeconds();
      System.err.printf(Locale.ROOT, "billing-replay progress: %d workspaces, %.0f s: %d of %d rows read, process "
              + "CPU %.1f s, stream-thread CPU %.1f s (%.0f us/row read), load %s%n", workspaces, (now - start) / 1e9,
          read, rows, MachineStats.processCpuSeconds() - cpuAtStart, streamCpu, read == 0 ? 0 : streamCpu * 1e6 / read,
          MachineStats.loadAverage());
    }
  }

  /** The daily spend the topology published adds up, per workspace, to the parsed rows' cost. */
  private static boolean spendMatches(Map<String, BigDecimal> parsed, Map<String, DailySpend> published) {
    Map<String, BigDecimal> total = new TreeMap<>();
    published.values().forEach(d -> total.merge(d.workspace().workspaceId(), d.amount(), BigDecimal::add));
    if (!total.keySet().equals(parsed.keySet())) {
      System.err.printf("billing-replay: daily spend for %d workspaces, parsed %d%n", total.size(), parsed.size());
      return false;
    }
    for (Map.Entry<String, BigDecimal> e : parsed.entrySet()) {
      if (e.getValue().compareTo(total.get(e.getKey())) != 0) {
        System.err.printf("billing-replay: %s spent %s, daily spend says %s%n", e.getKey(), e.getValue(),
            total.get(e.getKey()));
        return false;
      }
    }
    return true;
  }

  /** Counts what the topology read from the billing topic. */
  private static final class Counting extends PipelineMetrics.Silent {
    final LongAdder billingIn = new LongAdder();

    @Override
    public void recordIn(String topic) {
      if (topic.equals(Topics.BILLING_RAW.name())) {
        billingIn.increment();
      }
    }
  }

  private static String report(List<Result> results, int rowsPerDay, int partitions) {
    StringBuilder md = new StringBuilder();
    md.append("| workspaces | rows | read+parse rows/s | ingest rows/s | floor rows/s | floor / read+parse "
        + "| floor stream-thread CPU us/row | topology rows/s | topology / read+parse | topology / floor "
        + "| topology us/row | process CPU-s (topology) | stream-thread CPU-s | stream-thread CPU us/row "
        + "| rebalances | failure | consumed / acknowledged | dead letters | spend = parsed | spiking workspaces "
        + "alerted | other alerts | load before -> after | records sent / row |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---|---:"
        + "|---|---:|\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %,d | %,d | %,.0f | %,.0f | %,.0f | %.3f | %.0f | %,.0f | %.3f | %.3f "
              + "| %.0f | %.1f | %.1f | %.0f "
              + "| %d | %s | %,d / %,d | %d | %s | %d / %d | %d | %s -> %s | %.2f |%n", r.workspaces(), r.rows(),
          r.rate(r.parseSeconds()), r.rate(r.ingestSeconds()), r.rate(r.floorSeconds()),
          r.parseSeconds() / r.floorSeconds(), r.floorStreamThreadCpu() * 1e6 / r.rows(), r.rate(r.topologySeconds()),
          r.parseSeconds() / r.topologySeconds(), r.floorSeconds() / r.topologySeconds(), r.topologySeconds() * 1e6 / r.rows(), r.topologyCpu(),
          r.streamThreadCpu(), r.streamThreadCpu() * 1e6 / r.rows(), r.rebalances(),
          r.failure() == null ? "none" : r.failure(), r.consumed(), r.acknowledged(), r.deadLetters(),
          r.spendMatches() ? "yes" : "NO", r.alertedWorkspaces(), r.spikingWorkspaces(), r.unexpectedAlerts(),
          r.loadBefore(), r.loadAfter(), r.sentPerRow()));
    }
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "%nRecords the stream threads sent per row at %,d workspaces, by topic:",
          r.workspaces()));
      r.recordsSent().forEach((topic, n) -> md.append(String.format(Locale.ROOT, " %s %.2f;", topic,
          n / (double) r.rows())));
      md.append('\n');
    }
    if (results.size() > 1) {
      // sizes may run in any order (the largest first, say, when time is short): compare smallest with largest
      Result small = results.stream().min(java.util.Comparator.comparingInt(Result::workspaces)).orElseThrow();
      Result large = results.stream().max(java.util.Comparator.comparingInt(Result::workspaces)).orElseThrow();
      md.append(String.format(Locale.ROOT, "%nTime per row at %,d workspaces / at %,d: %.2f (wall), %.2f (process CPU),"
              + " %.2f (stream-thread CPU). %d rows per workspace and day, %d days, %d partitions per topic.%n",
          large.workspaces(), small.workspaces(), (large.topologySeconds() / large.rows())
              / (small.topologySeconds() / small.rows()), (large.topologyCpu() / large.rows())
              / (small.topologyCpu() / small.rows()), (large.streamThreadCpu() / large.rows())
              / (small.streamThreadCpu() / small.rows()), rowsPerDay, BillingScaleBench.DAYS, partitions));
    }
    return md.toString();
  }
}
