package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through {@code replay} on the in-process broker: a spend spike in one export run that the next run of the same
 * export no longer has. A bounded run judges billing days at its end only, on the data as corrected, so the replay
 * raises no alert and the day's total is the later run's. (A running service judges days as they settle and
 * revises an alert when a later run corrects its day: {@code ExportRetractionTest}, {@code AlertLifecycleTest}.)
 */
class BillingCorrectionReplayIT {

  static final LocalDate FIRST = LocalDate.of(2026, 9, 1);

  @TempDir
  Path tmp;

  @Test
  void aSpikeRemovedByTheNextRunIsJudgedOnTheCorrectedData() throws IOException {
    Path exports = tmp.resolve("exports");
    write(exports.resolve("run-1/ActualCost_202609.csv"), true);
    write(exports.resolve("run-2/ActualCost_202609.csv"), false);
    Path spikeOnly = tmp.resolve("spike-only");
    write(spikeOnly.resolve("run-1/ActualCost_202609.csv"), true);

    assertEquals(0, Costwatch.execute("replay", "--billing", exports.toString(), "--out",
        tmp.resolve("out").toString()));
    assertEquals(0, Costwatch.execute("replay", "--billing", spikeOnly.toString(), "--out",
        tmp.resolve("out-spike").toString()));

    List<JsonNode> withSpike = ReplayCommandIT.lines(tmp.resolve("out-spike/alerts.jsonl"));
    assertEquals(List.of("OPEN 2026-09-10", "RESOLVED 2026-09-10"), withSpike.stream()
        .map(a -> a.get("status").asText() + " " + a.get("windowStart").asText().substring(0, 10)).toList(),
        "the first run alone has the spike");
    List<JsonNode> alerts = ReplayCommandIT.lines(tmp.resolve("out/alerts.jsonl"));
    assertEquals(List.of(), alerts, "the second run retracted the spike row before day 10 was judged");
    JsonNode days = Json.MAPPER.readTree(tmp.resolve("out/daily-spend.json").toFile())
        .get(Fixtures.workspaceId("ws-a").toLowerCase()).get("USD");
    assertEquals(0, new BigDecimal("100").compareTo(new BigDecimal(days.get("2026-09-10").asText())),
        days::toString);
  }

  private static void write(Path file, boolean withSpike) throws IOException {
    List<RawBillingRow> rows = new ArrayList<>();
    for (int d = 0; d < 14; d++) {
      rows.add(Fixtures.eaRow("x", 1, "ws-a", "gpu1", FIRST.plusDays(d), "100.00", "Usage", "m1"));
      if (withSpike && d == 9) {
        rows.add(Fixtures.eaRow("x", 1, "ws-a", "gpu2", FIRST.plusDays(d), "900.00", "Usage", "m2"));
      }
    }
    Fixtures.writeEaExport(file, rows);
  }
}
