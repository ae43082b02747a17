package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.ExportRunEnd;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.testing.Fixtures;
import io.costwatch.usage.DailySpend;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row that a later run of the same export (scope, dataset, month) no longer has is retracted from the daily
 * totals; a run that arrives incomplete retracts nothing. Rows go through {@link ExportRunPublisher}, as the
 * {@code ingest} and {@code replay} commands send them.
 */
class ExportRetractionTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 3);

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TopologyTestDriver driver;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, DailySpend> daily;
  private TestOutputTopic<String, AlertEvent> alerts;
  private ExportRunPublisher publisher;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(Fixtures.config(), stateDir);
    driver = harness.driver;
    billing = harness.input(Topics.BILLING_RAW);
    daily = harness.output(Topics.DAILY_SPEND);
    alerts = harness.output(Topics.ALERTS);
    publisher = new ExportRunPublisher(new BillingRowParser(), billing::pipeInput, () -> { });
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aRowMissingFromTheNextRunOfTheExportIsRetracted() {
    run("run-1", row("run-1", 2, "gpu1", "100.00"), row("run-1", 3, "gpu2", "50.00"));
    assertEquals(new BigDecimal("150.00"), latestTotal());
    run("run-2", row("run-2", 2, "gpu1", "100.00"));
    assertEquals(0, new BigDecimal("100.00").compareTo(latestTotal()), "gpu2's row vanished from run-2");
    DailySpend last = latestSpend();
    assertEquals(1, last.lineItems());
    assertEquals(0, BigDecimal.ZERO.compareTo(last.drivers().get("COMPUTE:gpu2")), last.drivers()::toString);
  }

  @Test
  void theSameRunTwiceAndARowThatComesBackChangeNothingElse() {
    run("run-1", row("run-1", 2, "gpu1", "100.00"), row("run-1", 3, "gpu2", "50.00"));
    run("run-1", row("run-1", 2, "gpu1", "100.00"), row("run-1", 3, "gpu2", "50.00"));
    assertEquals(new BigDecimal("150.00"), latestTotal());
    run("run-2", row("run-2", 2, "gpu1", "100.00"));
    run("run-3", row("run-3", 2, "gpu1", "100.00"), row("run-3", 3, "gpu2", "55.00"));
    assertEquals(0, new BigDecimal("155.00").compareTo(latestTotal()), "gpu2 back with its revised cost");
  }

  @Test
  void aRunThatArrivedIncompleteRetractsNothing() {
    run("run-1", row("run-1", 2, "gpu1", "100.00"), row("run-1", 3, "gpu2", "50.00"));
    RawBillingRow only = row("run-2", 2, "gpu1", "100.00");
    publisher.row(only);
    // run-2's end record says it published two rows of the scope; one of them never arrived
    String scope = ((ParseResult.Parsed<CostRecord>) new BillingRowParser().parse(only)).value().exportScope();
    billing.pipeInput(scope, RawBillingRow.endOf(new ExportRunEnd(scope, "run-2", 2)));
    assertEquals(new BigDecimal("150.00"), latestTotal());
    run("run-3", row("run-3", 2, "gpu1", "100.00"));
    assertEquals(0, new BigDecimal("100.00").compareTo(latestTotal()), "the next complete run retracts");
  }

  @Test
  void otherExportScopesAreUntouched() {
    run("run-1", row("run-1", 2, "gpu1", "100.00"));
    RawBillingRow october = Fixtures.eaRow("run-x", 2, "ws-a", "gpu1", LocalDate.of(2026, 10, 30), "70.00", "Usage",
        "m");
    run("run-x", october);
    run("run-2", row("run-2", 2, "gpu1", "90.00"));
    Map<LocalDate, BigDecimal> totals = totals();
    assertEquals(0, new BigDecimal("90.00").compareTo(totals.get(DAY)));
    assertEquals(0, new BigDecimal("70.00").compareTo(totals.get(LocalDate.of(2026, 10, 30))),
        "the October export is another scope; November's run does not retract it");
  }

  @Test
  void aSpikeDayCorrectedAfterItsAlertIsRevisedUnderTheSameAlertOnceBillingSettles() {
    run("run-1", november("run-1", 14, true));
    assertTrue(alerts.isEmpty(), "nothing is judged while billing is still arriving");
    settle();
    List<AlertEvent> before = alerts.readValuesToList();
    assertEquals(List.of("OPEN 2026-11-10", "RESOLVED 2026-11-10"), before.stream()
        .map(a -> a.status() + " " + a.windowStart().toString().substring(0, 10)).toList());
    String alertId = before.get(0).alertId();

    // the next run of the export no longer has the spike row: Cost Management removed the charge
    run("run-2", november("run-2", 14, false));
    assertTrue(alerts.isEmpty(), "nothing before the corrected day has settled");
    settle();

    AlertEvent revised = alerts.readValue();
    assertEquals(alertId, revised.alertId(), "the correction revises the alert of that day, no new alert");
    assertEquals(AlertStatus.RESOLVED, revised.status());
    assertEquals(0, revised.episode().totalWaste().amount().signum(), revised.toString());
    assertTrue(revised.summary().contains("retracted"), revised.summary());
    assertTrue(alerts.isEmpty());
  }

  @Test
  void billingRecordsKeepTheirArrivalTimeNotTheChargeDay() {
    java.time.Instant arrival = java.time.Instant.parse("2026-12-20T08:00:00Z");
    billing.pipeInput("k", row("run-1", 2, "gpu1", "100.00"), arrival);

    var out = daily.readRecord();
    assertEquals(DAY, out.value().day());
    assertEquals(arrival, out.getRecordTime(), "a charge day weeks old must not become the record time");
  }

  @Test
  void aDayMadeReadyByARunIsJudgedOnlyAfterThatRunRetractedItsVanishedRows() {
    run("run-1", november("run-1", 12, true));
    settle();
    // run-2 brings day 13, which makes day 10 ready, and no longer has day 10's 900 row
    run("run-2", november("run-2", 13, false));
    settle();

    assertEquals(List.of(), alerts.readValuesToList(), "day 10 is judged without the row its run retracted");
  }

  @Test
  void aRunOfOneSubscriptionsExportDoesNotRetractAnotherSubscriptionsRowsOfTheSameAccount() {
    run("export-a/run-1", inSubscription(row("export-a/run-1", 2, "gpu1", "100.00"), "sub-a"));
    run("export-b/run-1", inSubscription(row("export-b/run-1", 2, "gpu1", "40.00"), "sub-b"));
    run("export-a/run-2", inSubscription(row("export-a/run-2", 2, "gpu1", "100.00"), "sub-a"));

    Map<String, BigDecimal> byWorkspace = new HashMap<>();
    daily.readValuesToList().forEach(d -> byWorkspace.put(d.workspace().workspaceId(), d.amount()));
    assertEquals(2, byWorkspace.size(), byWorkspace::toString);
    byWorkspace.forEach((ws, amount) -> assertEquals(0, (ws.contains("sub-b") ? new BigDecimal("40.00")
        : new BigDecimal("100.00")).compareTo(amount), byWorkspace::toString));
  }

  @Test
  void aRunCoveringOtherDaysDoesNotRetractTheDaysItDoesNotCover() {
    run("day-03.csv", Fixtures.eaRow("day-03.csv", 2, "ws-a", "gpu1", DAY, "100.00", "Usage", "m1"));
    run("day-04.csv", Fixtures.eaRow("day-04.csv", 2, "ws-a", "gpu1", DAY.plusDays(1), "90.00", "Usage", "m1"));

    Map<LocalDate, BigDecimal> totals = totals();
    assertEquals(0, new BigDecimal("100.00").compareTo(totals.get(DAY)), totals::toString);
    assertEquals(0, new BigDecimal("90.00").compareTo(totals.get(DAY.plusDays(1))), totals::toString);
  }

  /** The same row under another subscription (its resource id and SubscriptionId). */
  private static RawBillingRow inSubscription(RawBillingRow row, String subscription) {
    Map<String, String> columns = new java.util.LinkedHashMap<>(row.columns());
    columns.put("SubscriptionId", subscription);
    columns.put("ResourceId", columns.get("ResourceId").replace(Fixtures.SUB, subscription));
    return new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns, null);
  }

  @Test
  void theSameFileIngestedAgainWithoutARowRetractsItAndARunResentAfterACrashStillRetracts() {
    ExportRunPublisher first = attempt("ingest-1");
    for (RawBillingRow r : List.of(row("latest.csv", 2, "gpu1", "100.00"), row("latest.csv", 3, "gpu2", "50.00"))) {
      first.row(r);
    }
    first.runEnd("latest.csv");
    // a crash after the first row of the next ingest of the same path: no run end
    attempt("ingest-2").row(row("latest.csv", 2, "gpu1", "100.00"));
    ExportRunPublisher retry = attempt("ingest-3");
    retry.row(row("latest.csv", 2, "gpu1", "100.00"));
    retry.runEnd("latest.csv");

    assertEquals(0, new BigDecimal("100.00").compareTo(latestTotal()), "gpu2 is no longer in latest.csv");
  }

  @Test
  void interleavedRunsOfOneExportDoNotRetractEachOthersRows() {
    ExportRunPublisher one = attempt("a");
    ExportRunPublisher two = attempt("b");
    one.row(row("run-1", 2, "gpu1", "100.00"));
    two.row(row("run-2", 2, "gpu1", "100.00"));
    two.row(row("run-2", 3, "gpu2", "50.00"));
    one.row(row("run-1", 3, "gpu2", "50.00"));
    one.runEnd("run-1");
    two.runEnd("run-2");

    assertEquals(0, new BigDecimal("150.00").compareTo(latestTotal()), "both runs had both rows");
  }

  @Test
  void rowsLastSeenByARunThatNeverEndedAreRetractedByTheNextCompleteRun() {
    ExportRunPublisher first = attempt("a1");
    first.row(row("run-1", 2, "gpu1", "100.00"));
    first.row(row("run-1", 3, "gpu2", "50.00"));
    first.runEnd("run-1");
    ExportRunPublisher abandoned = attempt("a2"); // an unreadable blob or a crash: never ended
    abandoned.row(row("run-2", 2, "gpu1", "100.00"));
    abandoned.row(row("run-2", 3, "gpu2", "50.00"));
    ExportRunPublisher third = attempt("a3");
    third.row(row("run-3", 2, "gpu1", "100.00"));
    third.runEnd("run-3");

    assertEquals(0, new BigDecimal("100.00").compareTo(latestTotal()), "gpu2 vanished from run-3");
  }

  @Test
  void aReplayLongerThanTheKeptHistoryStillJudgesItsEarlyDays() {
    harness.close();
    harness = new TopologyHarness(Fixtures.config().withBillingSettle(java.time.Duration.ZERO),
        stateDir.resolve("long"));
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    LocalDate first = LocalDate.of(2026, 6, 1);
    for (int d = 0; d < 120; d++) {
      String cost = d == 45 ? "900.00" : String.valueOf(100 + (d % 3) * 5);
      billing.pipeInput("r" + d, Fixtures.eaRow("export.csv", d + 2, "ws-a", "gpu1", first.plusDays(d), cost,
          "Usage", "m1"));
    }
    billing.pipeInput(FlushMarker.KEY, null, java.time.Instant.parse("2026-12-30T00:00:00Z"));

    assertEquals(List.of("OPEN 2026-07-16", "RESOLVED 2026-07-16"), alerts.readValuesToList().stream()
        .map(a -> a.status() + " " + a.windowStart().toString().substring(0, 10)).toList(),
        "day 45 of 120 left the kept history long before the end of the replay");
  }

  private ExportRunPublisher attempt(String id) {
    return new ExportRunPublisher(new BillingRowParser(), billing::pipeInput, () -> { }, id);
  }

  @Test
  void aLongRunRestatingUnchangedRowsIsNotTakenForQuietBeforeItsEnd() {
    run("run-1", november("run-1", 12, true));
    settle();
    // run-2 brings day 13 first (day 10 is then ready), restates days 1-12 slowly (longer than the settle time),
    // and no longer has day 10's 900 row, which its end retracts
    RawBillingRow[] next = november("run-2", 13, false);
    publisher.row(next[12]);
    for (int d = 0; d < 12; d++) {
      driver.advanceWallClockTime(java.time.Duration.ofMinutes(2));
      publisher.row(next[d]);
    }
    publisher.runEnd("run-2");
    settle();

    assertEquals(List.of(), alerts.readValuesToList(), "day 10 was judged only after run-2's end");
  }

  /** {@code days} days of November from the 1st at 100 on gpu1 (line = day + 1), with a 900 row on gpu2 on the 10th. */
  private static RawBillingRow[] november(String run, int days, boolean spikeOnTenth) {
    LocalDate first = LocalDate.of(2026, 11, 1);
    List<RawBillingRow> rows = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      rows.add(Fixtures.eaRow(run, d + 2, "ws-a", "gpu1", first.plusDays(d), "100.00", "Usage", "m1"));
      if (spikeOnTenth && d == 9) {
        rows.add(Fixtures.eaRow(run, 40, "ws-a", "gpu2", first.plusDays(d), "900.00", "Usage", "m2"));
      }
    }
    return rows.toArray(RawBillingRow[]::new);
  }

  /** Lets the wall clock pass the settle time, so the spend detector judges what is ready. */
  private void settle() {
    driver.advanceWallClockTime(Fixtures.config().billingSettle().plusMinutes(1));
  }

  private void run(String exportRun, RawBillingRow... rows) {
    for (RawBillingRow r : rows) {
      publisher.row(r);
    }
    publisher.runEnd(exportRun);
  }

  private static RawBillingRow row(String exportRun, long line, String compute, String cost) {
    return Fixtures.eaRow(exportRun, line, "ws-a", compute, DAY, cost, "Usage", "m-" + compute);
  }

  private final Map<LocalDate, DailySpend> seen = new HashMap<>();

  private Map<LocalDate, BigDecimal> totals() {
    for (DailySpend d : daily.readValuesToList()) {
      seen.put(d.day(), d);
    }
    Map<LocalDate, BigDecimal> out = new HashMap<>();
    seen.forEach((day, d) -> out.put(day, d.amount()));
    return out;
  }

  private BigDecimal latestTotal() {
    return totals().get(DAY);
  }

  private DailySpend latestSpend() {
    totals();
    return seen.get(DAY);
  }
}
