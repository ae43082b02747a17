package io.costwatch.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.Json;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.ingest.monitor.MetricsFileReader;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.InputDeadLetters;
import io.costwatch.topology.PipelineMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The backtest: the same topology over files, on an embedded broker, with every window closed at the end so the
 * output is complete.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Run the pipeline over export and metrics files and write alerts.jsonl, recommendations.jsonl, "
        + "dead-letters.jsonl, daily-spend.json and summary.json to --out.")
final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--billing", arity = "1..*", description = "Cost Management export files, folders (read "
      + "recursively in path order) or manifest.json files.")
  List<Path> billing = new ArrayList<>();

  @Option(names = "--metrics", arity = "1..*", description = "Files of Azure Monitor event bodies "
      + "({\"records\":[...]} one per line, or one JSON document).")
  List<Path> metrics = new ArrayList<>();

  @Option(names = "--out", required = true, description = "Output folder (created if missing).")
  Path out;

  @Option(names = "--timeout", defaultValue = "PT10M", converter = DurationConverter.class,
      description = "Longest wait for the pipeline to finish after the input is sent, e.g. 10m or PT10M "
          + "(default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--work-dir", description = "Where temporary data goes: the throw-away broker's log and the "
      + "Streams state (costwatch-kafka-*, costwatch-replay-state-*), up to several GB for large inputs. Default: "
      + "java.io.tmpdir (${DEFAULT-VALUE}; move it with --work-dir or -Djava.io.tmpdir). Deleted at exit and on "
      + "SIGTERM/SIGINT; leftovers of killed earlier runs (their owner.pid names a dead process) are deleted at start.")
  Path workDir = WorkDirs.defaultRoot();

  @Option(names = "--partitions", defaultValue = "" + BoundedRun.DEFAULT_PARTITIONS, description = "Partitions of "
      + "every topic of the throw-away broker, so as many tasks per stage (default: ${DEFAULT-VALUE}); the alerts do "
      + "not depend on it.")
  int partitions = BoundedRun.DEFAULT_PARTITIONS;

  /** The throw-away broker's settings; tests replace the embedded default with Kafka's own defaults. */
  EmbeddedKafka.Options broker = EmbeddedKafka.Options.DEFAULT;

  @Override
  public Integer call() throws Exception {
    if (billing.isEmpty() && metrics.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "replay needs at least one --billing or --metrics path");
    }
    for (Path p : concat(billing, metrics)) {
      if (!Files.exists(p)) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "no such file: " + p);
      }
    }
    AppConfig config = ConfigLoader.fromEnvironment();
    long began = System.nanoTime();
    AtomicLong rows = new AtomicLong();
    AtomicLong bodies = new AtomicLong();
    removeLeftovers(workDir);
    try (BoundedRun run = BoundedRun.start(config, "replay", PipelineMetrics.NONE, event -> { }, workDir, broker,
        partitions, BoundedRun.Pace.THROUGHPUT)) {
      Progress progress = new Progress(System.err, "billing");
      if (!billing.isEmpty()) {
        ExportRunPublisher publisher = new ExportRunPublisher(new BillingRowParser(),
            (key, row) -> run.sendBilling(key, row, null), run::flush);
        new ExportReader(progress::update).read(billing, row -> {
          rows.incrementAndGet();
          publisher.row(row);
        }, publisher::runEnd);
        progress.done();
        if (!metrics.isEmpty()) {
          // telemetry is priced with the VM sizes billing taught, on every run alike (not as fast as a global table
          // happens to follow its topic)
          System.err.printf("costwatch replay: sent %d billing rows; waiting until the pipeline has learnt from them"
              + " before sending the telemetry...%n", rows.get());
          run.awaitBillingApplied(timeout);
        }
      }
      MetricsFileReader reader = new MetricsFileReader();
      for (Path file : expand(metrics)) {
        reader.read(file, (source, body) -> {
          bodies.incrementAndGet();
          run.sendMetrics(null, body, source, null);
        }, (source, reason, detail, raw) -> {
          bodies.incrementAndGet();
          run.sendDeadLetter(InputDeadLetters.of("metrics-read", reason, detail, source, raw,
              raw == null ? 0 : raw.length));
        });
      }
      System.err.printf("costwatch replay: sent %d billing rows and %d metric event bodies; closing windows...%n",
          rows.get(), bodies.get());
      run.finish(timeout);
      OutputCollector outputs = run.outputs();
      Files.createDirectories(out);
      writeJsonLines(out.resolve("alerts.jsonl"), outputs.alerts());
      writeJsonLines(out.resolve("recommendations.jsonl"), outputs.recommendations());
      writeJsonLines(out.resolve("dead-letters.jsonl"), outputs.deadLetters());
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve("daily-spend.json").toFile(),
          dailySpend(outputs));
      Map<String, Object> summary = summary(rows.get(), bodies.get(), outputs, (System.nanoTime() - began) / 1e9);
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve("summary.json").toFile(), summary);
      System.out.printf("replay: %d billing rows, %d metric bodies -> %d alerts %s, %d recommendations, "
              + "%d rejected; wrote %s%n", rows.get(), bodies.get(), outputs.alerts().size(),
          outputs.alertsByType(), outputs.recommendations().size(), outputs.deadLetters().size(), out);
    }
    return 0;
  }

  private Map<String, Object> summary(long rows, long bodies, OutputCollector outputs, double seconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("schemaVersion", 1);
    s.put("inputs", Map.of("billing", billing.stream().map(Path::toString).toList(),
        "metrics", metrics.stream().map(Path::toString).toList()));
    s.put("recordsRead", Map.of("billingRows", rows, "metricEventBodies", bodies));
    s.put("rejected", Map.of("total", outputs.deadLetters().size(),
        "byReason", outputs.deadLetters().stream().collect(Collectors.groupingBy(DeadLetter::reason, TreeMap::new,
            Collectors.counting())),
        "records", outputs.deadLetters().stream().map(d -> Map.of("source", String.valueOf(d.source()),
            "reason", d.reason(), "detail", String.valueOf(d.detail()))).toList()));
    s.put("alerts", Map.of("total", outputs.alerts().size(), "byType", outputs.alertsByType()));
    s.put("recommendations", Map.of("total", outputs.recommendations().size(), "byAction",
        outputs.recommendations().stream().collect(Collectors.groupingBy(r -> r.action(), TreeMap::new,
            Collectors.counting()))));
    s.put("elapsedSeconds", Math.round(seconds * 10) / 10.0);
    return s;
  }

  /** workspace -> currency -> day -> usage spend, and the total per workspace and currency. */
  private static Map<String, Object> dailySpend(OutputCollector outputs) {
    Map<String, Object> byWorkspace = new TreeMap<>();
    outputs.dailySpend().values().forEach(d -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> currencies = (Map<String, Object>) byWorkspace.computeIfAbsent(
          d.workspace().workspaceId(), k -> new TreeMap<>());
      @SuppressWarnings("unchecked")
      Map<String, Object> days = (Map<String, Object>) currencies.computeIfAbsent(d.currency(),
          k -> new TreeMap<String, Object>());
      days.put(d.day().toString(), d.amount().stripTrailingZeros().toPlainString());
    });
    return byWorkspace;
  }

  static void writeJsonLines(Path file, List<?> values) throws IOException {
    ObjectWriter writer = Json.MAPPER.writer();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Object v : values) {
        w.write(writer.writeValueAsString(v));
        w.newLine();
      }
    }
  }

  /** Deletes what killed earlier runs left in {@code workDir}, saying so. */
  static void removeLeftovers(Path workDir) {
    for (Path dir : WorkDirs.removeLeftovers(workDir)) {
      System.err.println("costwatch: removed " + dir + ", left by a run that was killed");
    }
  }

  /** Folders stand for their files, recursively, in lexicographic path order. */
  static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (var walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
              .filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".jsonl")
                  || f.toString().endsWith(".ndjson"))
              .sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    return files;
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
