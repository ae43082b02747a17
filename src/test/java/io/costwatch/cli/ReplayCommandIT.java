package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.contract.EventContract;
import io.costwatch.core.Json;
import io.costwatch.ingest.billing.ExportReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest end to end: real files, the real topology with exactly_once_v2 on the in-process KRaft broker, read
 * back from the output topics with read_committed, written to files. Run twice, on 1 and on 6 partitions, to show
 * that replaying the same input publishes the same alerts whatever the partitioning (the end-of-input markers reach
 * every task).
 */
class ReplayCommandIT {

  static final Path EA = Path.of("src/test/resources/billing/finops-toolkit-ea");
  static final Path FOCUS = Path.of("src/test/resources/billing/focus-sample");
  static final Path METRICS = Path.of("src/test/resources/examples/metrics-idle-then-busy.jsonl");

  @TempDir
  static Path tmp;

  static Path first;
  static Path second;

  @BeforeAll
  static void replayTwice() {
    first = tmp.resolve("first");
    second = tmp.resolve("second");
    for (Path out : List.of(first, second)) {
      int exit = Costwatch.execute("replay", "--billing", EA.toString(), FOCUS.toString(), "--metrics",
          METRICS.toString(), "--out", out.toString(), "--partitions", out == first ? "1" : "6");
      assertEquals(0, exit, "replay exit code");
    }
  }

  @Test
  void idleHourIsOneAlertOpenedOnceAndResolvedOnceAfterTheBusyHour() throws IOException {
    List<JsonNode> alerts = lines(first.resolve("alerts.jsonl"));
    List<String> statuses = alerts.stream().map(a -> a.get("status").asText()).toList();
    assertEquals("OPEN", statuses.get(0), statuses::toString);
    assertEquals("RESOLVED", statuses.get(statuses.size() - 1), statuses::toString);
    assertEquals(1, alerts.stream().map(a -> a.get("alertId").asText()).distinct().count(), statuses::toString);
    JsonNode open = alerts.get(0);
    assertEquals("GPU_IDLE", open.get("type").asText());
    assertEquals(Instant.parse("2026-11-20T08:15:00Z"), Instant.parse(open.get("windowEnd").asText()),
        "opens when the first idle window closes");
    assertTrue(open.get("resourceId").asText().endsWith("/workspaces/ws-vision/computes/gpu-a100"));
    assertEquals("USD", open.get("impact").get("currency").asText());
    assertTrue(open.get("trace").get("firstSource").asText().startsWith(METRICS.toString() + ":"));
    JsonNode resolved = alerts.get(alerts.size() - 1);
    assertEquals(Instant.parse("2026-11-20T09:00:00Z"), Instant.parse(resolved.at("/episode/lastSeen").asText()),
        "the last idle window ends at 09:00");
    List<JsonNode> recs = lines(first.resolve("recommendations.jsonl"));
    assertTrue(recs.size() >= 1);
    recs.forEach(r -> assertEquals("ENABLE_IDLE_SHUTDOWN", r.get("action").asText()));
    recs.forEach(r -> assertEquals(open.get("alertId").asText(), r.get("alertId").asText()));
  }

  @Test
  void badLinesAreDeadLetteredWithFileAndLineAndCountedInTheSummary() throws IOException {
    List<JsonNode> dead = lines(first.resolve("dead-letters.jsonl"));
    assertEquals(1, dead.size(), dead::toString);
    assertEquals("malformed-json", dead.get(0).get("reason").asText());
    assertEquals(METRICS + ":32", dead.get(0).get("source").asText());

    JsonNode summary = Json.MAPPER.readTree(first.resolve("summary.json").toFile());
    assertEquals(rowsIn(EA, FOCUS), summary.at("/recordsRead/billingRows").asLong());
    assertEquals(Files.readAllLines(METRICS).size(), summary.at("/recordsRead/metricEventBodies").asLong());
    assertEquals(1, summary.at("/rejected/total").asInt());
    assertEquals(lines(first.resolve("alerts.jsonl")).size(), summary.at("/alerts/byType/GPU_IDLE").asInt());
  }

  @Test
  void replayingTheSameInputOnOneAndOnSixPartitionsPublishesTheSameEvents() throws IOException {
    assertEquals(events(first), events(second));
    assertEquals(Files.readString(first.resolve("daily-spend.json")), Files.readString(second.resolve(
        "daily-spend.json")));
    assertEquals(lines(first.resolve("dead-letters.jsonl")).size(), lines(second.resolve("dead-letters.jsonl")).size());
  }

  /**
   * alertId -> its events in order, each as {@code alertId type status severity windowEnd impact} (the events of one
   * alert share a partition; different alerts interleave differently on 1 and on 6 partitions).
   */
  private static java.util.Map<String, List<String>> events(Path out) throws IOException {
    java.util.Map<String, List<String>> byAlert = new java.util.TreeMap<>();
    for (JsonNode a : lines(out.resolve("alerts.jsonl"))) {
      byAlert.computeIfAbsent(a.get("alertId").asText(), k -> new ArrayList<>()).add(LiveFeed.digest(a.toString()));
    }
    return byAlert;
  }

  private static long rowsIn(Path... paths) {
    AtomicLong rows = new AtomicLong();
    new ExportReader().read(List.of(paths), row -> rows.incrementAndGet());
    return rows.get();
  }

  /** Short scope -> type of every alert that opened. */
  static java.util.Map<String, String> openedByScope(List<JsonNode> alerts) {
    java.util.Map<String, String> opened = new java.util.TreeMap<>();
    alerts.stream().filter(a -> a.get("status").asText().equals("OPEN"))
        .forEach(a -> opened.put(AlertPrinter.shortScope(a.get("resourceId").asText()), a.get("type").asText()));
    return opened;
  }

  /** The events of a replay output file, each validated against the schema of the topic it was read from. */
  static List<JsonNode> lines(Path file) throws IOException {
    String topic = REPLAY_FILES.get(file.getFileName().toString());
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (topic != null) {
        EventContract.assertValid(topic, line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      out.add(Json.MAPPER.readTree(line));
    }
    return out;
  }

  /** The topic each file written by {@code replay} holds the events of. */
  static final java.util.Map<String, String> REPLAY_FILES = java.util.Map.of(
      "alerts.jsonl", io.costwatch.topology.Topics.ALERTS.name(),
      "recommendations.jsonl", io.costwatch.topology.Topics.RECOMMENDATIONS.name(),
      "dead-letters.jsonl", io.costwatch.topology.Topics.DEAD_LETTERS.name());
}
