package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU wasted for two hours, busy for two, wasted again for two, then busy: through {@code replay}, exactly two
 * alerts, each one OPEN, its UPDATEs and one RESOLVED; replaying the same file again publishes the same events.
 */
class LifecycleReplayIT {

  static final Instant T0 = Instant.parse("2026-11-21T06:00:00Z");

  @TempDir
  static Path dir;

  static Path metrics;

  @BeforeAll
  static void writeTelemetryAndReplayTwice() throws IOException {
    metrics = dir.resolve("wasted-busy-wasted.jsonl");
    List<String> lines = new ArrayList<>();
    int minute = 0;
    for (int[] phase : new int[][] {{120, 1}, {120, 90}, {120, 1}, {60, 90}}) {
      for (int m = 0; m < phase[0]; m++, minute++) {
        Instant t = T0.plusSeconds(60L * minute);
        lines.add(Fixtures.body(Fixtures.cluster("ws-vision", "gpu-a100", t, 1, phase[1], 2, 0)));
      }
    }
    Files.write(metrics, lines);
    for (String run : List.of("first", "second")) {
      assertEquals(0, Costwatch.execute("replay", "--metrics", metrics.toString(), "--out",
          dir.resolve(run).toString()));
    }
  }

  @Test
  void twoEpisodesEachOpenedOnceUpdatedAndResolvedOnce() throws IOException {
    Map<String, List<String>> byAlert = new LinkedHashMap<>();
    for (JsonNode a : ReplayCommandIT.lines(dir.resolve("first/alerts.jsonl"))) {
      byAlert.computeIfAbsent(a.get("alertId").asText(), id -> new ArrayList<>()).add(a.get("status").asText());
    }
    assertEquals(2, byAlert.size(), byAlert::toString);
    for (List<String> statuses : byAlert.values()) {
      assertEquals("OPEN", statuses.get(0), statuses::toString);
      assertEquals("RESOLVED", statuses.get(statuses.size() - 1), statuses::toString);
      assertTrue(statuses.subList(1, statuses.size() - 1).stream().allMatch("UPDATE"::equals), statuses::toString);
      assertEquals(1, statuses.stream().filter("OPEN"::equals).count());
    }
  }

  @Test
  void replayingAgainPublishesTheSameEvents() throws IOException {
    assertEquals(ReplayCommandIT.lines(dir.resolve("first/alerts.jsonl")),
        ReplayCommandIT.lines(dir.resolve("second/alerts.jsonl")));
  }
}
