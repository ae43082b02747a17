package io.costwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.spend.SpendAssessment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpendSpikeDetectorTest {

  private static final AzureResourceId WS = AzureResourceId.workspace(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-vision");
  private static final SourceRef SOURCE = SourceRef.line("export.csv", 2);
  private final SpendSpikeDetector detector = new SpendSpikeDetector(SpendRules.defaults());

  /** name, series, evaluated day index, spike expected, and when it is, the bounds of the excess. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("13 days of ~100 then 640", DailySeries.with(DailySeries.of(13, i -> DailySeries.wiggle(100, i)),
            13, 640), 13, true, 535.0, 541.0),
        Arguments.of("12 days cycling 100/105/110 then 640: +530 over last week's 110 exactly",
            DailySeries.with(DailySeries.of(12, i -> 100 + (i % 3) * 5), 12, 640), 12, true, 530.0, 530.0),
        Arguments.of("weekly job of 500 for 5 weeks is normal on its weekday",
            DailySeries.of(36, i -> i % 7 == 0 ? 500 : DailySeries.wiggle(100, i)), 35, false, 0.0, 0.0),
        Arguments.of("weekly job weekday, a real spike on top of the job",
            DailySeries.with(DailySeries.of(35, i -> i % 7 == 0 ? 500 : DailySeries.wiggle(100, i)), 35, 1500), 35,
            true, 990.0, 1010.0),
        Arguments.of("the day after the weekly job is not inflated",
            DailySeries.of(37, i -> i % 7 == 0 ? 500 : DailySeries.wiggle(100, i)), 36, false, 0.0, 0.0),
        Arguments.of("steady growth of 3% a day is not a spike",
            DailySeries.of(41, i -> 100 * Math.pow(1.03, i)), 40, false, 0.0, 0.0),
        Arguments.of("steady growth of $8 a day with weekends is not a spike",
            DailySeries.of(50, i -> (200 + 8 * i) * (DailySeries.weekend(i) ? 0.4 : 1)), 49, false, 0.0, 0.0),
        Arguments.of("a spike on top of steady growth is still found",
            DailySeries.with(DailySeries.of(40, i -> 100 * Math.pow(1.03, i)), 40, 1000), 40, true, 650.0, 700.0),
        Arguments.of("Monday after low weekends is not a spike",
            DailySeries.of(36, i -> DailySeries.weekend(i) ? 30 : DailySeries.wiggle(100, i)), 35, false, 0.0, 0.0),
        Arguments.of("short history still alerts, with a caveat",
            DailySeries.with(DailySeries.of(8, i -> DailySeries.wiggle(100, i)), 8, 400), 8, true, 295.0, 302.0),
        Arguments.of("below the minimum history: silent",
            DailySeries.with(DailySeries.of(5, i -> 100), 5, 900), 5, false, 0.0, 0.0),
        Arguments.of("below the $ floor: $10 to $40 pages nobody",
            DailySeries.with(DailySeries.of(20, i -> 10), 20, 40), 20, false, 0.0, 0.0),
        Arguments.of("below the percentage: $1000 to $1400",
            DailySeries.with(DailySeries.of(20, i -> DailySeries.wiggle(1000, i)), 20, 1400), 20, false, 0.0, 0.0),
        Arguments.of("one past spike does not poison the baseline",
            DailySeries.with(DailySeries.with(DailySeries.of(20, i -> DailySeries.wiggle(100, i)), 15, 3000), 20, 400),
            20, true, 295.0, 302.0),
        Arguments.of("a refund day (negative usage) does not make the next day a spike",
            DailySeries.with(DailySeries.with(DailySeries.of(20, i -> DailySeries.wiggle(100, i)), 19, -400), 20,
                104), 20, false, 0.0, 0.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void flagsOnlyRealSpikes(String name, NavigableMap<LocalDate, BigDecimal> series, int dayIndex, boolean spike,
      double minExcess, double maxExcess) {
    Optional<Finding> finding = detector.evaluate(WS, "USD", series, DailySeries.day(dayIndex), 12, SOURCE, SOURCE);

    assertEquals(spike, finding.isPresent(), () -> name + ": " + finding.map(Finding::summary).orElse("no finding"));
    finding.ifPresent(f -> {
      double excess = f.impact().amount().doubleValue();
      assertTrue(excess >= minExcess && excess <= maxExcess, name + ": excess " + excess);
      assertEquals(FindingType.SPEND_SPIKE, f.type());
      assertEquals("P1D", f.impactPeriod());
      assertEquals(12, f.records());
    });
  }

  @Test
  void shortHistoryIsSaidInTheSummary() {
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.with(DailySeries.of(8, i -> 100), 8, 400);

    Finding finding = detector.evaluate(WS, "USD", series, DailySeries.day(8), 1, SOURCE, SOURCE).orElseThrow();

    assertTrue(finding.summary().contains("short history (8 days"), finding.summary());
    assertEquals(new BigDecimal("8"), finding.observed().get("historyDays"));
  }

  @Test
  void longHistoryNamesTheWeekdayBaselineWithoutCaveat() {
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.with(
        DailySeries.of(35, i -> i % 7 == 0 ? 500 : DailySeries.wiggle(100, i)), 35, 1500);

    Finding finding = detector.evaluate(WS, "USD", series, DailySeries.day(35), 1, SOURCE, SOURCE).orElseThrow();

    assertEquals("spend-spike-weekday-median", finding.rule());
    assertFalse(finding.summary().contains("short history"), finding.summary());
    assertTrue(finding.summary().startsWith("ws-vision: usage spend on 2025-04-07 was 1500.00 USD"),
        finding.summary());
  }

  /**
   * A weekly job from the workspace's first day: its first run is before the minimum history, every later run has the
   * previous one a week earlier, so none pages, also in the first two weeks when no weekday profile exists yet.
   */
  @Test
  void aWeeklyJobNeverAlertsFromItsSecondRunOn() {
    for (int firstRun = 0; firstRun < 7; firstRun++) {
      int offset = firstRun;
      NavigableMap<LocalDate, BigDecimal> series = DailySeries.of(43,
          i -> (i - offset) % 7 == 0 && i >= offset ? 900 : DailySeries.wiggle(100, i));
      for (int day = Math.max(offset + 7, 7); day < 43; day += 7) {
        SpendAssessment a = detector.assess(series, DailySeries.day(day));
        int evaluated = day;
        assertFalse(a.spike(), () -> "run on day " + evaluated + " (first run day " + offset + "): " + a);
      }
    }
  }

  @Test
  void aWeeklyJobsSecondRunIsNamedAsARecurrenceAndALargerRunStillAlerts() {
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.of(14, i -> i == 3 || i == 10 ? 900 : 100);

    SpendAssessment second = detector.assess(series, DailySeries.day(10));
    Finding bigger = detector.evaluate(WS, "USD", DailySeries.with(series, 10, 2500), DailySeries.day(10), 1,
        SOURCE, SOURCE).orElseThrow();

    assertTrue(second.weeklyRecurrence(), second::toString);
    assertFalse(second.seasonal(), second::toString);
    assertEquals(900, second.expected(), 1e-9);
    assertEquals("spend-spike-weekly-recurrence", bigger.rule());
    assertEquals(1600, bigger.impact().amount().doubleValue(), 0.005, bigger.summary());
    assertTrue(bigger.summary().contains("against a last-week baseline of 900.00 USD"), bigger.summary());
  }

  /**
   * The counterexample the property search found (seed -8050836405736717298, shrunk): a weekly job on days 3, 10,
   * 17 and 24 at 278, 278, 419 and 442. Day 24's expectation was last week's 419 while that stood 50 % above the fit,
   * and fell back to the fit (292) once 29.50 more on day 20 raised the fit enough to close the gap below 50 %: a
   * higher fit gave a lower expectation and made day 24 a spike. The expectation is now never below last week's.
   */
  @Test
  void moreSpendOnAnotherDayNeverLowersADaysExpectation() {
    double[] amounts = {103.0, 101.0, 102.01, 278.18127, 104.060401, 105.10100501, 106.15201506, 107.21353521,
        108.28567056, 109.36852727, 278.3647756, 111.56683467, 112.68250301, 113.80932804, 114.94742132,
        109.1310818, 140.70943739, 419.24376871, 111.24171524, 111.14602344, 108.59691356, 98.59135523, 99.57726878,
        188.57445275, 441.86765769, 128.2431995, 129.5256315, 130.82088781, 132.12909669};
    NavigableMap<LocalDate, BigDecimal> before = DailySeries.of(amounts.length, i -> amounts[i]);
    NavigableMap<LocalDate, BigDecimal> after = DailySeries.with(before, 20, amounts[20] + 29.5);

    SpendAssessment dayBefore = detector.assess(before, DailySeries.day(24));
    SpendAssessment dayAfter = detector.assess(after, DailySeries.day(24));

    assertFalse(dayBefore.spike(), dayBefore::toString);
    assertFalse(dayAfter.spike(), dayAfter::toString);
    assertEquals(419.24, dayAfter.expected(), 1e-9, dayAfter::toString);
    assertTrue(dayAfter.weeklyRecurrence(), dayAfter::toString);
  }

  @Test
  void aNewWeeklyJobInALongHistoryAlertsOnceThenIsARecurrence() {
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.of(45,
        i -> i >= 30 && (i - 30) % 7 == 0 ? 800 : DailySeries.wiggle(100, i));

    assertTrue(detector.assess(series, DailySeries.day(30)).spike(), "the job's first run is new spend");
    assertFalse(detector.assess(series, DailySeries.day(37)).spike(), "its second run a week later");
    assertFalse(detector.assess(series, DailySeries.day(44)).spike(), "its third run");
  }

  @Test
  void aWeeklyJobInAnHourlySeriesIsARecurrenceNotASpike() {
    Instant start = Instant.parse("2025-03-03T00:00:00Z");
    NavigableMap<Instant, BigDecimal> hourly = new TreeMap<>();
    for (int h = 0; h < 24 * 15; h++) {
      // every Monday 03:00 a job of 400; other hours 10-12
      double v = h % (24 * 7) == 3 ? 400 : 10 + (h % 3);
      hourly.put(start.plus(h, ChronoUnit.HOURS), BigDecimal.valueOf(v));
    }

    SpendAssessment secondMonday = detector.assess(hourly, start.plus(24 * 7 + 3, ChronoUnit.HOURS));
    SpendAssessment thirdMonday = detector.assess(hourly, start.plus(24 * 14 + 3, ChronoUnit.HOURS));

    assertFalse(secondMonday.spike(), secondMonday::toString);
    assertFalse(thirdMonday.spike(), thirdMonday::toString);
    assertTrue(thirdMonday.weeklyRecurrence(), thirdMonday::toString);
  }

  @ParameterizedTest(name = "excess {0} -> {1}")
  @MethodSource("tiers")
  void severityFollowsTheDollarImpact(double spike, Severity severity) {
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.with(DailySeries.of(20, i -> 100), 20, 100 + spike);

    Finding finding = detector.evaluate(WS, "USD", series, DailySeries.day(20), 1, SOURCE, SOURCE).orElseThrow();

    assertEquals(severity, finding.severity());
  }

  static Stream<Arguments> tiers() {
    return Stream.of(Arguments.of(60.0, Severity.LOW), Arguments.of(150.0, Severity.MEDIUM),
        Arguments.of(1500.0, Severity.HIGH), Arguments.of(6000.0, Severity.CRITICAL));
  }

  @Test
  void hourlySeriesLearnsTheNightlyBatchAndFlagsAnOffHourSpike() {
    Instant start = Instant.parse("2025-03-03T00:00:00Z");
    NavigableMap<Instant, BigDecimal> hourly = new TreeMap<>();
    for (int h = 0; h < 24 * 10 + 14; h++) {
      double v = h % 24 == 2 ? 60 : 10 + (h % 3);
      hourly.put(start.plus(h, ChronoUnit.HOURS), BigDecimal.valueOf(v));
    }
    Instant batch = start.plus(24 * 10 + 2, ChronoUnit.HOURS);
    Instant afternoon = start.plus(24 * 10 + 14, ChronoUnit.HOURS);
    hourly.put(batch, BigDecimal.valueOf(61));
    hourly.put(afternoon, BigDecimal.valueOf(95));

    SpendAssessment nightly = detector.assess(hourly, batch);
    Optional<Finding> spike = detector.evaluate(WS, "USD", hourly, afternoon, 3, SOURCE, SOURCE);

    assertFalse(nightly.spike(), () -> "nightly batch flagged: " + nightly);
    assertTrue(nightly.seasonal());
    Finding finding = spike.orElseThrow();
    assertEquals("PT1H", finding.impactPeriod());
    assertEquals("spend-spike-hourly-hour-median", finding.rule());
    assertTrue(finding.impact().amount().doubleValue() > 80, finding.summary());
  }

  @Test
  void hourlyBelowTheMinimumHistoryIsSilent() {
    Instant start = Instant.parse("2025-03-03T00:00:00Z");
    NavigableMap<Instant, BigDecimal> hourly = new TreeMap<>();
    for (int h = 0; h < 48; h++) {
      hourly.put(start.plus(h, ChronoUnit.HOURS), BigDecimal.TEN);
    }
    hourly.put(start.plus(48, ChronoUnit.HOURS), BigDecimal.valueOf(500));

    SpendAssessment a = detector.assess(hourly, start.plus(48, ChronoUnit.HOURS));

    assertFalse(a.enoughHistory());
    assertFalse(a.spike());
  }
}
