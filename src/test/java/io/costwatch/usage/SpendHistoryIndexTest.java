package io.costwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.costwatch.core.AzureResourceId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The per-day store keeps exactly the days the whole-history value kept: random sequences of late, early, repeated
 * and far-future days, with days judged in between, applied both to {@link SpendHistory#with(DailySpend, int, int)}
 * and to a day map trimmed at {@link SpendHistoryIndex#keepFrom}, leave the same days, and the history read back
 * with {@link SpendHistory#of} has the same series.
 */
class SpendHistoryIndexTest {

  private static final AzureResourceId WS = AzureResourceId.workspace("/subscriptions/s/resourcegroups/rg/providers/"
      + "microsoft.machinelearningservices/workspaces/ws-a");
  private static final LocalDate START = LocalDate.parse("2026-01-01");
  private static final int KEEP = 5;
  private static final int MAX = 20;

  @Test
  void keepsTheSameDaysAsTheWholeHistoryValue() {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      SpendHistory whole = SpendHistory.start(WS, "USD");
      SpendHistoryIndex index = SpendHistoryIndex.start(WS, "USD");
      TreeMap<LocalDate, DailySpend> days = new TreeMap<>();
      int newest = 0;
      for (int step = 0; step < 60; step++) {
        int offset = switch (random.nextInt(6)) {
          case 0 -> newest + 1 + random.nextInt(30);
          case 1 -> Math.max(0, newest - random.nextInt(40));
          default -> newest + random.nextInt(3);
        };
        newest = Math.max(newest, offset);
        LocalDate day = START.plusDays(offset);
        DailySpend spend = new DailySpend(DailySpend.SCHEMA_VERSION, WS, "USD", day, BigDecimal.valueOf(step), 1,
            null, Map.of(), Map.of(), Map.of());
        // days about to leave the maximum are judged first (as the processor does before trimming)
        if (!days.isEmpty()) {
          LocalDate lastDropped = START.plusDays(newest).minusDays(MAX + 1);
          if (!index.firstUnjudged().isAfter(lastDropped)) {
            index = index.evaluatedThrough(lastDropped);
            whole = whole.evaluatedThrough(lastDropped);
          }
        }
        LocalDate keepFrom = index.keepFrom(day, KEEP, MAX);
        if (!day.isBefore(keepFrom)) {
          days.put(day, spend);
        }
        days.headMap(keepFrom).clear();
        index = index.withDays(days.firstKey(), days.lastKey());
        whole = whole.with(spend, KEEP, MAX);
        assertEquals(whole.series().keySet(), days.keySet(), "seed " + seed + ", step " + step);
        assertEquals(whole.series(), SpendHistory.of(WS, "USD", days.values(), index.lastEvaluated(), null).series(),
            "seed " + seed + ", step " + step);
        if (random.nextInt(4) == 0) {
          LocalDate judged = days.lastKey().minusDays(random.nextInt(4));
          if (index.lastEvaluated() == null || judged.isAfter(index.lastEvaluated())) {
            index = index.evaluatedThrough(judged);
            whole = whole.evaluatedThrough(judged);
          }
        }
      }
    }
  }
}
