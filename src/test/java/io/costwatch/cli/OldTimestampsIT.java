package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.ingest.demo.DemoEvent;
import io.costwatch.testing.CostwatchProcess;
import io.costwatch.testing.Poll;
import io.costwatch.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry and billing stamped months in the past, backfilled into a broker with Kafka's defaults, as a user's
 * cluster has them: {@code producer.id.expiration.ms} of one day (the broker forgets an idempotent producer whose
 * last record's timestamp is older) and timestamps at most one hour ahead. Only the expiry check runs every second
 * instead of every ten minutes, so an expiry between two transactions happens during the test.
 */
class OldTimestampsIT {

  /** Kafka's defaults, but the expiry check every second (default 10 min). */
  static final EmbeddedKafka.Options DEFAULT_BROKER = EmbeddedKafka.Options.DEFAULT.withBrokerDefaults()
      .with("producer.id.expiration.check.interval.ms", "1000");

  @TempDir
  Path dir;

  @Test
  void backfillOfMonthsOldEventsThroughRunSucceedsOnADefaultBroker() {
    Instant end = Instant.now().minus(Duration.ofDays(120)).truncatedTo(ChronoUnit.DAYS);
    List<DemoEvent> events = LiveFeed.workload(end);
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0, true, DEFAULT_BROKER)) {
      LiveFeed.createTopics(broker.bootstrapServers());
      try (LiveFeed feed = new LiveFeed(broker.bootstrapServers());
          CostwatchProcess run = CrashRecoveryIT.start(dir, "run", broker.bootstrapServers())) {
        run.awaitLog("costwatch run: RUNNING", Duration.ofMinutes(3));
        // in slices with pauses longer than the expiry check, so producer state expires between transactions
        for (List<DemoEvent> slice : CrashRecoveryIT.chunks(events, 4, new Random(1))) {
          feed.send(slice);
          LockSupport.parkNanos(Duration.ofMillis(2_500).toNanos());
        }
        assertBrokerForgetsProducersOf(broker, Topics.METRICS_RAW.name());
        feed.finish(end.plus(Duration.ofDays(2)));
        feed.awaitEndOfInput(Duration.ofMinutes(4), () -> assertTrue(run.isAlive(), run::tail));
        List<JsonNode> alerts = new ArrayList<>();
        for (var record : feed.committed(Topics.ALERTS.name())) {
          alerts.add(Json.MAPPER.readTree(record.value()));
        }
        assertEquals(DemoCommandIT.OPENED, ReplayCommandIT.openedByScope(alerts));
        for (String failure : List.of("OutOfOrderSequence", "UnknownProducerId", "UNKNOWN_PRODUCER_ID",
            "InvalidTimestamp", "stream thread failed")) {
          assertFalse(run.stderr().contains(failure), () -> failure + " in\n" + run.stderr());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void replayOfMonthsOldFilesSucceedsOnADefaultBroker() throws Exception {
    Instant end = Instant.now().minus(Duration.ofDays(120)).truncatedTo(ChronoUnit.DAYS);
    Path in = dir.resolve("in");
    DemoFiles.write(LiveFeed.workload(end), in);
    ReplayCommand replay = new ReplayCommand();
    // replay's own broker must still accept its end-of-input markers, a year ahead of the wall clock
    replay.broker = DEFAULT_BROKER.with("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
    Path out = dir.resolve("out");
    assertEquals(0, new CommandLine(replay).execute("--billing", in.resolve("billing").toString(), "--metrics",
        in.resolve("metrics.jsonl").toString(), "--out", out.toString()));
    assertEquals(DemoCommandIT.OPENED, ReplayCommandIT.openedByScope(ReplayCommandIT.lines(out.resolve(
        "alerts.jsonl"))));
  }

  /**
   * The premise: the months-old records Streams wrote make the broker drop its producers' state once they are idle,
   * so whatever Streams writes next comes from producers the partition no longer knows.
   */
  private static void assertBrokerForgetsProducersOf(EmbeddedKafka broker, String topic) {
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Poll.await(Duration.ofSeconds(60), () -> {
        try {
          return admin.describeProducers(List.of(partition)).partitionResult(partition).get().activeProducers()
              .isEmpty();
        } catch (InterruptedException | ExecutionException e) {
          throw new IllegalStateException(e);
        }
      }, () -> "the broker to expire the producers of " + partition);
    }
  }
}
