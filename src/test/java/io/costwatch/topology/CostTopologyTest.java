package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.lifecycle.Feedback;
import io.costwatch.detect.Reconciliation;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.recommend.LearntVmSize;
import io.costwatch.recommend.PriceCorrection;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.recommend.SavingsEstimate;
import io.costwatch.recommend.SavingsEstimate.Confidence;
import io.costwatch.testing.Fixtures;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> metrics;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, RecommendationEvent> recommendations;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private TestOutputTopic<String, String> control;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(Fixtures.config(), stateDir);
    driver = harness.driver;
    metrics = driver.createInputTopic(Topics.METRICS_RAW.name(), Serdes.String().serializer(),
        Serdes.String().serializer());
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    recommendations = harness.output(Topics.RECOMMENDATIONS);
    deadLetters = harness.output(Topics.DEAD_LETTERS);
    control = harness.output(Topics.CONTROL);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void idleGpuClusterRaisesOneAlertWithARecommendationOnlyAfterTheWindowCloses() {
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 15, 0.5, 2, 0)), T0);
    assertTrue(alerts.isEmpty(), "no alert before the window closes");

    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(20 * 60), 1, 0.5, 2, 0)),
        T0.plusSeconds(20 * 60));

    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(1, out.size(), out::toString);
    AlertEvent alert = out.get(0);
    assertEquals("GPU_IDLE", alert.type());
    assertEquals(Fixtures.workspaceId("ws-a").toLowerCase(), alert.workspaceId());
    assertEquals(alert.workspaceId() + "/computes/gpu1", alert.resourceId());
    assertEquals(T0, alert.windowStart());
    assertEquals(T0.plusSeconds(900), alert.windowEnd());
    // 2 nodes x 3.673 $/h x 99.5% unused
    assertEquals(new BigDecimal("7.31"), alert.impact().amount());
    assertEquals(45, alert.trace().records());
    List<RecommendationEvent> recs = recommendations.readValuesToList();
    assertEquals(1, recs.size());
    assertEquals("ENABLE_IDLE_SHUTDOWN", recs.get(0).action());
    assertEquals(alert.alertId(), recs.get(0).alertId());
    assertEquals(List.of(recs.get(0).recommendationId()), alert.recommendationIds());
    // 7.31 $/h (5336.30 $ for 730 h) seen for one 15-minute window: 15 min of at least a day, over 30 days
    assertEquals(new BigDecimal("54.83"), recs.get(0).estimatedMonthlySavings().amount());
    assertEquals(new SavingsEstimate("P30D", T0, T0.plusSeconds(900), "PT15M", "PT15M", Confidence.LOW),
        recs.get(0).savingsEstimate());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void busyClusterRaisesNothing() {
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 15, 92, 4, 0)), T0);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(1500), 1, 92, 4, 0)),
        T0.plusSeconds(1500));
    assertTrue(alerts.isEmpty());
    assertTrue(recommendations.isEmpty());
  }

  @Test
  void poisonBodyIsDeadLetteredAndItsNeighboursStillCount() {
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 8, 0.5, 2, 0)), T0);
    metrics.pipeInput("k", "{\"records\":[{not json", T0.plusSeconds(500));
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(480), 7, 0.5, 2, 0)),
        T0.plusSeconds(480));
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(1500), 1, 0.5, 2, 0)),
        T0.plusSeconds(1500));

    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(1, dead.size());
    assertEquals("malformed-json", dead.get(0).reason());
    assertEquals(Topics.METRICS_RAW.name() + "/0:1", dead.get(0).source());
    assertEquals(List.of("GPU_IDLE"), alerts.readValuesToList().stream().map(AlertEvent::type).toList());
  }

  @Test
  void spendSpikeIsFoundOnceTheDayIsFinalAndPurchasesAreNotSpikes() {
    LocalDate first = LocalDate.of(2026, 10, 1);
    for (int d = 0; d < 14; d++) {
      LocalDate day = first.plusDays(d);
      String cost = d == 12 ? "640.00" : String.valueOf(100 + (d % 3) * 5);
      billing.pipeInput("r" + d, Fixtures.eaRow("export.csv", d + 2, "ws-a", "gpu1", day, cost, "Usage", "m1"));
      if (d == 6) {
        billing.pipeInput("p", Fixtures.eaRow("export.csv", 100, "ws-a", null, day, "25000", "Purchase", "m2"));
      }
    }
    assertTrue(alerts.isEmpty(), "day 13 is not final yet (lateness P2D)");
    billing.pipeInput(FlushMarker.KEY, null, Instant.parse("2026-11-30T00:00:00Z"));

    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(List.of("OPEN", "RESOLVED"), out.stream().map(a -> a.status().name()).toList(), out::toString);
    assertEquals(out.get(0).alertId(), out.get(1).alertId(), "one episode, one id");
    assertEquals("SPEND_SPIKE", out.get(0).type());
    assertEquals(Instant.parse("2026-10-13T00:00:00Z"), out.get(0).windowStart());
    assertEquals("USD", out.get(0).impact().currency());
    // 640 against the same weekday a week earlier (day 5: 110), which is above the fitted 105
    assertEquals(new BigDecimal("530.00"), out.get(0).impact().amount());
    assertEquals(Instant.parse("2026-10-15T00:00:00Z"), out.get(1).episode().resolvedAt(),
        "the next day, evaluated clean, resolves it");
    assertTrue(deadLetters.isEmpty());
    assertEquals(List.of(FlushMarker.BILLING_DONE), control.readKeyValuesToList().stream().map(kv -> kv.key)
        .toList());
  }

  @Test
  void endOfInputMarkersCloseEveryWindowAndAreAcknowledged() {
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 15, 0.5, 2, 0)), T0);
    Instant far = Instant.parse("2027-12-01T00:00:00Z");
    metrics.pipeInput(FlushMarker.KEY, null, far);
    assertEquals(List.of("GPU_IDLE"), alerts.readValuesToList().stream().map(AlertEvent::type).toList());
    // one partition: the one marker closes every window, its own last, through detection task 0 and lifecycle task 0
    List<org.apache.kafka.streams.test.TestRecord<String, String>> acks = control.readRecordsToList();
    assertEquals(List.of(FlushMarker.METRICS_DONE), acks.stream().map(r -> r.key()).toList());
    assertEquals("0/0", new String(acks.get(0).headers().lastHeader(FlushMarker.PATH_HEADER).value(),
        java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(alerts.isEmpty(), "acknowledgements are not alerts");
  }

  @Test
  void unreadableBillingValueIsDeadLetteredWithItsRawText() {
    TestInputTopic<String, String> rawBilling = driver.createInputTopic(Topics.BILLING_RAW.name(),
        Serdes.String().serializer(), Serdes.String().serializer());
    rawBilling.pipeInput("x", "{\"file\": 12, oops", T0);
    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(1, dead.size());
    assertEquals("malformed-row", dead.get(0).reason());
    assertEquals("{\"file\": 12, oops", dead.get(0).raw());
  }

  @Test
  void reingestingTheSameExportChangesNothing() {
    LocalDate first = LocalDate.of(2026, 10, 1);
    for (int pass = 0; pass < 2; pass++) {
      for (int d = 0; d < 14; d++) {
        String cost = d == 12 ? "640.00" : "100";
        billing.pipeInput("r" + d, Fixtures.eaRow("export.csv", d + 2, "ws-a", "gpu1", first.plusDays(d), cost,
            "Usage", "m1"));
      }
    }
    billing.pipeInput(FlushMarker.KEY, null, Instant.parse("2026-11-30T00:00:00Z"));
    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(List.of("OPEN", "RESOLVED"), out.stream().map(a -> a.status().name()).toList(), out::toString);
    assertEquals(new BigDecimal("540.00"), out.get(0).impact().amount());
    assertEquals(new BigDecimal("540.00"), out.get(0).episode().totalWaste().amount());
  }

  /** Idle for 2 h, busy for 2 h, idle for 2 h, busy for 1 h: one body per minute, as Azure Monitor streams them. */
  private void pipeWastedBusyWastedBusy() {
    int minute = 0;
    for (int[] phase : new int[][] {{120, 1}, {120, 90}, {120, 1}, {60, 90}}) {
      for (int m = 0; m < phase[0]; m++, minute++) {
        Instant t = T0.plusSeconds(60L * minute);
        metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", t, 1, phase[1], 2, 0)), t);
      }
    }
  }

  private void closeEverything() {
    Instant far = Instant.parse("2027-12-01T00:00:00Z");
    metrics.pipeInput(FlushMarker.KEY, null, far);
    metrics.pipeInput(FlushMarker.KEY, null, far.plusSeconds(21 * 60));
  }

  @Test
  void wastedBusyWastedGivesTwoEpisodesEachOpenedOnceAndResolvedOnce() {
    pipeWastedBusyWastedBusy();
    closeEverything();

    List<AlertEvent> out = alerts.readValuesToList();
    Map<String, List<String>> byAlert = new LinkedHashMap<>();
    out.forEach(a -> byAlert.computeIfAbsent(a.alertId(), id -> new ArrayList<>()).add(a.status().name()));
    assertEquals(2, byAlert.size(), byAlert::toString);
    for (List<String> statuses : byAlert.values()) {
      assertEquals("OPEN", statuses.get(0), statuses::toString);
      assertEquals("RESOLVED", statuses.get(statuses.size() - 1), statuses::toString);
      assertTrue(statuses.subList(1, statuses.size() - 1).stream().allMatch("UPDATE"::equals), statuses::toString);
    }
    AlertEvent firstOpen = out.get(0);
    assertEquals(T0, firstOpen.episode().firstSeen());
    assertEquals(T0.plusSeconds(15 * 60), firstOpen.windowEnd(), "opens as soon as the first window closes");
    AlertEvent firstResolved = out.stream().filter(a -> a.alertId().equals(firstOpen.alertId()))
        .filter(a -> a.status().name().equals("RESOLVED")).findFirst().orElseThrow();
    assertEquals(T0.plusSeconds(120 * 60), firstResolved.episode().lastSeen());
    BigDecimal hourly = firstOpen.impact().amount();
    assertEquals(0, hourly.multiply(BigDecimal.valueOf(2)).compareTo(firstResolved.episode().totalWaste().amount()),
        "2 h of waste at the hourly impact");
  }

  @Test
  void replayingTheSameTelemetryAgainPublishesNothingNew() {
    pipeWastedBusyWastedBusy();
    List<AlertEvent> first = alerts.readValuesToList();
    pipeWastedBusyWastedBusy();
    closeEverything();
    List<AlertEvent> more = alerts.readValuesToList();
    assertTrue(more.stream().allMatch(a -> first.stream().anyMatch(f -> f.alertId().equals(a.alertId()))),
        "no new alert id from redelivered telemetry");
    assertTrue(more.stream().allMatch(a -> a.status().name().equals("RESOLVED")), more::toString);
  }

  @Test
  void expectedFeedbackSilencesTheNextEpisodeOfThePlannedJob() {
    int minute = 0;
    for (; minute < 21; minute++) {
      Instant t = T0.plusSeconds(60L * minute);
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", t, 1, 1, 2, 0)), t);
    }
    List<AlertEvent> opened = alerts.readValuesToList();
    assertEquals(List.of("OPEN"), opened.stream().map(a -> a.status().name()).toList());
    TestInputTopic<String, FeedbackCommand> feedback = driver.createInputTopic(Topics.FEEDBACK.name(),
        Serdes.String().serializer(), Topics.FEEDBACK.valueSerde().serializer());
    String fingerprint = opened.get(0).episode().fingerprint();
    feedback.pipeInput(fingerprint, new FeedbackCommand(FeedbackCommand.SCHEMA_VERSION, fingerprint,
        opened.get(0).alertId(), new Feedback(Feedback.Kind.EXPECTED, T0.plusSeconds(12 * 3600), T0, "sre@example",
            "planned sweep")), T0.plusSeconds(21 * 60));
    pipeWastedBusyWastedBusy();
    closeEverything();

    List<AlertEvent> out = alerts.readValuesToList();
    assertTrue(out.stream().allMatch(a -> a.alertId().equals(opened.get(0).alertId())),
        "the second episode is not published: " + out);
    // the replay restarts at T0: the 15 minutes of the window closed at minute 20 are late for their scope
    List<DeadLetter> late = deadLetters.readValuesToList();
    assertEquals(15 * 3, late.size());
    assertTrue(late.stream().allMatch(d -> d.reason().equals("late-for-scope") && d.stage().equals("usage-windows")
        && d.source() != null), late::toString);
  }

  @Test
  void unreadableFeedbackIsDeadLettered() {
    TestInputTopic<String, String> raw = driver.createInputTopic(Topics.FEEDBACK.name(),
        Serdes.String().serializer(), Serdes.String().serializer());
    raw.pipeInput("x", "{\"fingerprint\":\"no-pipes\",\"feedback\":{\"kind\":\"SNOOZE\"}}", T0);
    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(List.of("bad-feedback"), dead.stream().map(DeadLetter::reason).toList());
  }

  @Test
  void telemetryEstimateOfADayIsReconciledWithItsBill() {
    TestOutputTopic<String, Reconciliation> reconciliations = harness.output(Topics.RECONCILIATION);
    TestOutputTopic<String, PriceCorrection> corrections = harness.output(Topics.PRICE_CORRECTIONS);
    Instant day = Instant.parse("2026-11-02T00:00:00Z");
    billing.pipeInput("r", Fixtures.eaRow("export.csv", 2, "ws-a", "gpu1", LocalDate.of(2026, 11, 2), "200.00",
        "Usage", "m1"), day);
    for (int m = 0; m < 12 * 60; m++) {
      Instant t = day.plusSeconds(60L * m);
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", t, 1, 90, 2, 0)), t);
    }
    assertTrue(reconciliations.isEmpty(), "half a day of telemetry is not compared with a whole day's bill");
    for (int m = 12 * 60; m < 24 * 60 + 21; m++) {
      Instant t = day.plusSeconds(60L * m);
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", t, 1, 90, 2, 0)), t);
    }

    List<Reconciliation> out = reconciliations.readValuesToList();
    Reconciliation last = out.get(out.size() - 1);
    // 96 closed 15-minute windows of 2 nodes at 3.673 $/h: 176.304 $ estimated against 200 $ billed
    assertEquals(0, new BigDecimal("176.304").compareTo(last.estimated().amount()), last::toString);
    assertEquals(0, new BigDecimal("200.00").compareTo(last.billed().amount()), last::toString);
    assertEquals(0, new BigDecimal("200.00").divide(new BigDecimal("176.304"), 4, java.math.RoundingMode.HALF_UP)
        .compareTo(last.ratio()), last::toString);

    // the ratio becomes the workspace's price correction (a compacted topic read back as a global table) ...
    Map<String, PriceCorrection> latest = corrections.readKeyValuesToMap();
    String key = Fixtures.workspaceId("ws-a").toLowerCase(java.util.Locale.ROOT);
    assertEquals(List.of(key), List.copyOf(latest.keySet()));
    assertEquals(0, new BigDecimal("1.1344").compareTo(latest.get(key).factor()), latest::toString);
    // ... that an idle window after the reconciliation is priced with: 2 nodes x 3.673 $/h x 1.1344 x 99.5% unused
    Instant next = day.plusSeconds(86_400L + 3600);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", next, 15, 0.5, 2, 0)), next);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", next.plusSeconds(20 * 60), 1, 0.5, 2, 0)),
        next.plusSeconds(20 * 60));
    List<AlertEvent> later = alerts.readValuesToList().stream().filter(a -> a.windowStart().equals(next)).toList();
    assertEquals(1, later.size(), later::toString);
    assertEquals(new BigDecimal("8.29"), later.get(0).impact().amount(), later.get(0)::toString);
  }

  @Test
  void vmSizeLearntFromBillingPricesLaterWindowsThroughItsCompactedTopic() {
    TestOutputTopic<String, LearntVmSize> sizes = harness.output(Topics.VM_SIZES);
    RawBillingRow row = Fixtures.eaRow("export.csv", 2, "ws-a", "gpu2", LocalDate.of(2026, 11, 2), "20.00",
        "Usage", "m1");
    Map<String, String> columns = new LinkedHashMap<>(row.columns());
    columns.put("AdditionalInfo", "{\"ServiceType\":\"Standard_NC4as_T4_v3\"}");
    billing.pipeInput("r", new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns,
        null, null), T0);
    assertEquals(List.of(LearntVmSize.of("ws-a/gpu2", "Standard_NC4as_T4_v3")), sizes.readValuesToList());

    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu2", T0, 15, 0.5, 2, 0)), T0);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu2", T0.plusSeconds(20 * 60), 1, 0.5, 2, 0)),
        T0.plusSeconds(20 * 60));

    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(1, out.size(), out::toString);
    // gpu2 has no configured size: 2 nodes x 0.526 $/h (the learnt size, not the default 3.673 $/h) x 99.5% unused
    assertEquals(new BigDecimal("1.05"), out.get(0).impact().amount(), out.get(0)::toString);
  }

  /**
   * Every row of an export shows its compute's size: the topic gets a record when the size changes, not per row, and a
   * size that comes back after another (a restated export) is published again, since the comparison is with what this
   * task sent last, not with the global table (which lags the writing transaction).
   */
  @Test
  void vmSizeIsPublishedWhenItChangesNotForEveryRow() {
    TestOutputTopic<String, LearntVmSize> sizes = harness.output(Topics.VM_SIZES);
    String[] shown = {"Standard_NC4as_T4_v3", "Standard_NC4as_T4_v3", "Standard_NC8as_T4_v3", "Standard_NC8as_T4_v3",
        "Standard_NC4as_T4_v3"};
    for (int i = 0; i < shown.length; i++) {
      RawBillingRow row = Fixtures.eaRow("export.csv", 2 + i, "ws-a", "gpu2", LocalDate.of(2026, 11, 2 + i), "20.00",
          "Usage", "m1");
      Map<String, String> columns = new LinkedHashMap<>(row.columns());
      columns.put("AdditionalInfo", "{\"ServiceType\":\"" + shown[i] + "\"}");
      billing.pipeInput("r", new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns,
          null, null), T0.plusSeconds(i));
    }
    assertEquals(List.of(LearntVmSize.of("ws-a/gpu2", "Standard_NC4as_T4_v3"),
        LearntVmSize.of("ws-a/gpu2", "Standard_NC8as_T4_v3"), LearntVmSize.of("ws-a/gpu2", "Standard_NC4as_T4_v3")),
        sizes.readValuesToList());
  }
}
