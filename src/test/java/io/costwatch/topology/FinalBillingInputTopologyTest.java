package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.testing.Fixtures;
import io.costwatch.usage.DailySpend;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live end of billing input ({@code costwatch ingest billing --final}, raw key {@link FlushMarker#FINAL_KEY}) in
 * a live-configured topology (billing settles on the wall clock): it judges every pending day up to the newest charge
 * day as a replay's end of input does, and leaves the pipeline as it was. The spend clock stays on the newest charge
 * day, later rows are aggregated and judged as before, a day it judged and that changes later is judged again, a
 * second {@code --final} completes its own round, and every record it causes carries its own (present) time.
 */
class FinalBillingInputTopologyTest {

  private static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
  /** When the markers are sent: the wall clock of the test, after every charge day. */
  private static final Instant SENT = Instant.parse("2026-12-02T18:30:00Z");

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, DailySpend> daily;
  private TestOutputTopic<String, String> control;
  private ExportRunPublisher publisher;

  @BeforeEach
  void start() {
    harness = live(stateDir.resolve("live"));
  }

  private TopologyHarness live(Path dir) {
    TopologyHarness h = new TopologyHarness(Fixtures.config(), dir);
    billing = h.input(Topics.BILLING_RAW);
    alerts = h.output(Topics.ALERTS);
    daily = h.output(Topics.DAILY_SPEND);
    control = h.output(Topics.CONTROL);
    publisher = new ExportRunPublisher(new BillingRowParser(), billing::pipeInput, () -> { });
    return h;
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void judgesTheLastDaysAsTheReplaysEndOfInputDoes() {
    run("run-1", november("run-1", 14, 13));
    settle();
    assertEquals(List.of(), digests(alerts.readRecordsToList()),
        "live, the spike on the last day but one waits for later billing data");

    sendFinal(SENT);

    List<String> live = digests(alerts.readRecordsToList());
    assertEquals(List.of("OPEN 2026-11-13", "RESOLVED 2026-11-13"), live);
    harness.close();
    harness = new TopologyHarness(Fixtures.config().withBillingSettle(java.time.Duration.ZERO),
        stateDir.resolve("replay"));
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    publisher = new ExportRunPublisher(new BillingRowParser(), billing::pipeInput, () -> { });
    run("run-1", november("run-1", 14, 13));
    billing.pipeInput(FlushMarker.KEY, null, SENT.plus(java.time.Duration.ofDays(366)));
    assertEquals(live, digests(alerts.readRecordsToList()), "the replay of the same rows");
  }

  @Test
  void leavesTheClockOnTheNewestChargeDayAndLaterRowsAreAggregatedAndJudgedNormally() {
    run("run-1", november("run-1", 14, 0));
    settle();
    sendFinal(SENT);
    assertEquals(List.of(FlushMarker.BILLING_JUDGED), control.readKeyValuesToList().stream().map(kv -> kv.key)
        .toList(), "acknowledged on the control topic");
    assertEquals(List.of(), digests(alerts.readRecordsToList()));
    assertEquals(startOf(FIRST.plusDays(13)), newestDay(), "the clock is still the newest charge day (the 14th)");
    daily.readRecordsToList();

    // the next export run brings the 15th (a spike) and the 16th: aggregated, not judged before they are ready
    run("run-2", november("run-2", 16, 15));
    settle();
    List<TestRecord<String, DailySpend>> days = daily.readRecordsToList();
    assertTrue(days.stream().anyMatch(d -> d.value().day().equals(FIRST.plusDays(14))
        && d.value().amount().signum() > 0), "the 15th is aggregated after the final marker");
    assertEquals(List.of(), digests(alerts.readRecordsToList()), "the 15th is not ready until the 18th arrives");
    assertEquals(startOf(FIRST.plusDays(15)), newestDay());

    run("run-3", november("run-3", 18, 15));
    settle();
    assertEquals(List.of("OPEN 2026-11-15"), digests(alerts.readRecordsToList()),
        "judged by the clock of charge days, as before the final marker: the 18th makes the 15th ready");
    assertEquals(startOf(FIRST.plusDays(17)), newestDay());
  }

  @Test
  void aDayJudgedByTheFinalMarkerAndChangedLaterIsJudgedAgainAndASecondFinalCompletesItsOwnRound() {
    run("run-1", november("run-1", 14, 0));
    settle();
    sendFinal(SENT);
    assertEquals(List.of(), digests(alerts.readRecordsToList()), "the 14th was judged clean");

    // the next export run restates the 14th (judged above) with a 900 charge, and brings the 15th
    run("run-2", november("run-2", 15, 14));
    settle();
    sendFinal(SENT.plusSeconds(60));
    // the 14th is judged again as a corrected day (its alert opens); the 15th, not ready by the clock (the newest
    // charge day), is judged by the second round, and its clean day resolves the alert
    assertEquals(List.of("OPEN 2026-11-14", "RESOLVED 2026-11-14"), digests(alerts.readRecordsToList()));
    assertEquals(List.of(FlushMarker.BILLING_JUDGED, FlushMarker.BILLING_JUDGED), control.readKeyValuesToList()
        .stream().map(kv -> kv.key).toList(), "each round acknowledged");
    assertEquals(startOf(FIRST.plusDays(14)), newestDay(), "the clock is the 15th, the newest charge day");
  }

  @Test
  void aSpikeOnTheNewestDayStaysOpenAsInReplayWhichJudgesNoDayAfterTheNewestEither() {
    run("run-1", november("run-1", 14, 14));
    settle();
    sendFinal(SENT);
    assertEquals(List.of("OPEN 2026-11-14"), digests(alerts.readRecordsToList()),
        "no day after the newest charge day is judged, so nothing resolves it");

    // replay's end of input lies a year ahead, but it judges through the input's newest charge day only, as --final
    harness.close();
    harness = new TopologyHarness(Fixtures.config().withBillingSettle(java.time.Duration.ZERO),
        stateDir.resolve("replay"));
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    control = harness.output(Topics.CONTROL);
    publisher = new ExportRunPublisher(new BillingRowParser(), billing::pipeInput, () -> { });
    run("run-1", november("run-1", 14, 14));
    billing.pipeInput(FlushMarker.KEY, null, SENT.plus(java.time.Duration.ofDays(366)));
    assertEquals(List.of("OPEN 2026-11-14"), digests(alerts.readRecordsToList()));
    assertEquals(List.of(FlushMarker.BILLING_DONE), control.readKeyValuesToList().stream().map(kv -> kv.key)
        .toList(), "the end of input was acknowledged");
  }

  @Test
  void everyRecordItCausesCarriesThePresentTimeNotAFutureOne() {
    run("run-1", november("run-1", 14, 13));
    settle();
    sendFinal(SENT);
    List<TestRecord<String, AlertEvent>> published = alerts.readRecordsToList();
    assertFalse(published.isEmpty());
    published.forEach(r -> assertFalse(r.getRecordTime().isAfter(SENT), r.getRecordTime() + " " + r.value()));
    control.readRecordsToList().forEach(r -> assertFalse(r.getRecordTime().isAfter(SENT), r::toString));
    assertEquals(List.of(), daily.readRecordsToList().stream().filter(r -> FlushMarker.isBillingMarker(
        r.value().workspace())).toList(), "markers never reach the daily-spend topic");
  }

  private void sendFinal(Instant sent) {
    billing.pipeInput(FlushMarker.FINAL_KEY, null, sent);
  }

  private Long newestDay() {
    KeyValueStore<String, Long> clock = harness.driver.getKeyValueStore(SpendSpikeProcessor.CLOCK_STORE);
    return clock.get("newest-day-end");
  }

  private static Long startOf(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** Lets the wall clock pass the settle time, so the spend detector judges what is ready. */
  private void settle() {
    harness.driver.advanceWallClockTime(Fixtures.config().billingSettle().plusMinutes(1));
  }

  private void run(String exportRun, RawBillingRow... rows) {
    for (RawBillingRow r : rows) {
      publisher.row(r);
    }
    publisher.runEnd(exportRun);
  }

  private static List<String> digests(List<TestRecord<String, AlertEvent>> records) {
    return records.stream().map(r -> r.value().status() + " " + r.value().windowStart().toString().substring(0, 10))
        .toList();
  }

  /** {@code days} days of November from the 1st at 100 on gpu1, with a 900 row on gpu2 on day {@code spike} (0: none). */
  private static RawBillingRow[] november(String run, int days, int spike) {
    List<RawBillingRow> rows = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      rows.add(Fixtures.eaRow(run, d + 2, "ws-a", "gpu1", FIRST.plusDays(d), "100.00", "Usage", "m1"));
      if (d + 1 == spike) {
        rows.add(Fixtures.eaRow(run, 40, "ws-a", "gpu2", FIRST.plusDays(d), "900.00", "Usage", "m2"));
      }
    }
    return rows.toArray(RawBillingRow[]::new);
  }
}
