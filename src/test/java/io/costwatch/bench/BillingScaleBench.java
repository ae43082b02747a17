package io.costwatch.bench;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.testing.Fixtures;
import io.costwatch.topology.CostTopology;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Billing at scale: one generated EA month for each of {@code bench.billing.workspaces} workspaces (250, 1000, 2000
 * by default; {@code bench.billing.rowsPerDay} rows per workspace and day, 16), read and parsed alone (the
 * baseline), then read, keyed by {@link ExportRunPublisher} as {@code costwatch ingest} does and run through the
 * whole {@link CostTopology} until the end-of-input marker has judged every day. The topology runs in a
 * {@link TopologyTestDriver} with its real RocksDB stores and serdes but no broker, so the figures are the
 * topology's own cost per row, not a broker's. One workspace in ten spends 5x on day 20, so the run must raise that
 * many alerts; the bench fails otherwise.
 *
 * <p>System properties: {@code bench.billing.workspaces} (comma-separated sizes), {@code bench.billing.rowsPerDay},
 * {@code bench.billing.warmup} (workspaces of the unreported warm-up month, 50),
 * {@code bench.target} (target). Writes {@code billing-scale.md} there.
 */
public final class BillingScaleBench {

  static final LocalDate MONTH = LocalDate.parse("2026-10-01");
  static final int DAYS = 31;
  static final int SPIKE_DAY = 20;

  private BillingScaleBench() {
  }

  /** What one size measured. */
  record Result(int workspaces, long rows, double parseSeconds, double parseCpu, double topologySeconds,
      double topologyCpu, long alerts, String loadBefore, String loadAfter, long heapAfterGcMib) {

    double parseRate() {
      return rows / parseSeconds;
    }

    double topologyRate() {
      return rows / topologySeconds;
    }

    double microsPerRow() {
      return topologySeconds * 1e6 / rows;
    }
  }

  public static void main(String[] args) throws IOException {
    int rowsPerDay = Integer.getInteger("bench.billing.rowsPerDay", 16);
    Path target = Path.of(System.getProperty("bench.target", "target"));
    List<Integer> sizes = new ArrayList<>();
    for (String s : System.getProperty("bench.billing.workspaces", "250,1000,2000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    Path dir = Files.createTempDirectory("costwatch-billing-scale-");
    try {
      run(dir, Integer.getInteger("bench.billing.warmup", 50), rowsPerDay); // JIT, class loading; not reported
      List<Result> results = new ArrayList<>();
      for (int workspaces : sizes) {
        Result r = run(dir, workspaces, rowsPerDay);
        System.err.printf(Locale.ROOT, "billing-scale: %d workspaces, %d rows: parse %.0f rows/s, topology %.0f rows/s"
            + " (%.1f us/row, %.1f CPU-s), %d alerts, load %s -> %s%n", r.workspaces(), r.rows(), r.parseRate(),
            r.topologyRate(), r.microsPerRow(), r.topologyCpu(), r.alerts(), r.loadBefore(), r.loadAfter());
        results.add(r);
      }
      Files.createDirectories(target);
      Files.writeString(target.resolve("billing-scale.md"), report(results, rowsPerDay));
      System.out.println(report(results, rowsPerDay));
    } finally {
      Utils.delete(dir.toFile());
    }
  }

  private static Result run(Path dir, int workspaces, int rowsPerDay) throws IOException {
    Path csv = dir.resolve("ea-" + workspaces + ".csv");
    generate(csv, workspaces, rowsPerDay);
    long rows = (long) workspaces * DAYS * rowsPerDay;

    String loadBefore = MachineStats.loadAverage();
    BillingRowParser parser = new BillingRowParser();
    AtomicLong parsed = new AtomicLong();
    double cpu0 = MachineStats.processCpuSeconds();
    long t0 = System.nanoTime();
    new ExportReader().read(List.of(csv), row -> {
      if (parser.parse(row) instanceof ParseResult.Parsed<CostRecord>) {
        parsed.incrementAndGet();
      }
    });
    double parseSeconds = (System.nanoTime() - t0) / 1e9;
    double parseCpu = MachineStats.processCpuSeconds() - cpu0;
    if (parsed.get() != rows) {
      throw new IllegalStateException("parsed " + parsed.get() + " of " + rows + " rows");
    }

    Path state = Files.createTempDirectory(dir, "state-");
    AppConfig config = ConfigLoader.load(Map.of());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "costwatch-billing-scale");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
    long alerts;
    double cpu1 = MachineStats.processCpuSeconds();
    long t1 = System.nanoTime();
    try (TopologyTestDriver driver = new TopologyTestDriver(CostTopology.build(config, PipelineMetrics.NONE), props)) {
      TestInputTopic<String, RawBillingRow> billing = driver.createInputTopic(Topics.BILLING_RAW.name(),
          Topics.BILLING_RAW.keySerde().serializer(), Topics.BILLING_RAW.valueSerde().serializer());
      Outputs outputs = new Outputs(driver);
      AtomicLong sent = new AtomicLong();
      ExportRunPublisher publisher = new ExportRunPublisher(parser, (key, row) -> {
        billing.pipeInput(key, row);
        if (sent.incrementAndGet() % 20_000 == 0) {
          outputs.drain();
        }
      }, () -> { }, "bench");
      new ExportReader().read(List.of(csv), publisher::row, publisher::runEnd);
      billing.pipeInput(FlushMarker.KEY, null, MONTH.plusMonths(1).plusDays(7).atStartOfDay().toInstant(
          java.time.ZoneOffset.UTC));
      outputs.drain();
      // the spend detector judges the month in calls of a bounded time each, continued by a wall-clock punctuation
      while (!outputs.billingJudged()) {
        driver.advanceWallClockTime(java.time.Duration.ofMillis(100));
        outputs.drain();
      }
      alerts = outputs.count(Topics.ALERTS.name());
    } finally {
      Utils.delete(state.toFile());
    }
    double topologySeconds = (System.nanoTime() - t1) / 1e9;
    double topologyCpu = MachineStats.processCpuSeconds() - cpu1;
    Files.delete(csv);
    if (alerts < workspaces / 10) {
      throw new IllegalStateException(alerts + " alerts, expected at least " + workspaces / 10);
    }
    return new Result(workspaces, rows, parseSeconds, parseCpu, topologySeconds, topologyCpu, alerts, loadBefore,
        MachineStats.loadAverage(), MachineStats.heapUsedAfterGcMib());
  }

  /** The month, day by day and workspace by workspace, as an export file lists it. */
  static void generate(Path csv, int workspaces, int rowsPerDay) throws IOException {
    List<String> header = Fixtures.eaHeader();
    try (Writer w = Files.newBufferedWriter(csv);
        CSVPrinter out = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new))
            .get())) {
      for (int d = 0; d < DAYS; d++) {
        LocalDate day = MONTH.plusDays(d);
        for (int ws = 0; ws < workspaces; ws++) {
          for (int r = 0; r < rowsPerDay; r++) {
            double base = 2 + (ws % 7) + r % 3 + (day.getDayOfWeek().getValue() >= 6 ? 0.5 : 1.0) + (d * 13 + r) % 5
                * 0.1;
            double cost = ws % 10 == 0 && d == SPIKE_DAY ? base * 5 : base;
            RawBillingRow row = Fixtures.eaRow("ea.csv", 0, "ws-" + ws, "gpu" + (r % 4),
                day, String.format(Locale.ROOT, "%.4f", cost), "Usage", "m" + r);
            Map<String, String> columns = row.columns();
            List<String> values = new ArrayList<>(header.size());
            for (String h : header) {
              values.add(columns.get(h));
            }
            out.printRecord(values);
          }
        }
      }
    }
  }

  /** Every topic the topology writes, read now and then so the test driver does not keep them all in memory. */
  private static final class Outputs {
    private final Map<String, TestOutputTopic<byte[], byte[]>> topics = new HashMap<>();
    private final Map<String, Long> counts = new HashMap<>();
    private final TopologyTestDriver driver;
    private boolean billingJudged;

    Outputs(TopologyTestDriver driver) {
      this.driver = driver;
    }

    void drain() {
      for (String name : driver.producedTopicNames()) {
        TestOutputTopic<byte[], byte[]> topic = topics.computeIfAbsent(name, n -> driver.createOutputTopic(n,
            new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        List<TestRecord<byte[], byte[]>> records = topic.readRecordsToList();
        counts.merge(name, (long) records.size(), Long::sum);
        if (name.equals(Topics.CONTROL.name())) {
          records.stream().map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
              .filter(v -> v.contains(FlushMarker.BILLING_DONE)).findAny().ifPresent(v -> billingJudged = true);
        }
      }
    }

    boolean billingJudged() {
      return billingJudged;
    }

    long count(String topic) {
      return counts.getOrDefault(topic, 0L);
    }
  }

  private static String report(List<Result> results, int rowsPerDay) {
    StringBuilder md = new StringBuilder();
    md.append("| workspaces | rows | read+parse rows/s | topology rows/s | topology us/row | topology CPU-s "
        + "| parse CPU-s | alerts | load before -> after | heap after GC MiB |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %,d | %,d | %,.0f | %,.0f | %.1f | %.1f | %.1f | %d | %s -> %s | %d |%n",
          r.workspaces(), r.rows(), r.parseRate(), r.topologyRate(), r.microsPerRow(), r.topologyCpu(), r.parseCpu(),
          r.alerts(), r.loadBefore(), r.loadAfter(), r.heapAfterGcMib()));
    }
    if (results.size() > 1) {
      Result small = results.get(0);
      Result large = results.get(results.size() - 1);
      md.append(String.format(Locale.ROOT, "%nTime per row at %,d workspaces / at %,d: %.2f (wall), %.2f (CPU)."
          + " %d rows per workspace and day, %d days.%n", large.workspaces(), small.workspaces(),
          large.microsPerRow() / small.microsPerRow(),
          (large.topologyCpu() / large.rows()) / (small.topologyCpu() / small.rows()), rowsPerDay, DAYS));
    }
    return md.toString();
  }
}
