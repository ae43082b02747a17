package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cost Management's daily month-to-date exports restate the whole month every day, and rerate the newest day in
 * the next run; a row can also vanish from later runs (Cost Management removed it). Replaying the 30 daily files of a
 * month, followed by the month's closing export, must give exactly what replaying the closing export alone gives:
 * the same daily totals and the same alerts.
 */
class MonthToDateReplayIT {

  static final LocalDate FIRST = LocalDate.of(2026, 9, 1);
  static final int DAYS = 30;
  static final int SPIKE_DAY = 21;
  static final int GHOST_DAY = 5;
  static final int GHOST_LAST_RUN = 15;

  @TempDir
  static Path tmp;

  static Path daily;
  static Path finalFile;

  @BeforeAll
  static void writeExportsAndReplayBoth() throws IOException {
    daily = tmp.resolve("daily-exports");
    Files.createDirectories(daily);
    for (int run = 1; run <= DAYS; run++) {
      // each run restates days 1..run; the newest day is preliminary (rerated by 10 % in the next run)
      write(daily.resolve(String.format("2026-09/run-%02d/ActualCost_202609.csv", run)), run, true);
    }
    finalFile = tmp.resolve("final/ActualCost_202609.csv");
    write(finalFile, DAYS, false);
    // the month's closing export (after the invoice closes) lands in the same folder, after the 30 daily runs
    write(daily.resolve("2026-10-closing/ActualCost_202609.csv"), DAYS, false);
    assertEquals(0, Costwatch.execute("replay", "--billing", daily.toString(), "--out",
        tmp.resolve("out-daily").toString()));
    assertEquals(0, Costwatch.execute("replay", "--billing", finalFile.toString(), "--out",
        tmp.resolve("out-final").toString()));
  }

  @Test
  void thirtyDailyRunsGiveExactlyTheTotalsOfTheFinalFile() throws IOException {
    JsonNode fromDaily = Json.MAPPER.readTree(tmp.resolve("out-daily/daily-spend.json").toFile());
    JsonNode fromFinal = Json.MAPPER.readTree(tmp.resolve("out-final/daily-spend.json").toFile());
    assertEquals(fromFinal, fromDaily);
    JsonNode days = fromFinal.get(Fixtures.workspaceId("ws-a").toLowerCase()).get("USD");
    assertEquals(DAYS, days.size(), "one usage total per day; the purchase is not usage");
    BigDecimal expected = finalUsageTotal();
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode d : days) {
      sum = sum.add(new BigDecimal(d.asText()));
    }
    assertEquals(0, expected.compareTo(sum), "sum of daily totals " + sum + " vs the final file's usage " + expected);
  }

  @Test
  void thirtyDailyRunsGiveTheSameAlertsAsTheFinalFile() throws IOException {
    List<String> fromDaily = alerts(tmp.resolve("out-daily"));
    List<String> fromFinal = alerts(tmp.resolve("out-final"));
    assertEquals(fromFinal, fromDaily);
    assertTrue(fromFinal.stream().anyMatch(a -> a.contains("SPEND_SPIKE OPEN 2026-09-22")), fromFinal::toString);
    JsonNode summary = Json.MAPPER.readTree(tmp.resolve("out-daily/summary.json").toFile());
    assertEquals(0, summary.at("/rejected/total").asInt());
    assertEquals(DAYS * (DAYS + 1) / 2 * 2 + (DAYS - 9) + (GHOST_LAST_RUN - GHOST_DAY + 1) + (DAYS * 2 + 1),
        summary.at("/recordsRead/billingRows").asLong(),
        "30 runs restating 2 rows per day, the purchase row from day 10 on, the removed row in runs 5..15, and the "
            + "closing export");
  }

  private static List<String> alerts(Path out) throws IOException {
    List<String> list = new ArrayList<>();
    for (JsonNode a : ReplayCommandIT.lines(out.resolve("alerts.jsonl"))) {
      list.add(a.get("alertId").asText() + " " + a.get("type").asText() + " " + a.get("status").asText() + " "
          + a.get("windowEnd").asText().substring(0, 10) + " " + a.at("/impact/amount").asText());
    }
    return list;
  }

  /** Final (rerated) cost of a usage row: weekdays busier, a spike on {@link #SPIKE_DAY} on gpu2. */
  static BigDecimal cost(int day, int compute) {
    Random random = new Random(day * 31L + compute);
    LocalDate date = FIRST.plusDays(day - 1);
    boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
    double base = (compute == 1 ? 80 : 40) * (weekend ? 0.6 : 1.0) * (0.95 + 0.1 * random.nextDouble());
    if (day == SPIKE_DAY && compute == 2) {
      base += 600;
    }
    return BigDecimal.valueOf(base).setScale(4, RoundingMode.HALF_UP);
  }

  private static BigDecimal finalUsageTotal() {
    BigDecimal total = BigDecimal.ZERO;
    for (int day = 1; day <= DAYS; day++) {
      total = total.add(cost(day, 1)).add(cost(day, 2));
    }
    return total;
  }

  static void write(Path file, int throughDay, boolean preliminaryLastDay) throws IOException {
    List<RawBillingRow> rows = new ArrayList<>();
    for (int day = 1; day <= throughDay; day++) {
      for (int compute = 1; compute <= 2; compute++) {
        BigDecimal cost = cost(day, compute);
        if (preliminaryLastDay && day == throughDay) {
          cost = cost.multiply(new BigDecimal("0.9")).setScale(4, RoundingMode.HALF_UP);
        }
        rows.add(Fixtures.eaRow("x", 1, "ws-a", "gpu" + compute, FIRST.plusDays(day - 1), cost.toPlainString(),
            "Usage", "meter-" + compute));
      }
      if (day == GHOST_DAY && preliminaryLastDay && throughDay <= GHOST_LAST_RUN) {
        // a row Cost Management later removed: daily runs 5..15 have it, later runs and the closing export not
        rows.add(Fixtures.eaRow("x", 1, "ws-a", "gpu3", FIRST.plusDays(day - 1), "333.0000", "Usage", "meter-3"));
      }
      if (day == 10) {
        rows.add(Fixtures.eaRow("x", 1, "ws-a", null, FIRST.plusDays(day - 1), "25000", "Purchase", "reservation"));
      }
    }
    Fixtures.writeEaExport(file, rows);
  }
}
