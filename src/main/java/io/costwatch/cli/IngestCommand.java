package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.ingest.monitor.MetricsFileReader;
import io.costwatch.topology.InputDeadLetters;
import io.costwatch.topology.Sources;
import io.costwatch.topology.Topics;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Publishes files to the raw topics of a running Costwatch (the configured Kafka, or `run`'s embedded broker). */
@Command(name = "ingest", mixinStandardHelpOptions = true, subcommands = {IngestCommand.Billing.class,
    IngestCommand.Metrics.class}, description = "Publish export or metrics files to the raw topics.")
final class IngestCommand {

  @Command(name = "billing", mixinStandardHelpOptions = true,
      description = "Publish Cost Management export files, folders or manifests to " + "azure.cost-exports.raw.v1, "
          + "with progress and a summary (rows, rejected rows with file and line, cost per currency).")
  static final class Billing implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "Export files (.csv, .csv.gz), folders or manifest.json files.")
    List<Path> paths;

    @Override
    public Integer call() {
      AppConfig config = ConfigLoader.fromEnvironment();
      BillingRowParser parser = new BillingRowParser();
      AtomicLong rows = new AtomicLong();
      List<String> rejected = new ArrayList<>();
      Map<String, BigDecimal> perCurrency = new TreeMap<>();
      Progress progress = new Progress(System.err, "billing");
      AtomicReference<Exception> failure = new AtomicReference<>();
      long runEnds = 0;
      try (KafkaConnection kafka = KafkaConnection.clientOnly(config);
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
              new StringSerializer(), new ByteArraySerializer())) {
        ExportRunPublisher publisher = new ExportRunPublisher(parser, (key, row) -> {
          byte[] value = Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row);
          producer.send(new ProducerRecord<>(Topics.BILLING_RAW.name(), key, value), (md, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
        }, () -> {
          producer.flush();
          if (failure.get() != null) {
            throw new IllegalStateException("Kafka rejected a record: " + failure.get().getMessage(), failure.get());
          }
        }, "ingest-" + java.time.Instant.now());
        new ExportReader(progress::update).read(paths, row -> {
          rows.incrementAndGet();
          ParseResult<CostRecord> parsed = publisher.row(row);
          if (parsed instanceof ParseResult.Parsed<CostRecord> p) {
            perCurrency.merge(p.value().currency(), p.value().cost(), BigDecimal::add);
          } else if (parsed instanceof ParseResult.Rejected<CostRecord> r) {
            rejected.add(r.detail());
          }
        }, publisher::runEnd);
        producer.flush();
        progress.done();
        runEnds = publisher.runEndsSent();
      } catch (IllegalStateException e) {
        if (failure.get() == null) {
          throw e;
        }
      }
      if (failure.get() != null) {
        System.err.println("costwatch ingest: Kafka rejected a record: " + failure.get().getMessage()
            + "; no run was ended after it, so nothing is retracted");
        return 2;
      }
      System.out.printf("ingest billing: %d rows published, %d would be rejected by the parser, %d export run ends "
          + "(scope by scope; rows a run no longer has are retracted)%n", rows.get(), rejected.size(), runEnds);
      rejected.stream().limit(20).forEach(r -> System.out.println("  rejected: " + r));
      if (rejected.size() > 20) {
        System.out.println("  ... " + (rejected.size() - 20) + " more (see the dead-letter topic)");
      }
      perCurrency.forEach((c, a) -> System.out.printf("  total %s %s (all charge types, never converted)%n",
          a.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString(), c));
      return 0;
    }
  }

  @Command(name = "metrics", mixinStandardHelpOptions = true,
      description = "Publish files of Azure Monitor event bodies to azure.monitor-metrics.raw.v1.")
  static final class Metrics implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "NDJSON files of event bodies, or single JSON documents.")
    List<Path> files;

    @Override
    public Integer call() {
      AppConfig config = ConfigLoader.fromEnvironment();
      AtomicLong bodies = new AtomicLong();
      AtomicLong deadLettered = new AtomicLong();
      AtomicReference<Exception> failure = new AtomicReference<>();
      try (KafkaConnection kafka = KafkaConnection.clientOnly(config);
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
              new StringSerializer(), new ByteArraySerializer())) {
        MetricsFileReader reader = new MetricsFileReader();
        int limit = RecordLimits.maxBody(kafka.clientConfig());
        Callback failed = (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        };
        for (Path file : files) {
          reader.read(file, (source, body) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > limit) {
              deadLettered.incrementAndGet();
              producer.send(RecordLimits.tooLarge("metrics-read", source, bytes.length, limit), failed);
              return;
            }
            bodies.incrementAndGet();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.METRICS_RAW.name(), null, bytes);
            record.headers().add(Sources.ORIGIN, source.origin().getBytes(StandardCharsets.UTF_8));
            record.headers().add(Sources.POSITION, Long.toString(source.position())
                .getBytes(StandardCharsets.UTF_8));
            producer.send(record, failed);
          }, (source, reason, detail, raw) -> {
            deadLettered.incrementAndGet();
            producer.send(InputDeadLetters.of("metrics-read", reason, detail, source, raw,
                raw == null ? 0 : raw.length), failed);
          });
        }
        producer.flush();
      }
      if (failure.get() != null) {
        System.err.println("costwatch ingest: Kafka rejected a record: " + failure.get().getMessage());
        return 2;
      }
      if (deadLettered.get() > 0) {
        System.out.printf("ingest metrics: %d lines or bodies could not be sent and were dead-lettered with their "
            + "file and line (%s)%n", deadLettered.get(), Topics.DEAD_LETTERS.name());
      }
      System.out.printf("ingest metrics: %d event bodies published from %d file(s)%n", bodies.get(), files.size());
      return 0;
    }
  }
}
