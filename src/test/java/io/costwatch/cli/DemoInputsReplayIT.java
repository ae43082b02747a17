package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's input written as files (an EA export and Event Hubs bodies in both the diagnostic-settings and the
 * DCR-export shape) and replayed: every waste case is found from files too, with the same alerts as the demo.
 */
class DemoInputsReplayIT {

  @TempDir
  Path dir;

  @Test
  void replayOfTheDemoFilesFindsEveryWasteCase() throws IOException {
    assertEquals(0, Costwatch.execute("demo", "--write-inputs", dir.resolve("in").toString()));
    assertEquals(0, Costwatch.execute("replay", "--billing", dir.resolve("in/billing").toString(), "--metrics",
        dir.resolve("in/metrics.jsonl").toString(), "--out", dir.resolve("out").toString()));

    List<JsonNode> alerts = ReplayCommandIT.lines(dir.resolve("out/alerts.jsonl"));
    Map<String, String> opened = ReplayCommandIT.openedByScope(alerts);
    // without the demo's configured sizes, replay prices with billing's AdditionalInfo or the default size
    assertEquals(DemoCommandIT.OPENED, opened);
    List<JsonNode> dead = ReplayCommandIT.lines(dir.resolve("out/dead-letters.jsonl"));
    assertEquals(List.of("bad-number", "malformed-json", "unknown-metric"),
        dead.stream().map(d -> d.get("reason").asText()).sorted().toList());
    dead.forEach(d -> org.junit.jupiter.api.Assertions.assertTrue(
        d.get("source").asText().startsWith(dir.resolve("in/metrics.jsonl") + ":"), d::toString));
  }
}
