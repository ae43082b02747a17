package io.costwatch.bench;

import io.costwatch.cli.FastRestart;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.testing.Fixtures;
import io.costwatch.testing.Poll;
import io.costwatch.topology.CostTopology;
import io.costwatch.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Restart-to-processing time of one instance on the embedded broker, without and with {@link FastRestart}'s
 * settings (static membership, session timeout, restore fetch size). Each round starts an instance on a fresh state
 * directory, lets it process one body, stops it without leaving the group (as a crash or a {@code kill} leaves it:
 * Kafka Streams never sends a LeaveGroup on close) and starts a new instance on the same state directory, timing
 * start -> RUNNING and start -> first record processed. Prints figures with load average and process CPU; asserts
 * no time.
 *
 * <p>Run: {@code mvn -B -ntp -o test-compile} then {@code java -cp target/classes:target/test-classes:$(cat cp.txt)
 * io.costwatch.bench.RestartBench [rounds [static|dynamic|both]]} (class path from {@code mvn dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}).
 */
public final class RestartBench {

  private static final Duration LIMIT = Duration.ofMinutes(3);

  private RestartBench() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    String only = args.length > 1 ? args[1] : "both";
    List<String> lines = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      TopicAdmin.createMissing(client, Topics.all());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
          kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
        for (int round = 1; round <= rounds; round++) {
          for (boolean fast : new boolean[] {false, true}) {
            if (only.equals(fast ? "dynamic" : "static")) {
              continue;
            }
            lines.add(round(client, producer, fast, round));
            System.out.println(lines.get(lines.size() - 1));
          }
        }
      }
    }
    System.out.println("\n| settings | round | fresh start -> RUNNING | restart -> RUNNING | restart -> first record "
        + "processed | load before/after | process CPU s |\n|---|---|---|---|---|---|---|");
    lines.forEach(System.out::println);
  }

  private static String round(Map<String, Object> client, KafkaProducer<String, String> producer, boolean fast,
      int round) throws Exception {
    Path stateDir = Files.createTempDirectory("costwatch-restart-bench-");
    AppConfig config = ConfigLoader.load(Map.of()).withKafka(client)
        .withApplication("costwatch-restart-" + (fast ? "static" : "dynamic") + "-" + round, stateDir);
    String load = MachineStats.loadAverage();
    double cpu = MachineStats.processCpuSeconds();
    try {
      Timing first = startAndProcess(config, producer, fast, Instant.parse("2026-11-02T10:00:00Z"));
      first.streams().close(Duration.ofSeconds(30));
      Timing restart = startAndProcess(config, producer, fast, Instant.parse("2026-11-02T10:01:00Z"));
      restart.streams().close(Duration.ofSeconds(30));
      return String.format("| %s | %d | %.1f s | %.1f s | %.1f s | %s / %s | %.0f |",
          fast ? "static membership (FastRestart)" : "dynamic membership (before)", round, first.toRunning(),
          restart.toRunning(), restart.toProcessed(), load, MachineStats.loadAverage(),
          MachineStats.processCpuSeconds() - cpu);
    } finally {
      Utils.delete(stateDir.toFile());
    }
  }

  private record Timing(KafkaStreams streams, double toRunning, double toProcessed) {
  }

  private static Timing startAndProcess(AppConfig config, KafkaProducer<String, String> producer, boolean fast,
      Instant at) throws Exception {
    CountingMetrics metrics = new CountingMetrics(Long.MAX_VALUE);
    Properties props = new Properties();
    props.putAll(config.kafka());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    if (fast) {
      FastRestart.settings(config).forEach(props::putIfAbsent);
    }
    KafkaStreams streams = new KafkaStreams(CostTopology.build(config, metrics), props);
    long start = System.nanoTime();
    streams.start();
    Poll.await(LIMIT, () -> streams.state() == KafkaStreams.State.RUNNING, () -> "RUNNING, state " + streams.state());
    double toRunning = (System.nanoTime() - start) / 1e9;
    producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), 0, at.toEpochMilli(), null,
        Fixtures.body(Fixtures.cluster("ws-a", "gpu1", at, 1, 0.5, 2, 0)))).get();
    Poll.await(LIMIT, () -> metrics.firstInNanos() != 0, () -> "a record processed");
    return new Timing(streams, toRunning, (metrics.firstInNanos() - start) / 1e9);
  }
}
