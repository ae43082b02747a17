package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.testing.Fixtures;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through {@code replay} on the in-process broker: a spend spike alerted from one export run, then removed by the
 * next run of the same export, revises that same alert (RESOLVED, retracted, zero waste) instead of leaving it or
 * opening another, and the day's total is the later run's.
 */
class BillingCorrectionReplayIT {

  static final LocalDate FIRST = LocalDate.of(2026, 9, 1);

  @TempDir
  Path tmp;

  @Test
  void aSpikeRemovedByTheNextRunRevisesItsAlert() throws IOException {
    Path exports = tmp.resolve("exports");
    write(exports.resolve("run-1/ActualCost_202609.csv"), true);
    write(exports.resolve("run-2/ActualCost_202609.csv"), false);

    assertEquals(0, Costwatch.execute("replay", "--billing", exports.toString(), "--out",
        tmp.resolve("out").toString()));

    List<JsonNode> alerts = ReplayCommandIT.lines(tmp.resolve("out/alerts.jsonl"));
    List<String> seen = alerts.stream().map(a -> a.get("status").asText() + " " + a.get("windowStart").asText()
        .substring(0, 10) + " " + a.at("/episode/totalWaste/amount").asText()).toList();
    assertEquals(3, alerts.size(), seen::toString);
    assertEquals(1, alerts.stream().map(a -> a.get("alertId").asText()).distinct().count(), seen::toString);
    assertEquals("OPEN 2026-09-10", seen.get(0).substring(0, 15), seen::toString);
    assertEquals("RESOLVED 2026-09-10", seen.get(1).substring(0, 19), seen::toString);
    JsonNode revised = alerts.get(2);
    assertEquals("RESOLVED", revised.get("status").asText());
    assertEquals(0, new BigDecimal(revised.at("/episode/totalWaste/amount").asText()).signum(), seen::toString);
    assertTrue(revised.get("summary").asText().contains("retracted"), revised.get("summary").asText());

    JsonNode days = Json.MAPPER.readTree(tmp.resolve("out/daily-spend.json").toFile())
        .get(Fixtures.workspaceId("ws-a").toLowerCase()).get("USD");
    assertEquals(0, new BigDecimal("100").compareTo(new BigDecimal(days.get("2026-09-10").asText())),
        days::toString);
  }

  private static void write(Path file, boolean withSpike) throws IOException {
    Files.createDirectories(file.getParent());
    List<String> header = new ArrayList<>(Fixtures.eaRow("x", 1, "ws-a", "gpu1", FIRST, "1", "Usage", "m")
        .columns().keySet());
    try (Writer w = Files.newBufferedWriter(file);
        CSVPrinter csv = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new))
            .get())) {
      for (int d = 0; d < 14; d++) {
        print(csv, header, Fixtures.eaRow("x", 1, "ws-a", "gpu1", FIRST.plusDays(d), "100.00", "Usage", "m1"));
        if (withSpike && d == 9) {
          print(csv, header, Fixtures.eaRow("x", 1, "ws-a", "gpu2", FIRST.plusDays(d), "900.00", "Usage", "m2"));
        }
      }
    }
  }

  private static void print(CSVPrinter csv, List<String> header, io.costwatch.ingest.RawBillingRow row)
      throws IOException {
    Map<String, String> columns = row.columns();
    csv.printRecord(header.stream().map(columns::get).toList());
  }
}
