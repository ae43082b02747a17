package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ingest} counts what Kafka acknowledged (issue 16): with no broker it fails with a message naming the
 * bootstrap servers and exit code 1 instead of reporting success; on a real broker its counts are what the topic
 * holds, and a body Kafka refuses is reported with its file and line.
 */
class IngestCommandIT {

  private static EmbeddedKafka kafka;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.startTemporary();
    TopicAdmin.createMissing(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        List.of(Topics.METRICS_RAW.withPartitions(1), Topics.BILLING_RAW.withPartitions(1), Topics.DEAD_LETTERS));
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private record Run(int code, String out, String err) {
  }

  private static <C extends Callable<Integer>> Run run(C command, Consumer<C> setUp, String... args) {
    setUp.accept(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static int portWithNoBroker() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Path metricsFile(int bodies, int oversizedLine) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= bodies; i++) {
      String record = Fixtures.dcrRecord("ws-a", "gpu-a", "GpuUtilization", Instant.parse("2026-11-20T10:00:00Z")
          .plusSeconds(60L * i), 50.0);
      if (i == oversizedLine) {
        // over the producer's max.request.size (1 MiB)
        record = record.substring(0, record.length() - 1) + ",\"padding\":\"" + "x".repeat(1_200_000) + "\"}";
      }
      lines.add(Fixtures.body(List.of(record)));
    }
    Path file = dir.resolve("metrics.jsonl");
    Files.write(file, lines);
    return file;
  }

  @Test
  void metricsWithNoBrokerFailNamingTheBootstrapServers() throws Exception {
    String bootstrap = "127.0.0.1:" + portWithNoBroker();
    Path file = metricsFile(3, -1);

    Run run = run(new IngestCommand.Metrics(), c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
        file.toString());

    assertEquals(1, run.code(), run.err());
    assertTrue(run.err().contains("no Kafka broker answered at " + bootstrap), run.err());
    assertTrue(!run.out().contains("published"), run.out());
  }

  @Test
  void billingWithNoBrokerFailsNamingTheBootstrapServers() throws Exception {
    String bootstrap = "127.0.0.1:" + portWithNoBroker();
    Path export = billingExport(dir.resolve("export.csv"), 5);

    Run run = run(new IngestCommand.Billing(), c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
        export.toString());

    assertEquals(1, run.code(), run.err());
    assertTrue(run.err().contains("no Kafka broker answered at " + bootstrap), run.err());
  }

  @Test
  void metricsCountWhatTheTopicHoldsAndAnOversizedBodyIsDeadLetteredWithItsLine() throws Exception {
    long before = records(Topics.METRICS_RAW.name());
    long deadBefore = records(Topics.DEAD_LETTERS.name());
    Path file = metricsFile(4, 3);

    Run run = run(new IngestCommand.Metrics(),
        c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), file.toString());

    assertEquals(3, records(Topics.METRICS_RAW.name()) - before);
    assertEquals(1, records(Topics.DEAD_LETTERS.name()) - deadBefore, "the oversized body is dead-lettered");
    assertTrue(run.out().contains("ingest metrics: 3 event bodies published (acknowledged) from 1 file(s), 0 not "
        + "delivered"), run.out());
    assertTrue(run.out().contains("1 lines or bodies could not be sent as they are and were dead-lettered"),
        run.out());
    assertEquals(0, run.code(), run.err());
  }

  @Test
  void billingCountsWhatTheTopicHolds() throws Exception {
    long before = records(Topics.BILLING_RAW.name());
    Path export = billingExport(dir.resolve("billing/export.csv"), 7);

    Run run = run(new IngestCommand.Billing(),
        c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), export.toString());

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("ingest billing: 7 rows published (acknowledged)"), run.out());
    long runEnds = Long.parseLong(run.out().replaceAll("(?s).*, (\\d+) export run ends.*", "$1"));
    assertEquals(7 + runEnds, records(Topics.BILLING_RAW.name()) - before, run.out());
  }

  @Test
  void anOversizedBillingRowIsRejectedWithItsLineAndTheOthersArePublished() throws Exception {
    long before = records(Topics.BILLING_RAW.name());
    Path export = dir.resolve("big/export.csv");
    List<RawBillingRow> rows = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      RawBillingRow row = Fixtures.eaRow(export.toString(), i + 1, "ws-a", "gpu-a",
          LocalDate.parse("2026-11-01").plusDays(i), "10.5", "Usage", "m-" + i);
      if (i == 2) {
        Map<String, String> columns = new java.util.LinkedHashMap<>(row.columns());
        columns.put("Tags", "{\"note\":\"" + "x".repeat(1_200_000) + "\"}"); // over max.request.size
        row = new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns, null);
      }
      rows.add(row);
    }
    Fixtures.writeEaExport(export, rows);

    Run run = run(new IngestCommand.Billing(),
        c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), export.toString());

    // the reader refuses the over-long line (file and line named) before it could reach the producer's size limit
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("1 would be rejected by the parser"), run.out());
    assertTrue(run.out().contains("rejected: " + export + " line 3: line 3 has 1200490 bytes"), run.out());
    assertTrue(records(Topics.BILLING_RAW.name()) - before >= 2, "the two other rows are published");
  }

  @Test
  void billingWithFinalEndsTheInputWithAPresentTimeMarkerPerPartitionAfterItsRows() throws Exception {
    long before = records(Topics.BILLING_RAW.name());
    Path export = billingExport(dir.resolve("final/export.csv"), 3);
    long sent = System.currentTimeMillis();

    Run run = run(new IngestCommand.Billing(),
        c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), "--final", export.toString());

    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("ingest billing: 3 rows published (acknowledged)"), run.out());
    assertTrue(run.out().contains("end of billing input sent to 1 partition(s)"), run.out());
    long runEnds = Long.parseLong(run.out().replaceAll("(?s).*, (\\d+) export run ends.*", "$1"));
    assertEquals(3 + runEnds + 1, records(Topics.BILLING_RAW.name()) - before, run.out());
    ConsumerRecord<String, byte[]> last = last(Topics.BILLING_RAW.name());
    assertEquals(FlushMarker.FINAL_KEY, last.key(), "the marker follows the rows");
    assertEquals(null, last.value());
    assertEquals("1", new String(last.headers().lastHeader(FlushMarker.PARTITIONS_HEADER).value(),
        java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(last.timestamp() >= sent && last.timestamp() <= System.currentTimeMillis(),
        "stamped when it was sent: " + last.timestamp());

    Run alone = run(new IngestCommand.Billing(),
        c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), "--final");
    assertEquals(0, alone.code(), alone.out() + alone.err());
    assertTrue(alone.out().contains("ingest billing: 0 rows published"), alone.out());
    assertEquals(FlushMarker.FINAL_KEY, last(Topics.BILLING_RAW.name()).key());
  }

  @Test
  void billingWithoutFilesOrFinalIsAUsageError() {
    Run run = run(new IngestCommand.Billing(),
        c -> c.env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("--final alone"), run.err());
  }

  /** The last record of a one-partition topic. */
  private static ConsumerRecord<String, byte[]> last(String topic) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      consumer.seek(partition, end - 1);
      List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
      io.costwatch.testing.Poll.await(java.time.Duration.ofSeconds(30), () -> {
        consumer.poll(java.time.Duration.ofMillis(200)).forEach(got::add);
        return !got.isEmpty();
      }, () -> "the last record of " + topic);
      return got.get(got.size() - 1);
    }
  }

  private static Path billingExport(Path file, int rows) throws IOException {
    List<RawBillingRow> list = IntStream.rangeClosed(1, rows).mapToObj(i -> Fixtures.eaRow(file.toString(), i + 1,
        "ws-a", "gpu-a", LocalDate.parse("2026-11-01").plusDays(i), "10.5", "Usage", "m-" + i)).toList();
    Fixtures.writeEaExport(file, list);
    return file;
  }

  /** Records in the topic: the sum of its partitions' end offsets (a plain idempotent producer, no markers). */
  private static long records(String topic) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
