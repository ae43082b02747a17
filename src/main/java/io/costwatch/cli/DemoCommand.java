package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.ingest.demo.DemoEvent;
import io.costwatch.ingest.demo.DemoScenario;
import io.costwatch.metrics.AlertsEndpoint;
import io.costwatch.metrics.MetricsHttpServer;
import io.costwatch.metrics.MicrometerPipelineMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Generated realistic data through the real topology on an embedded broker, alerts printed as they come. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the pipeline on an embedded broker over generated data (3 workspaces, 14 days of billing, "
        + "6 hours of per-minute telemetry) and print every alert and recommendation as it is published.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--keep-running", description = "Keep the pipeline and its HTTP endpoints up after the scenario "
      + "(with this or --linger, Kafka Streams' own meters join /metrics once the scenario is done).")
  boolean keepRunning;

  @Option(names = "--linger", converter = DurationConverter.class, description = "After the scenario, keep the "
      + "pipeline and its HTTP endpoints (/alerts lists the open alerts: `costwatch alerts`) up for this long (e.g. "
      + "2m or PT2M), then exit.")
  Duration linger;

  @Option(names = "--http-port", description = "Port of /metrics, /health, /ready and /alerts (default: ${DEFAULT-VALUE}; "
      + "0 picks a free one).", defaultValue = "8080")
  int httpPort;

  @Option(names = "--out", description = "Also write alerts.jsonl, recommendations.jsonl and dead-letters.jsonl "
      + "to this folder.")
  java.nio.file.Path out;

  @Option(names = "--write-inputs", description = "Only write the generated input as files (metrics.jsonl, "
      + "billing/ea-actual-cost.csv) to this folder, for `costwatch replay`, and exit.")
  java.nio.file.Path writeInputs;

  @Option(names = "--seed", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + DemoScenario.DEFAULT_SEED)
  long seed;

  @Option(names = "--work-dir", description = "Where temporary data goes: the throw-away broker's log and the "
      + "Streams state (costwatch-kafka-*, costwatch-demo-state-*), up to several GB for large inputs. Default: "
      + "java.io.tmpdir (${DEFAULT-VALUE}; move it with --work-dir or -Djava.io.tmpdir). Deleted at exit and on "
      + "SIGTERM/SIGINT; leftovers of killed earlier runs (their owner.pid names a dead process) are deleted at start.")
  java.nio.file.Path workDir = WorkDirs.defaultRoot();

  @Option(names = "--partitions", defaultValue = "" + BoundedRun.DEFAULT_PARTITIONS, description = "Partitions of "
      + "every topic of the throw-away broker, so as many tasks per stage (default: ${DEFAULT-VALUE}); the alerts do "
      + "not depend on it.")
  int partitions = BoundedRun.DEFAULT_PARTITIONS;

  @Override
  public Integer call() throws Exception {
    Map<String, String> skus = new LinkedHashMap<>(DemoScenario.CLUSTER_SKUS);
    skus.putAll(DemoScenario.EXTRA_SKUS);
    AppConfig loaded = ConfigLoader.fromEnvironment();
    skus.putAll(loaded.computeSkus());
    AppConfig config = loaded.withComputeSkus(skus);
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DemoScenario.BILLING_DAYS));
    if (writeInputs != null) {
      List<DemoEvent> events = new DemoScenario(seed).events(start);
      DemoFiles.write(events, writeInputs);
      System.out.printf("wrote %d input events to %s (replay: costwatch replay --billing %s --metrics %s --out DIR)%n",
          events.size(), writeInputs, writeInputs.resolve("billing"), writeInputs.resolve("metrics.jsonl"));
      return 0;
    }
    ReplayCommand.removeLeftovers(workDir);
    AlertPrinter printer = new AlertPrinter(System.out);
    long began = System.nanoTime();
    // the scenario is generated while the broker starts (which waits on its own threads much of the time)
    FutureTask<List<DemoEvent>> scenario = new FutureTask<>(() -> new DemoScenario(seed).events(start));
    Thread generator = new Thread(scenario, "costwatch-demo-scenario");
    generator.setDaemon(true);
    generator.start();
    try (MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), config.workspaceLabelCap());
        BoundedRun run = BoundedRun.start(config, "demo", metrics, printer::print, workDir,
            io.costwatch.embedded.EmbeddedKafka.Options.DEFAULT, partitions, BoundedRun.Pace.FIRST_RESULTS);
        MetricsHttpServer http = new MetricsHttpServer(config.httpHost(), httpPort, metrics.registry(),
            MetricsHttpServer.aliveWhile(run.runtime().streams()),
            MetricsHttpServer.Readiness.of(run.runtime().streams()))
            .route("/alerts", new AlertsEndpoint(run.runtime()::streams, null))) {
      // Kafka Streams' own meters (thousands once its tasks exist, bound in a pass quadratic in their number) only
      // when /metrics outlives the scenario: binding them costs CPU that the first alerts wait for
      metrics.bindJvmMetrics().bindStreamsState(run.runtime().streams()::state);
      List<DemoEvent> events = generated(scenario);
      System.out.printf("Costwatch demo: %d input events (billing from %s, telemetry for the last 6 h before %s)%n",
          events.size(), start, start.plus(Duration.ofDays(DemoScenario.BILLING_DAYS)));
      System.out.printf("Embedded Kafka at %s; metrics at http://%s:%d/metrics%n", run.kafka().bootstrapServers(),
          config.httpHost(), http.port());
      // billing goes out as `ingest billing` sends it: keyed by export scope, the export run ended after its rows
      ExportRunPublisher billing = new ExportRunPublisher(new BillingRowParser(),
          (key, row) -> run.sendBilling(key, row, null), run::flush);
      Set<String> exportRuns = new LinkedHashSet<>();
      int index = 0;
      for (DemoEvent event : events) {
        index++;
        if (event.kind() == DemoEvent.Kind.METRICS) {
          run.sendMetrics(event.key(), (String) event.value(), new SourceRef("demo://metrics", index, -1),
              event.time());
        } else {
          RawBillingRow row = (RawBillingRow) event.value();
          billing.row(row);
          exportRuns.add(row.exportRun());
        }
      }
      exportRuns.forEach(billing::runEnd);
      run.finish(Duration.ofMinutes(5));
      OutputCollector outputs = run.outputs();
      System.out.printf("%nDemo complete in %.1f s: %d alerts %s, %d recommendations, %d dead letters.%n",
          (System.nanoTime() - began) / 1e9, outputs.alerts().size(), outputs.alertsByType(),
          outputs.recommendations().size(), outputs.deadLetters().size());
      if (out != null) {
        java.nio.file.Files.createDirectories(out);
        ReplayCommand.writeJsonLines(out.resolve("alerts.jsonl"), outputs.alerts());
        ReplayCommand.writeJsonLines(out.resolve("recommendations.jsonl"), outputs.recommendations());
        ReplayCommand.writeJsonLines(out.resolve("dead-letters.jsonl"), outputs.deadLetters());
      }
      if (linger != null || keepRunning) {
        metrics.bindKafkaStreams(run.runtime().streams());
      }
      if (linger != null) {
        System.out.println("--linger: serving /metrics for " + linger + " more.");
        run.outputs().follow(linger, run.runtime()::checkAlive);
      }
      if (keepRunning) {
        System.out.println("--keep-running: the pipeline stays up; press Ctrl-C to stop.");
        while (true) {
          run.outputs().follow(Duration.ofSeconds(5), run.runtime()::checkAlive);
        }
      }
    }
    return 0;
  }

  private static List<DemoEvent> generated(FutureTask<List<DemoEvent>> scenario) throws Exception {
    try {
      return scenario.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
