package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.config.Redaction;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.ingest.monitor.MetricBodyKey;
import io.costwatch.ingest.monitor.MetricsFileReader;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.InputDeadLetters;
import io.costwatch.topology.Sources;
import io.costwatch.topology.Topics;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Publishes files to the raw topics of a running Costwatch (the configured Kafka, or `run`'s embedded broker). */
@Command(name = "ingest", mixinStandardHelpOptions = true, subcommands = {IngestCommand.Billing.class,
    IngestCommand.Metrics.class}, description = "Publish export or metrics files to the raw topics.")
final class IngestCommand {

  @Command(name = "billing", mixinStandardHelpOptions = true,
      description = "Publish Cost Management export files, folders or manifests to " + "azure.cost-exports.raw.v1, "
          + "with progress and a summary (rows acknowledged by Kafka, rejected rows with file and line, cost per "
          + "currency). Fails within seconds, exit code 1, when no broker answers or a row is not acknowledged.")
  static final class Billing implements Callable<Integer> {

    @Parameters(arity = "0..*", description = "Export files (.csv, .csv.gz), folders or manifest.json files.")
    List<Path> paths = List.of();

    @Option(names = "--final", description = "These files are the last billing data of the period: after them, send "
        + "the end of billing input (one marker per partition of azure.cost-exports.raw.v1), so the running "
        + "pipeline judges every pending billing day up to the newest charge day now, instead of waiting until "
        + "later billing data shows the lateness has passed. A day judged so and changed later is judged again. "
        + "Without files, only the end of billing input is sent.")
    boolean endOfInput;

    @Spec
    CommandSpec spec;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
      AppConfig config = ConfigLoader.load(env);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (paths.isEmpty() && !endOfInput) {
        err.println("costwatch ingest billing: give export files, folders or manifests, or --final alone");
        return 2;
      }
      BillingRowParser parser = new BillingRowParser();
      AtomicLong rows = new AtomicLong();
      List<String> rejected = new ArrayList<>();
      Map<String, BigDecimal> perCurrency = new TreeMap<>();
      Progress progress = new Progress(System.err, "billing");
      long runEnds;
      long acknowledged;
      int finalMarkers = 0;
      try (KafkaConnection kafka = KafkaConnection.clientOnly(config);
          IngestProducer producer = IngestProducer.connect(kafka)) {
        ExportRunPublisher publisher = new ExportRunPublisher(parser, (key, row) -> {
          byte[] value = Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row);
          producer.send(new ProducerRecord<>(Topics.BILLING_RAW.name(), key, value), row.file() + ":" + row.line());
        }, producer::flushAndCheck, "ingest-" + java.time.Instant.now());
        try {
          new ExportReader(progress::update).read(paths, row -> {
            rows.incrementAndGet();
            ParseResult<CostRecord> parsed = publisher.row(row);
            if (parsed instanceof ParseResult.Parsed<CostRecord> p) {
              perCurrency.merge(p.value().currency(), p.value().cost(), BigDecimal::add);
            } else if (parsed instanceof ParseResult.Rejected<CostRecord> r) {
              rejected.add(r.detail());
            }
          }, publisher::runEnd);
          producer.flushAndCheck();
          acknowledged = producer.acknowledged();
          if (endOfInput) {
            finalMarkers = sendEndOfBillingInput(producer);
          }
        } catch (IngestProducer.NotDelivered e) {
          progress.done();
          err.printf("costwatch ingest billing: %d of %d row(s) read were acknowledged by Kafka at %s; %d record(s) "
              + "not delivered; no export run was ended after the failure, so nothing is retracted%n",
              producer.acknowledged(), rows.get(), producer.bootstrapServers(), producer.failed());
          producer.failures().stream().limit(20).forEach(f -> err.println("  not delivered: " + f));
          return 1;
        }
        progress.done();
        runEnds = publisher.runEndsSent();
      } catch (IngestProducer.BrokerUnavailable e) {
        err.println("costwatch ingest billing: " + Redaction.mask(e.getMessage()));
        return 1;
      }
      out.printf("ingest billing: %d rows published (acknowledged), %d would be rejected by the parser, %d export "
          + "run ends (scope by scope; rows a run no longer has are retracted)%n", acknowledged - runEnds,
          rejected.size(), runEnds);
      rejected.stream().limit(20).forEach(r -> out.println("  rejected: " + r));
      if (rejected.size() > 20) {
        out.println("  ... " + (rejected.size() - 20) + " more (see the dead-letter topic)");
      }
      perCurrency.forEach((c, a) -> out.printf("  total %s %s (all charge types, never converted)%n",
          a.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString(), c));
      if (endOfInput) {
        out.printf("  end of billing input sent to %d partition(s): every pending billing day up to the newest "
            + "charge day is judged now (control topic: %s)%n", finalMarkers, FlushMarker.BILLING_JUDGED);
      }
      out.flush();
      return 0;
    }

    /**
     * One end-of-billing-input marker ({@link FlushMarker#FINAL_KEY}) to every partition of the raw billing topic,
     * after every row sent so far, each naming the partition count (see {@link FlushMarker}). It carries the time it
     * is sent: nothing in the live pipeline is moved to the future by it.
     */
    private static int sendEndOfBillingInput(IngestProducer producer) {
      int partitions = producer.partitions(Topics.BILLING_RAW.name());
      for (int p = 0; p < partitions; p++) {
        ProducerRecord<String, byte[]> marker = new ProducerRecord<>(Topics.BILLING_RAW.name(), p, null,
            FlushMarker.FINAL_KEY, (byte[]) null);
        marker.headers().add(FlushMarker.PARTITIONS_HEADER,
            Integer.toString(partitions).getBytes(StandardCharsets.UTF_8));
        producer.send(marker, "end of billing input, partition " + p);
      }
      producer.flushAndCheck();
      return partitions;
    }
  }

  @Command(name = "metrics", mixinStandardHelpOptions = true,
      description = "Publish files of Azure Monitor event bodies to azure.monitor-metrics.raw.v1. A body counts as "
          + "published when Kafka acknowledged it; one it refused (e.g. larger than max.request.size) is reported "
          + "with its file and line. Exit code 1 when anything was not delivered or no broker answers.")
  static final class Metrics implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "NDJSON files of event bodies, or single JSON documents.")
    List<Path> files;

    @Spec
    CommandSpec spec;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
      AppConfig config = ConfigLoader.load(env);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      AtomicLong bodies = new AtomicLong();
      AtomicLong deadLettered = new AtomicLong();
      long acknowledged;
      long failed;
      List<String> failures;
      try (KafkaConnection kafka = KafkaConnection.clientOnly(config);
          IngestProducer producer = IngestProducer.connect(kafka)) {
        MetricsFileReader reader = new MetricsFileReader();
        int limit = RecordLimits.maxBody(kafka.clientConfig());
        for (Path file : files) {
          reader.read(file, (source, body) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > limit) {
              deadLettered.incrementAndGet();
              producer.send(RecordLimits.tooLarge("metrics-read", source, bytes.length, limit), source.toString());
              return;
            }
            bodies.incrementAndGet();
            // keyed as the bridge keys it, so one resource's bodies keep their order in one partition
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.METRICS_RAW.name(),
                MetricBodyKey.of(body), bytes);
            record.headers().add(Sources.ORIGIN, source.origin().getBytes(StandardCharsets.UTF_8));
            record.headers().add(Sources.POSITION, Long.toString(source.position())
                .getBytes(StandardCharsets.UTF_8));
            producer.send(record, source.toString());
          }, (source, reason, detail, raw) -> {
            deadLettered.incrementAndGet();
            producer.send(InputDeadLetters.of("metrics-read", reason, detail, source, raw,
                raw == null ? 0 : raw.length), source.toString());
          });
        }
        producer.flush();
        acknowledged = producer.acknowledged();
        failed = producer.failed();
        failures = producer.failures();
      } catch (IngestProducer.BrokerUnavailable e) {
        err.println("costwatch ingest metrics: " + Redaction.mask(e.getMessage()));
        return 1;
      }
      out.printf("ingest metrics: %d event bodies published (acknowledged) from %d file(s), %d not delivered%n",
          acknowledged - deadLettered.get(), files.size(), failed);
      if (deadLettered.get() > 0) {
        out.printf("ingest metrics: %d lines or bodies could not be sent as they are and were dead-lettered with "
            + "their file and line (%s)%n", deadLettered.get(), Topics.DEAD_LETTERS.name());
      }
      out.flush();
      if (failed > 0) {
        err.printf("costwatch ingest metrics: %d of %d event bodies were not delivered:%n", failed, bodies.get());
        failures.stream().limit(20).forEach(f -> err.println("  not delivered: " + f));
        err.flush();
        return 1;
      }
      return 0;
    }
  }
}
