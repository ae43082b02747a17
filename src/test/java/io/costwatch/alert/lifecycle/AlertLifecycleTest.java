package io.costwatch.alert.lifecycle;

import static io.costwatch.alert.AlertFixtures.GPU;
import static io.costwatch.alert.AlertFixtures.gpuIdle;
import static io.costwatch.alert.AlertFixtures.spendSpike;
import static io.costwatch.alert.AlertFixtures.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.AlertStatus;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Json;
import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.Severity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertLifecycleTest {

  /** Two windows to open, two clear windows to resolve, 30 minutes of quiet, 20 % steps. */
  static final LifecycleRules RULES = new LifecycleRules(Duration.ofMinutes(30), Duration.ofMinutes(30),
      Duration.ofMinutes(30), BigDecimal.valueOf(20));

  private final AlertLifecycle lifecycle = new AlertLifecycle(RULES);

  /** One input of a script: window {@code n} wasted {@code perHour} at {@code severity}, or (perHour null) clear. */
  record Step(int n, String perHour, Severity severity) {
    static Step waste(int n, String perHour, Severity severity) {
      return new Step(n, perHour, severity);
    }

    static Step waste(int n) {
      return new Step(n, "3.67", Severity.LOW);
    }

    static Step clear(int n) {
      return new Step(n, null, null);
    }
  }

  record Run(AlertState state, List<LifecycleEvent> events) {
    List<AlertStatus> statuses() {
      return events.stream().map(LifecycleEvent::status).toList();
    }
  }

  Run run(AlertState start, List<Step> steps) {
    return run(lifecycle, start, steps);
  }

  static Run run(AlertLifecycle lifecycle, AlertState start, List<Step> steps) {
    AlertState state = start;
    List<LifecycleEvent> events = new ArrayList<>();
    for (Step s : steps) {
      Instant end = window(s.n() + 1);
      Transition t = s.perHour() == null
          ? lifecycle.onClear(state, GPU, FindingType.GPU_WASTE, end)
          : lifecycle.onFinding(state, gpuIdle(s.n(), s.perHour(), s.severity()), AlertFixtures.scaleToZero(), end);
      state = t.state();
      t.event().ifPresent(events::add);
    }
    return new Run(state, events);
  }

  static List<Step> wastedBusyWastedAgain() {
    return List.of(Step.waste(0), Step.waste(1), Step.waste(2, "6.00", Severity.MEDIUM),
        Step.waste(3, "6.10", Severity.MEDIUM), Step.clear(4), Step.clear(5), Step.clear(6), Step.clear(7),
        Step.waste(8), Step.waste(9), Step.clear(10), Step.clear(11));
  }

  @Test
  void gpuWastedBusyWastedAgainGivesTwoEpisodesWithDistinctStableIds() {
    Run run = run(null, wastedBusyWastedAgain());

    assertEquals(List.of(AlertStatus.OPEN, AlertStatus.UPDATE, AlertStatus.RESOLVED, AlertStatus.OPEN,
        AlertStatus.RESOLVED), run.statuses());
    Fingerprint fp = Fingerprint.of(gpuIdle(0, "1", Severity.LOW));
    List<LifecycleEvent> first = run.events().subList(0, 3);
    List<LifecycleEvent> second = run.events().subList(3, 5);
    first.forEach(e -> assertEquals(fp.alertId(window(0)), e.alertId()));
    second.forEach(e -> assertEquals(fp.alertId(window(8)), e.alertId()));
    assertNotEquals(first.get(0).alertId(), second.get(0).alertId());
    first.forEach(e -> assertEquals(1, e.episode()));
    second.forEach(e -> assertEquals(2, e.episode()));
  }

  @Test
  void oneGpuWasteMovingFromIdleToInputBoundIsOneAlertWithAnUpdate() {
    Finding idle = gpuIdle(0, "3.67", Severity.LOW);
    Finding stillIdle = gpuIdle(1, "3.67", Severity.LOW);
    Finding starved = asType(gpuIdle(2, "3.60", Severity.LOW), FindingType.GPU_UNDERUTILIZED, "INPUT_BOUND");
    Finding starvedAgain = asType(gpuIdle(3, "3.60", Severity.LOW), FindingType.GPU_UNDERUTILIZED, "INPUT_BOUND");

    assertEquals(Fingerprint.of(idle), Fingerprint.of(starved), "idle and under-use of one GPU are one waste");
    AlertState state = null;
    List<LifecycleEvent> events = new ArrayList<>();
    for (Finding f : List.of(idle, stillIdle, starved, starvedAgain)) {
      Transition t = lifecycle.onFinding(state, f, List.of(), f.windowEnd());
      state = t.state();
      t.event().ifPresent(events::add);
    }
    lifecycle.onClear(state, GPU, FindingType.GPU_WASTE, window(6)).event().ifPresent(events::add);

    assertEquals(List.of(AlertStatus.OPEN, AlertStatus.UPDATE, AlertStatus.RESOLVED),
        events.stream().map(LifecycleEvent::status).toList(), "same severity and impact: the cause alone updates");
    assertEquals(1, events.stream().map(LifecycleEvent::alertId).distinct().count());
    assertTrue(events.get(0).alertId().startsWith("cw-gpu-waste-"), events.get(0).alertId());
    assertEquals("GPU_IDLE/IDLE", events.get(0).alert().type() + "/" + events.get(0).alert().cause());
    assertEquals("GPU_UNDERUTILIZED/INPUT_BOUND", events.get(1).alert().type() + "/" + events.get(1).alert().cause());
    assertEquals("GPU_UNDERUTILIZED/INPUT_BOUND", events.get(2).alert().type() + "/" + events.get(2).alert().cause());
  }

  @Test
  void aCauseChangeWhileAcknowledgedIsNotPublishedAndTheResolvedNamesTheAlertAsPublished() {
    Finding idle = gpuIdle(0, "3.67", Severity.LOW);
    AlertState state = lifecycle.onFinding(null, idle, List.of(), window(1)).state();
    state = lifecycle.onFinding(state, gpuIdle(1, "3.67", Severity.LOW), List.of(), window(2)).state();
    state = lifecycle.onFeedback(state, Fingerprint.of(idle), new Feedback(Feedback.Kind.ACKNOWLEDGE, null, null, null, null));
    Transition starved = lifecycle.onFinding(state, asType(gpuIdle(2, "3.60", Severity.LOW),
        FindingType.GPU_UNDERUTILIZED, "INPUT_BOUND"), List.of(), window(3));

    assertTrue(starved.event().isEmpty());
    LifecycleEvent resolved = lifecycle.onClear(starved.state(), GPU, FindingType.GPU_WASTE, window(5)).event()
        .orElseThrow();
    assertEquals(AlertStatus.RESOLVED, resolved.status());
    assertEquals("GPU_IDLE/IDLE", resolved.alert().type() + "/" + resolved.alert().cause());
  }

  private static Finding asType(Finding f, FindingType type, String cause) {
    return new Finding(type, f.severity(), f.scope(), f.windowStart(), f.windowEnd(), f.rule(), f.thresholds(),
        f.observed(), f.expected(), cause, f.impact(), f.impactPeriod(), f.vmSize(), f.summary(), f.records(),
        f.firstSource(), f.lastSource());
  }

  @Test
  void eventsCarryFirstSeenLastSeenImpactAndRunningWaste() {
    List<LifecycleEvent> events = run(null, wastedBusyWastedAgain()).events();

    LifecycleEvent open = events.get(0);
    assertEquals(window(0), open.firstSeen());
    assertEquals(window(2), open.lastSeen());
    assertEquals(new BigDecimal("3.67"), open.alert().impact().amount());
    assertEquals(Money.of("1.84", "USD"), open.totalWaste(), "2 windows x 3.67/h x 0.25 h");
    LifecycleEvent update = events.get(1);
    assertEquals(Severity.MEDIUM, update.alert().severity());
    assertEquals(Money.of("3.34", "USD"), update.totalWaste(), "(3.67 + 3.67 + 6.00) x 0.25");
    LifecycleEvent resolved = events.get(2);
    assertEquals(window(4), resolved.lastSeen());
    assertEquals(window(6), resolved.resolvedAt(), "clear for 30 minutes after the last finding");
    assertEquals(Money.of("4.86", "USD"), resolved.totalWaste(), "(3.67 + 3.67 + 6.00 + 6.10) x 0.25");
    assertEquals(new BigDecimal("6.10"), resolved.alert().impact().amount());
    assertEquals(List.of(open.alertId() + "-set-min-nodes-zero"), open.alert().recommendationIds());
    assertNull(open.resolvedAt());
  }

  @Test
  void smallImpactChangesPublishNoUpdate() {
    Run run = run(null, List.of(Step.waste(0), Step.waste(1, "3.67", Severity.LOW),
        Step.waste(2, "4.40", Severity.LOW), Step.waste(3, "2.94", Severity.LOW), Step.waste(4, "4.00", Severity.LOW)));

    assertEquals(List.of(AlertStatus.OPEN), run.statuses(), "all within 20 % of the published 3.67, same severity");
  }

  @ParameterizedTest(name = "impact {0} -> update {1}")
  @CsvSource({"4.40, false", "4.41, true", "2.94, false", "2.93, true", "0.00, true"})
  void updateStepIsRelativeToTheLastPublishedImpact(String perHour, boolean update) {
    Run run = run(null, List.of(Step.waste(0), Step.waste(1), Step.waste(2, perHour, Severity.LOW)));

    assertEquals(update ? List.of(AlertStatus.OPEN, AlertStatus.UPDATE) : List.of(AlertStatus.OPEN), run.statuses());
  }

  @Test
  void sameInputTwiceGivesSameIdsAndEvents() {
    Run once = run(null, wastedBusyWastedAgain());
    Run again = run(null, wastedBusyWastedAgain());

    assertEquals(once.events(), again.events());
    assertEquals(once.state(), again.state());
  }

  @Test
  void replayedOrRedeliveredWindowsChangeNothing() {
    Run once = run(null, wastedBusyWastedAgain());
    List<Step> doubled = new ArrayList<>();
    wastedBusyWastedAgain().forEach(s -> {
      doubled.add(s);
      doubled.add(s);
    });

    Run redelivered = run(null, doubled);
    Run replayedOnTop = run(once.state(), wastedBusyWastedAgain());

    assertEquals(once.events(), redelivered.events());
    assertEquals(List.of(), replayedOnTop.events());
    assertEquals(once.state(), replayedOnTop.state());
  }

  static List<Step> flapping() {
    return List.of(Step.waste(0), Step.waste(1), Step.clear(2), Step.clear(3), Step.waste(4), Step.waste(5),
        Step.clear(6), Step.waste(7), Step.waste(8), Step.clear(9));
  }

  @Test
  void flappingInsideTheQuietPeriodOpensNothing() {
    AlertLifecycle quiet = new AlertLifecycle(withQuiet(Duration.ofHours(2)));
    AlertLifecycle noQuiet = new AlertLifecycle(withQuiet(Duration.ZERO));

    Run damped = run(quiet, null, flapping());
    Run undamped = run(noQuiet, null, flapping());

    assertEquals(List.of(AlertStatus.OPEN, AlertStatus.RESOLVED), damped.statuses(),
        "resolved at window 4; windows 4-5 and 7-8 held 30 min each, inside the quiet period (until window 12)");
    assertEquals(List.of(AlertStatus.OPEN, AlertStatus.RESOLVED, AlertStatus.OPEN), undamped.statuses());
    assertEquals(Phase.IDLE, damped.state().phase());
  }

  @Test
  void conditionThatOutlastsTheQuietPeriodOpensWithItsOwnStart() {
    AlertLifecycle quiet = new AlertLifecycle(withQuiet(Duration.ofHours(1)));

    Run run = run(quiet, null, List.of(Step.waste(0), Step.waste(1), Step.clear(2), Step.clear(3), Step.waste(4),
        Step.waste(5), Step.waste(6), Step.waste(7), Step.waste(8)));

    assertEquals(List.of(AlertStatus.OPEN, AlertStatus.RESOLVED, AlertStatus.OPEN), run.statuses());
    LifecycleEvent reopened = run.events().get(2);
    assertEquals(window(4), reopened.firstSeen(), "the episode started inside the quiet period");
    assertEquals(window(8), reopened.lastSeen(), "it opened at window(8), when the hour of quiet ended");
  }

  static LifecycleRules withQuiet(Duration quiet) {
    return new LifecycleRules(RULES.minDurationBeforeOpen(), RULES.clearBeforeResolve(), quiet,
        RULES.updateStepPercent());
  }

  @Test
  void aClearWindowRestartsThePendingCount() {
    Run run = run(null, List.of(Step.waste(0), Step.clear(1), Step.waste(2), Step.clear(3), Step.waste(4),
        Step.waste(5)));

    assertEquals(List.of(AlertStatus.OPEN), run.statuses());
    assertEquals(window(4), run.events().get(0).firstSeen());
  }

  @Test
  void aGapRestartsThePendingCountButNotAFiringEpisode() {
    Run gapWhilePending = run(null, List.of(Step.waste(0), Step.waste(2), Step.waste(3)));
    Run gapWhileFiring = run(null, List.of(Step.waste(0), Step.waste(1), Step.waste(3), Step.clear(4)));

    assertEquals(window(2), gapWhilePending.events().get(0).firstSeen());
    assertEquals(List.of(AlertStatus.OPEN), gapWhileFiring.statuses());
    assertEquals(Phase.FIRING, gapWhileFiring.state().phase());
  }

  @Test
  void zeroMinimumDurationOpensOnTheFirstWindow() {
    AlertLifecycle eager = new AlertLifecycle(new LifecycleRules(Duration.ZERO, Duration.ofMinutes(15),
        Duration.ZERO, BigDecimal.TEN));

    Transition t = eager.onFinding(null, gpuIdle(0, "3.67", Severity.LOW), window(1));

    assertEquals(AlertStatus.OPEN, t.event().orElseThrow().status());
    assertEquals(Phase.FIRING, t.state().phase());
  }

  @Test
  void snoozeHoldsBackOpenUntilItEndsThenOpensTheSameEpisode() {
    Fingerprint fp = Fingerprint.of(gpuIdle(0, "1", Severity.LOW));
    AlertState snoozed = lifecycle.onFeedback(null, fp,
        new Feedback(Feedback.Kind.SNOOZE, window(4), window(0), "ana", "planned load test"));

    Run during = run(snoozed, List.of(Step.waste(0), Step.waste(1), Step.waste(2)));
    Run after = run(during.state(), List.of(Step.waste(3), Step.waste(4)));

    assertEquals(List.of(), during.events());
    assertEquals(Phase.SUPPRESSED, during.state().phase());
    assertEquals(List.of(AlertStatus.OPEN), after.statuses(), "window 3 ends at window(4) = end of the snooze");
    assertEquals(window(0), after.events().get(0).firstSeen());
    assertEquals(fp.alertId(window(0)), after.events().get(0).alertId());
  }

  @Test
  void expectedSuppressesTheCurrentEpisodeOnlyAndEndsSilently() {
    Run pending = run(null, List.of(Step.waste(0)));
    AlertState expected = lifecycle.onFeedback(pending.state(), pending.state().fingerprint(),
        new Feedback(Feedback.Kind.EXPECTED, null, window(1), "ana", "nightly batch"));

    Run episode = run(expected, List.of(Step.waste(1), Step.waste(2), Step.clear(3), Step.clear(4)));
    Run next = run(episode.state(), List.of(Step.waste(5), Step.waste(6)));

    assertEquals(List.of(), episode.events());
    assertEquals(Phase.IDLE, episode.state().phase());
    assertTrue(episode.state().suppression().empty());
    assertEquals(List.of(AlertStatus.OPEN), next.statuses());
    assertEquals(1, next.events().get(0).episode());
  }

  @Test
  void falsePositivesAreCountedPerDetectorAndSuppressOpen() {
    Run pending = run(null, List.of(Step.waste(0)));
    Feedback fp = new Feedback(Feedback.Kind.FALSE_POSITIVE, window(10), window(1), "ana", "GPU was busy");

    AlertState marked = lifecycle.onFeedback(pending.state(), pending.state().fingerprint(), fp);
    AlertState twice = lifecycle.onFeedback(marked, marked.fingerprint(), fp);
    Run later = run(twice, List.of(Step.waste(1), Step.waste(2)));

    assertEquals(2, twice.falsePositiveCount("gpu-idle"));
    assertEquals(0, twice.falsePositiveCount("spend-spike-median"));
    assertEquals(List.of(), later.events());
    assertEquals(Phase.SUPPRESSED, later.state().phase());
  }

  @Test
  void acknowledgedSilencesUpdatesButNotResolution() {
    Run open = run(null, List.of(Step.waste(0), Step.waste(1)));
    AlertState acked = lifecycle.onFeedback(open.state(), open.state().fingerprint(),
        new Feedback(Feedback.Kind.ACKNOWLEDGE, null, window(2), "ana", null));

    Run rest = run(acked, List.of(Step.waste(2, "9.00", Severity.HIGH), Step.clear(3), Step.clear(4)));

    assertEquals(List.of(AlertStatus.RESOLVED), rest.statuses());
    assertEquals(Severity.LOW, rest.events().get(0).alert().severity(), "resolves the alert as it was published");
    assertTrue(rest.state().suppression().empty(), "an acknowledgement ends with its episode");
  }

  @Test
  void snoozeOnAFiringAlertSilencesUpdatesUntilItEnds() {
    Run open = run(null, List.of(Step.waste(0), Step.waste(1)));
    AlertState snoozed = lifecycle.onFeedback(open.state(), open.state().fingerprint(),
        new Feedback(Feedback.Kind.SNOOZE, window(4), window(2), "ana", null));

    Run rest = run(snoozed, List.of(Step.waste(2, "9.00", Severity.HIGH), Step.waste(3, "9.00", Severity.HIGH),
        Step.waste(4, "9.00", Severity.HIGH)));

    assertEquals(List.of(AlertStatus.UPDATE), rest.statuses());
    assertEquals(window(4), rest.events().get(0).lastSeen(), "window 3 ends when the snooze does");
  }

  @Test
  void aRevisedDayReplacesItsWasteInsteadOfAddingIt() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    Instant day = Instant.parse("2026-03-02T00:00:00Z");
    Instant end = day.plus(Duration.ofDays(1));

    Transition first = daily.onFinding(null, spendSpike(day, "600"), end);
    Transition revised = daily.onFinding(first.state(), spendSpike(day, "800"), end);
    Transition same = daily.onFinding(revised.state(), spendSpike(day, "800"), end);

    assertEquals(AlertStatus.OPEN, first.event().orElseThrow().status());
    assertEquals(Money.of("600.00", "USD"), first.event().orElseThrow().totalWaste());
    assertEquals(AlertStatus.UPDATE, revised.event().orElseThrow().status());
    assertEquals(Money.of("800.00", "USD"), revised.event().orElseThrow().totalWaste());
    assertTrue(same.event().isEmpty());
    assertEquals(first.event().orElseThrow().alertId(), revised.event().orElseThrow().alertId());
  }

  /** Spend days 2026-03-02.. with the daily defaults: spike on day 0, clear days after, as the spend detector sends. */
  private static final Instant DAY0 = Instant.parse("2026-03-02T00:00:00Z");

  private static Instant day(int n) {
    return DAY0.plus(Duration.ofDays(n));
  }

  private static Fingerprint spendFingerprint() {
    return Fingerprint.of(spendSpike(DAY0, "1"));
  }

  @Test
  void aCorrectionThatRemovesTheOnlySpikeDayResolvesTheFiringAlertAsRetracted() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    Transition open = daily.onFinding(null, spendSpike(day(0), "600"), day(1));

    Transition revised = daily.onRevision(open.state(), spendFingerprint(), null, Money.of("600", "USD"), day(0),
        day(1));

    LifecycleEvent resolved = revised.event().orElseThrow();
    assertEquals(AlertStatus.RESOLVED, resolved.status());
    assertEquals(open.event().orElseThrow().alertId(), resolved.alertId(), "the same alert, not a new one");
    assertEquals(0, resolved.totalWaste().amount().signum());
    assertTrue(resolved.alert().summary().contains("retracted"), resolved.alert().summary());
    assertEquals(Phase.IDLE, revised.state().phase());
  }

  @Test
  void aCorrectedSpikeDayUpdatesItsAlertWithTheNewExcess() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    Transition open = daily.onFinding(null, spendSpike(day(0), "600"), day(1));
    Transition second = daily.onFinding(open.state(), spendSpike(day(1), "400"), day(2));

    Transition revised = daily.onRevision(second.state(), spendFingerprint(), spendSpike(day(0), "900"),
        Money.of("600", "USD"), day(0), day(1));

    LifecycleEvent update = revised.event().orElseThrow();
    assertEquals(AlertStatus.UPDATE, update.status());
    assertEquals(open.event().orElseThrow().alertId(), update.alertId());
    assertEquals(Money.of("1300.00", "USD"), update.totalWaste(), "400 + the corrected 900, not + 600 again");
    assertTrue(update.alert().summary().contains("Revised"), update.alert().summary());
  }

  @Test
  void aResolvedAlertWhoseDayIsCorrectedIsReannouncedResolvedWithTheCorrectedEpisode() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    Transition open = daily.onFinding(null, spendSpike(day(0), "600"), day(1));
    Transition resolved = daily.onClear(open.state(), AzureResourceId.workspace(GPU.workspaceId()), "SPEND_SPIKE",
        day(2));
    assertEquals(AlertStatus.RESOLVED, resolved.event().orElseThrow().status());

    Transition revised = daily.onRevision(resolved.state(), spendFingerprint(), spendSpike(day(0), "650"),
        Money.of("600", "USD"), day(0), day(1));

    LifecycleEvent again = revised.event().orElseThrow();
    assertEquals(AlertStatus.RESOLVED, again.status());
    assertEquals(open.event().orElseThrow().alertId(), again.alertId());
    assertEquals(Money.of("650.00", "USD"), again.totalWaste());
  }

  @Test
  void aPastDayThatBecomesASpikeOpensOnlyWhenNothingLaterIsUnderWay() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    AlertState quiet = daily.onClear(daily.onClear(null, AzureResourceId.workspace(GPU.workspaceId()),
        "SPEND_SPIKE", day(1)).state(), AzureResourceId.workspace(GPU.workspaceId()), "SPEND_SPIKE", day(2)).state();

    Transition late = daily.onRevision(quiet, spendFingerprint(), spendSpike(day(0), "700"), null, day(0), day(1));
    Transition nothing = daily.onRevision(quiet, spendFingerprint(), null, null, day(0), day(1));

    assertEquals(AlertStatus.OPEN, late.event().orElseThrow().status());
    assertEquals(spendFingerprint().alertId(day(0)), late.event().orElseThrow().alertId());
    assertTrue(nothing.event().isEmpty());

    AlertState laterEpisode = daily.onFinding(quiet, spendSpike(day(5), "800"), day(6)).state();
    Transition underWay = daily.onRevision(laterEpisode, spendFingerprint(), spendSpike(day(3), "700"), null, day(3),
        day(4));
    assertTrue(underWay.event().isEmpty(), "a later episode is firing: the older day opens nothing");
    assertEquals(laterEpisode, underWay.state());
  }

  @Test
  void aClearDayAfterTheSpikeThatBecomesOneExtendsTheFiringEpisode() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    Transition open = daily.onFinding(null, spendSpike(day(0), "600"), day(1));
    AlertState stillFiring = daily.onClear(open.state(), AzureResourceId.workspace(GPU.workspaceId()), "SPEND_SPIKE",
        day(1).plus(Duration.ofMinutes(10))).state();

    Transition revised = daily.onRevision(stillFiring, spendFingerprint(), spendSpike(day(1), "300"), null, day(1),
        day(2));

    LifecycleEvent update = revised.event().orElseThrow();
    assertEquals(AlertStatus.UPDATE, update.status());
    assertEquals(Money.of("900.00", "USD"), update.totalWaste());
    assertEquals(day(2), update.lastSeen());
  }

  @Test
  void revisingAnEarlierDayKeepsTheLatestWindowAsTheAlertsHeadline() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    Transition open = daily.onFinding(null, spendSpike(day(0), "600"), day(1));
    Transition second = daily.onFinding(open.state(), spendSpike(day(1), "400"), day(2));

    LifecycleEvent update = daily.onRevision(second.state(), spendFingerprint(), spendSpike(day(0), "900"),
        Money.of("600", "USD"), day(0), day(1)).event().orElseThrow();

    assertEquals(day(1), update.alert().windowStart(), "still the latest spike day");
    assertEquals(Money.of("1300.00", "USD"), update.totalWaste());
  }

  @Test
  void revisionsNeverPublishForAnAlertThatWasNeverOpened() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    AzureResourceId ws = AzureResourceId.workspace(GPU.workspaceId());
    java.util.Set<String> opened = new java.util.HashSet<>();
    List<LifecycleEvent> events = new ArrayList<>();
    java.util.function.UnaryOperator<Transition> keep = t -> {
      t.event().ifPresent(e -> {
        events.add(e);
        if (e.status() == AlertStatus.OPEN) {
          opened.add(e.alertId());
        }
      });
      return t;
    };
    AlertState s = keep.apply(daily.onFinding(null, spendSpike(day(0), "600"), day(1))).state();
    s = keep.apply(daily.onClear(s, ws, "SPEND_SPIKE", day(2))).state();
    s = keep.apply(daily.onClear(s, ws, "SPEND_SPIKE", day(3))).state();
    // day 1, judged clear, becomes a spike: the resolved episode of day 0 grew
    s = keep.apply(daily.onRevision(s, spendFingerprint(), spendSpike(day(1), "500"), null, day(1), day(2))).state();
    s = keep.apply(daily.onClear(s, ws, "SPEND_SPIKE", day(4))).state();
    s = keep.apply(daily.onRevision(s, spendFingerprint(), spendSpike(day(1), "450"), Money.of("500", "USD"), day(1),
        day(2))).state();

    assertEquals(List.of(AlertStatus.OPEN, AlertStatus.RESOLVED, AlertStatus.RESOLVED, AlertStatus.RESOLVED),
        events.stream().map(LifecycleEvent::status).toList());
    assertTrue(events.stream().allMatch(e -> opened.contains(e.alertId())), events::toString);
    assertEquals(Money.of("1050.00", "USD"), events.get(3).totalWaste(), "600 + the corrected 450");
  }

  @Test
  void twoLateSpikeDaysAfterAResolvedEpisodeGrowItAndLaterCorrectionsStillReachIt() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    AzureResourceId ws = AzureResourceId.workspace(GPU.workspaceId());
    Transition open = daily.onFinding(null, spendSpike(day(0), "600"), day(1));
    AlertState s = daily.onClear(open.state(), ws, "SPEND_SPIKE", day(2)).state();
    s = daily.onClear(s, ws, "SPEND_SPIKE", day(3)).state();
    s = daily.onRevision(s, spendFingerprint(), spendSpike(day(1), "500"), null, day(1), day(2)).state();
    Transition second = daily.onRevision(s, spendFingerprint(), spendSpike(day(2), "400"), null, day(2), day(3));

    LifecycleEvent grown = second.event().orElseThrow();
    assertEquals(AlertStatus.RESOLVED, grown.status());
    assertEquals(open.event().orElseThrow().alertId(), grown.alertId());
    assertTrue(!grown.resolvedAt().isBefore(grown.lastSeen()), grown::toString);
    Transition later = daily.onRevision(second.state(), spendFingerprint(), spendSpike(day(0), "900"),
        Money.of("600", "USD"), day(0), day(1));
    assertEquals(Money.of("1800.00", "USD"), later.event().orElseThrow().totalWaste(), "900 + 500 + 400");
  }

  @Test
  void anAlertFiringBeforeOpenedAlertIdExistedIsStillRevisedAfterItResolves() {
    AlertLifecycle daily = new AlertLifecycle(LifecycleRules.defaults());
    AlertState o = daily.onFinding(null, spendSpike(day(0), "600"), day(1)).state();
    AlertState legacy = new AlertState(1, o.fingerprint(), o.phase(), o.episode(), o.alertId(),
        o.episodeStart(), o.firstSeen(), o.lastSeen(), o.lastEvaluated(), o.heldFor(), o.totalWaste(),
        o.lastWindowWaste(), o.latest(), o.recommendations(), o.publishedImpact(), o.publishedSeverity(),
        o.lastResolvedAt(), o.suppression(), o.falsePositives(), null, null, null, null);
    // the upgrade step the lifecycle store applies to every value it reads
    AlertState upgraded = legacy.upgraded();
    assertEquals(AlertState.SCHEMA_VERSION, upgraded.schemaVersion());
    assertEquals(o.alertId(), upgraded.openedAlertId());
    AlertState resolved = daily.onClear(upgraded, AzureResourceId.workspace(GPU.workspaceId()), "SPEND_SPIKE",
        day(2)).state();

    Transition revised = daily.onRevision(resolved, spendFingerprint(), spendSpike(day(0), "650"),
        Money.of("600", "USD"), day(0), day(1));

    assertEquals(AlertStatus.RESOLVED, revised.event().orElseThrow().status());
  }

  @Test
  void anAcknowledgedFiringAlertIsNotUpdatedByARevisionThatGrowsIt() {
    AlertLifecycle slow = new AlertLifecycle(new LifecycleRules(Duration.ofMinutes(30), Duration.ofDays(3),
        Duration.ofHours(1), BigDecimal.valueOf(20)));
    AlertState s = slow.onFinding(null, spendSpike(day(0), "600"), day(1)).state();
    s = slow.onFeedback(s, spendFingerprint(), new Feedback(Feedback.Kind.ACKNOWLEDGE, null, day(1), "ana", null));
    s = slow.onClear(s, AzureResourceId.workspace(GPU.workspaceId()), "SPEND_SPIKE", day(2)).state();
    assertEquals(Phase.FIRING, s.phase());

    Transition t = slow.onRevision(s, spendFingerprint(), spendSpike(day(1), "300"), null, day(1), day(2));

    assertTrue(t.event().isEmpty(), () -> "acknowledged, but got " + t.event());
    assertEquals(0, new BigDecimal("900").compareTo(t.state().totalWaste().amount()), "the totals still grow");
  }

  @Test
  void clearOfAnotherFingerprintIsABug() {
    AlertState state = run(null, List.of(Step.waste(0))).state();

    assertThrows(IllegalArgumentException.class,
        () -> lifecycle.onClear(state, GPU, "IDLE_NODES", window(2)));
    assertThrows(IllegalArgumentException.class,
        () -> lifecycle.onClear(state, AzureResourceId.workspace(GPU.workspaceId()), FindingType.GPU_WASTE, window(2)));
    assertNull(lifecycle.onClear(null, GPU, FindingType.GPU_WASTE, window(2)).state());
  }

  @Test
  void firingEventRebuildsOnlyFiringStates() {
    Run firing = run(null, List.of(Step.waste(0), Step.waste(1)));
    Run resolved = run(firing.state(), List.of(Step.clear(2), Step.clear(3)));

    LifecycleEvent rebuilt = AlertLifecycle.firingEvent(firing.state()).orElseThrow();

    assertEquals(firing.events().get(0).alertId(), rebuilt.alertId());
    assertEquals(window(0), rebuilt.firstSeen());
    assertTrue(AlertLifecycle.firingEvent(resolved.state()).isEmpty());
  }

  @Test
  void stateAndEventsSurviveTheJsonRoundTrip() throws Exception {
    Run run = run(null, List.of(Step.waste(0), Step.waste(1)));
    AlertState state = lifecycle.onFeedback(run.state(), run.state().fingerprint(),
        new Feedback(Feedback.Kind.FALSE_POSITIVE, window(9), window(2), "ana", "x"));
    LifecycleEvent event = run.events().get(0);

    AlertState stateBack = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(state), AlertState.class);
    LifecycleEvent eventBack = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(event), LifecycleEvent.class);

    assertEquals(state, stateBack);
    assertEquals(event, eventBack);
    assertEquals(run(stateBack, List.of(Step.clear(2), Step.clear(3))).events(),
        run(state, List.of(Step.clear(2), Step.clear(3))).events());
  }
}
