package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.testing.Poll;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo's input written as files (an EA export and Event Hubs bodies in both the diagnostic-settings and the
 * DCR-export shape) and replayed: every waste case is found from files too, with the same alerts as the demo. The
 * same files fed to a live {@code costwatch run} with {@code ingest} (billing keyed by export scope, metrics bodies
 * by the resource id of their first record, as the bridge keys them, so spread over the raw topics' 6 partitions)
 * give the same alerts as their replay, spend alerts included when the billing ingest says it was the last of the
 * period ({@code --final}).
 */
class DemoInputsReplayIT {

  @TempDir
  static Path dir;

  static List<JsonNode> replayed;

  @BeforeAll
  static void writeAndReplay() throws IOException {
    assertEquals(0, Costwatch.execute("demo", "--write-inputs", dir.resolve("in").toString()));
    assertEquals(0, Costwatch.execute("replay", "--billing", dir.resolve("in/billing").toString(), "--metrics",
        dir.resolve("in/metrics.jsonl").toString(), "--out", dir.resolve("out").toString()));
    replayed = ReplayCommandIT.lines(dir.resolve("out/alerts.jsonl"));
  }

  @Test
  void replayOfTheDemoFilesFindsEveryWasteCase() throws IOException {
    Map<String, String> opened = ReplayCommandIT.openedByScope(replayed);
    // without the demo's configured sizes, replay prices with billing's AdditionalInfo or the default size
    assertEquals(DemoCommandIT.OPENED, opened);
    List<JsonNode> dead = ReplayCommandIT.lines(dir.resolve("out/dead-letters.jsonl"));
    assertEquals(List.of("bad-number", "malformed-json", "unknown-metric"),
        dead.stream().map(d -> d.get("reason").asText()).sorted().toList());
    dead.forEach(d -> org.junit.jupiter.api.Assertions.assertTrue(
        d.get("source").asText().startsWith(dir.resolve("in/metrics.jsonl") + ":"), d::toString));
  }

  /**
   * {@code run} has no end of input: the last windows of every scope close by the (short) idle timeout, so the test
   * polls the alert topic until the alerts are there. A live run judges a billing day once a later charge day shows
   * its lateness has passed, so the demo's last days (the spend spike is on the last but one) would wait for more
   * billing data; {@code ingest billing --final} ends the billing input, so every pending day up to the newest charge
   * day is judged now, as replay's end of input judges it, and the spend alerts are the same too.
   */
  @Test
  void runPlusIngestOfTheDemoFilesWithFinalBillingPublishesTheSameAlertsAsTheirReplay() throws Exception {
    Map<String, String> expected = latestByAlert(replayed.stream().map(JsonNode::toString).toList());
    org.junit.jupiter.api.Assertions.assertTrue(expected.values().stream().anyMatch(DemoInputsReplayIT::isSpend),
        () -> "the replay has a spend alert to compare: " + expected);
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
          "COSTWATCH_STATE_DIR", dir.resolve("run-state").toString(),
          "COSTWATCH_HTTP_PORT", "0",
          "COSTWATCH_METRICS_IDLE_TIMEOUT", "PT5S",
          "COSTWATCH_BILLING_SETTLE", "PT5S");
      RunCommand run = new RunCommand();
      run.env = env;
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
        try {
          return run.call();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        Poll.await(Duration.ofMinutes(3), () -> run.httpPort > 0 || exit.isDone(), () -> "run to be RUNNING");
        IngestCommand.Billing billing = new IngestCommand.Billing();
        billing.env = env;
        assertEquals(0, execute(billing, dir.resolve("in/billing").toString(), "--final"));
        // as replay does: telemetry only once the VM sizes billing taught are in every instance's global table (a
        // live feed has its billing long before; without the wait this test compared two timings, not two results)
        ReferenceDataBarrier.await(Map.of("bootstrap.servers", broker.bootstrapServers()), run.applicationId,
            () -> run.runtime.streams(), Duration.ofMinutes(3), () -> { });
        IngestCommand.Metrics metrics = new IngestCommand.Metrics();
        metrics.env = env;
        assertEquals(0, execute(metrics, dir.resolve("in/metrics.jsonl").toString()));
        Map<String, String> published = new TreeMap<>();
        try (KafkaConsumer<String, String> alerts = alertConsumer(broker)) {
          List<String> seen = new java.util.ArrayList<>();
          Poll.await(Duration.ofMinutes(3), () -> {
            if (exit.isDone()) {
              return true;
            }
            alerts.poll(Duration.ofMillis(500)).forEach(r -> seen.add(r.value()));
            published.clear();
            published.putAll(latestByAlert(seen));
            return published.equals(expected);
          }, () -> "the replay's alerts " + expected + "; published so far " + published);
        }
        assertEquals(expected, published);
      } finally {
        run.stop.countDown();
        exit.handle((code, e) -> code).get(2, TimeUnit.MINUTES);
      }
    }
  }

  private static boolean isSpend(String digest) {
    return digest.startsWith("SPEND_SPIKE ");
  }

  private static int execute(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    int code = cli.execute(args);
    System.err.println(out);
    return code;
  }

  private static KafkaConsumer<String, String> alertConsumer(EmbeddedKafka broker) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", false);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new StringDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /**
   * alertId -> {@code type status severity windowEnd impact} of its latest event (events of one alert share a
   * partition, so their order is the topic's).
   */
  private static Map<String, String> latestByAlert(List<String> alertJson) {
    Map<String, String> latest = new TreeMap<>();
    for (String json : alertJson) {
      String digest = LiveFeed.digest(json);
      latest.put(digest.substring(0, digest.indexOf(' ')), digest.substring(digest.indexOf(' ') + 1));
    }
    return latest;
  }
}
