package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.config.AppConfig;
import io.costwatch.testing.Fixtures;
import io.costwatch.testing.Poll;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful close and a restart on the same state directory under exactly_once_v2 wipe no task: no store is taken
 * for corrupted ("did not find checkpoint offsets while stores are not empty"), which Kafka Streams 4.4 did for the
 * persistent window store {@code usage-by-scope-store} on every restart. A sentinel file in each task directory
 * survives only if the task's state was not wiped.
 */
class GracefulRestartIT {

  @TempDir
  Path tmp;

  @Test
  void aRestartAfterACleanCloseWipesNoTask() throws Exception {
    AppConfig config = Fixtures.config().withApplication("costwatch-restart", tmp.resolve("state"));
    try (KafkaConnection kafka = KafkaConnection.temporary(config)) {
      kafka.createTopics(false);
      StreamsRuntime runtime = StreamsRuntime.start(config, kafka, PipelineMetrics.NONE);
      try {
        runtime.awaitRunning(Duration.ofMinutes(2));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
            new StringSerializer(), new StringSerializer())) {
          Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
          for (String line : Fixtures.cluster("ws-a", "gpu1", t0, 20, 0.5, 2, 0)) {
            producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), "k", Fixtures.body(List.of(line))));
          }
          producer.flush();
        }
        Path appDir = config.stateDir().resolve(config.applicationId());
        Poll.await(Duration.ofMinutes(2), () -> !storeDirs(appDir).isEmpty(), () -> "a task wrote a RocksDB store");
      } finally {
        runtime.close();
      }
      assertEquals(KafkaStreams.State.NOT_RUNNING, runtime.streams().state(), "closed cleanly");
      Path appDir = config.stateDir().resolve(config.applicationId());
      List<Path> tasks = storeDirs(appDir);
      assertFalse(tasks.isEmpty());
      for (Path task : tasks) {
        Files.writeString(task.resolve("sentinel"), "kept unless the task's state is wiped");
      }
      StreamsRuntime again = StreamsRuntime.start(config, kafka, PipelineMetrics.NONE);
      try {
        again.awaitRunning(Duration.ofMinutes(2));
        Poll.await(Duration.ofMinutes(2), () -> again.streams().metadataForLocalThreads().stream()
            .mapToInt(t -> t.activeTasks().size()).sum() == taskCount(appDir),
            () -> "every task active");
        Poll.await(Duration.ofMinutes(1), () -> again.streams().metadataForLocalThreads().stream()
            .allMatch(t -> t.threadState().equals("RUNNING")), () -> "threads running");
      } finally {
        again.close();
      }
      List<Path> wiped = tasks.stream().filter(t -> !Files.exists(t.resolve("sentinel"))).toList();
      assertEquals(List.of(), wiped, () -> "restarted tasks wiped their state: " + listing(appDir));
    }
  }

  private static int taskCount(Path appDir) {
    try (Stream<Path> tasks = Files.list(appDir)) {
      // task directories are named <subtopology>_<partition>; "global" holds the global tables' stores
      return (int) tasks.filter(Files::isDirectory).filter(t -> t.getFileName().toString().matches("\\d+_\\d+"))
          .count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String listing(Path dir) {
    try (Stream<Path> all = Files.walk(dir, 3)) {
      return all.map(p -> dir.relativize(p).toString()).sorted().toList().toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Task directories that hold a RocksDB store. */
  private static List<Path> storeDirs(Path appDir) {
    if (!Files.isDirectory(appDir)) {
      return List.of();
    }
    try (Stream<Path> tasks = Files.list(appDir)) {
      return tasks.filter(t -> Files.isDirectory(t.resolve("rocksdb"))).toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
