package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.TableUpdates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded run keeps a record cache for the processors' own stores and none for its tables ({@link TableUpdates}):
 * the cache merges a processor's repeated writes of a key, and must not change anything the run publishes. The same
 * billing input, replayed once with no record cache at all (as bounded runs had it before) and once with a large
 * cache and a long commit interval (many updates of a key inside one commit, flushed together), publishes the same
 * alerts, the same final daily spend, and as many daily spend updates of every day: a table whose updates the cache
 * merged would publish fewer, and fewer the longer the commit interval. (The order in which one day's updates arrive
 * is not compared: line items reach their day's task from several line-item tasks through the {@code spend-by-day}
 * repartition topic, interleaved as those tasks commit, with or without a cache; which is why the final daily spend
 * is compared without the source of its last update.) The input has what makes a table key change many times: 30
 * month-to-date runs of one export that restate, rerate and retract rows ({@link MonthToDateReplayIT}), then its
 * closing export, and the EA and FOCUS samples.
 */
class ReplayRecordCacheIT {

  @TempDir
  static Path tmp;

  static Published uncached;
  static Published cached;

  /**
   * What a bounded run published: per workspace, currency and day its final spend (amount, line items and drivers)
   * and how many updates it had; per alert its events in order (without their trace, which names source lines).
   */
  record Published(Map<String, String> finalSpend, Map<String, Integer> updates, Map<String, List<String>> alerts,
      int deadLetters) {
  }

  @BeforeAll
  static void replayWithAndWithoutCache() throws IOException {
    Path daily = tmp.resolve("daily-exports");
    for (int run = 1; run <= MonthToDateReplayIT.DAYS; run++) {
      MonthToDateReplayIT.write(daily.resolve(String.format("2026-09/run-%02d/ActualCost_202609.csv", run)), run,
          true);
    }
    MonthToDateReplayIT.write(daily.resolve("2026-10-closing/ActualCost_202609.csv"), MonthToDateReplayIT.DAYS,
        false);
    List<Path> input = List.of(daily, ReplayCommandIT.EA, ReplayCommandIT.FOCUS);
    uncached = replay(input, Map.of("KAFKA_STATESTORE_CACHE_MAX_BYTES", "0"));
    cached = replay(input, Map.of("KAFKA_STATESTORE_CACHE_MAX_BYTES", Long.toString(64L << 20),
        "KAFKA_COMMIT_INTERVAL_MS", "2000"));
  }

  @Test
  void theInputChangesTableKeysManyTimesAndRaisesASpendAlert() {
    assertTrue(uncached.updates().values().stream().anyMatch(n -> n > 5),
        () -> "a day restated by later runs is published many times: " + uncached.updates());
    assertTrue(uncached.alerts().values().stream().flatMap(List::stream).anyMatch(a -> a.contains(" SPEND_SPIKE ")),
        () -> "a spend alert: " + uncached.alerts());
  }

  @Test
  void withTheRecordCacheEveryDailySpendUpdateIsStillPublished() {
    assertEquals(uncached.updates(), cached.updates());
  }

  @Test
  void withTheRecordCacheTheFinalDailySpendIsTheSame() {
    assertEquals(uncached.finalSpend(), cached.finalSpend());
  }

  @Test
  void withTheRecordCacheTheAlertsAreTheSame() {
    assertEquals(uncached.alerts(), cached.alerts());
    assertEquals(uncached.deadLetters(), cached.deadLetters());
  }

  /** As {@code costwatch replay --billing} runs, with {@code kafka} as a user's {@code KAFKA_*} variables. */
  private static Published replay(List<Path> input, Map<String, String> kafka) throws IOException {
    Map<String, String> env = new TreeMap<>(kafka);
    AppConfig config = ConfigLoader.load(env);
    Path work = Files.createDirectories(tmp.resolve("work-" + env.hashCode()));
    try (BoundedRun run = BoundedRun.start(config, "replay", PipelineMetrics.NONE, event -> { }, work,
        EmbeddedKafka.Options.DEFAULT, BoundedRun.DEFAULT_PARTITIONS, BoundedRun.Pace.THROUGHPUT)) {
      ExportRunPublisher publisher = new ExportRunPublisher(new BillingRowParser(),
          (key, row) -> run.sendBilling(key, row, null), run::flush);
      new ExportReader().read(input, publisher::row, publisher::runEnd);
      run.finish(Duration.ofMinutes(5));
      OutputCollector outputs = run.outputs();
      Map<String, String> finalSpend = new TreeMap<>();
      outputs.dailySpend().forEach((key, d) -> finalSpend.put(key, d.amount().stripTrailingZeros().toPlainString()
          + " " + d.lineItems() + " " + d.drivers()));
      Map<String, Integer> updates = new TreeMap<>();
      outputs.dailySpendUpdates().forEach((key, all) -> updates.put(key, all.size()));
      Map<String, List<String>> alerts = new TreeMap<>();
      outputs.alerts().forEach(a -> alerts.computeIfAbsent(a.alertId(), k -> new ArrayList<>()).add(digest(a)));
      return new Published(finalSpend, updates, alerts, outputs.deadLetters().size());
    }
  }

  private static String digest(AlertEvent a) {
    return String.join(" ", a.alertId(), a.type(), String.valueOf(a.status()), String.valueOf(a.severity()),
        String.valueOf(a.windowStart()), String.valueOf(a.windowEnd()), String.valueOf(a.observed()),
        String.valueOf(a.expected()), String.valueOf(a.impact()), String.valueOf(a.episode()));
  }
}
