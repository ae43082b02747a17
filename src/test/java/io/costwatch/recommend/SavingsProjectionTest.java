package io.costwatch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.Json;
import io.costwatch.core.Money;
import io.costwatch.recommend.SavingsEstimate.Confidence;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SavingsProjectionTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final SavingsProjection PROJECTION = SavingsProjection.defaults();
  private static final Duration LOOKBACK = PROJECTION.lookback();

  /** Saves 100 USD per wasteful hour: 73,000 USD "a month" when extrapolated to 730 h. */
  private static final Recommendation FULL_TIME = new Recommendation("USE_LOW_PRIORITY", "sweep burst",
      Money.of("73000.00", "USD"), new BigDecimal("0.40"), "tier: low_priority", "If it ran 730 h a month.");

  @Test
  void aSingleFifteenMinuteBurstGivesASmallLowConfidenceEstimate() {
    WastePattern burst = WastePattern.none().wasteful(T0, T0.plus(WINDOW), LOOKBACK);

    Recommendation r = PROJECTION.project(FULL_TIME, burst);

    // 100 USD/h x (15 min of at least a day observed) x 720 h
    assertEquals(Money.of("750.00", "USD"), r.monthlySavings());
    assertTrue(r.monthlySavings().amount().compareTo(new BigDecimal("1460")) < 0, "more than 2 % of the burst x 730 h");
    SavingsEstimate e = r.estimate();
    assertEquals(new SavingsEstimate("P30D", T0, T0.plus(WINDOW), "PT15M", "PT15M", Confidence.LOW), e);
    assertTrue(r.assumption().startsWith("If it ran 730 h a month. Estimate over P30D: wasteful PT15M of PT15M "
        + "observed (counted as P1D)"), r.assumption());
    assertTrue(r.assumption().endsWith("confidence LOW."), r.assumption());
  }

  @Test
  void sustainedWasteOverTheLookbackGivesRateTimesHorizonWithHighConfidence() {
    WastePattern pattern = WastePattern.none();
    for (int n = 0; n < 8 * 96; n++) {
      Instant start = T0.plus(WINDOW.multipliedBy(n));
      pattern = pattern.wasteful(start, start.plus(WINDOW), LOOKBACK);
    }

    Recommendation r = PROJECTION.project(FULL_TIME, pattern);

    assertEquals(Money.of("72000.00", "USD"), r.monthlySavings(), "100 USD/h x 720 h");
    assertEquals(Confidence.HIGH, r.estimate().confidence());
    assertEquals("P30D", r.estimate().horizon());
    assertEquals(r.estimate().observedSpan(), r.estimate().wastefulSpan());
    assertTrue(Duration.parse(r.estimate().observedSpan()).compareTo(LOOKBACK) >= 0, r.estimate().toString());
    assertEquals("P7DT10H", r.estimate().observedSpan(), "the lookback begins at the start of its first day");
  }

  @Test
  void aBurstFollowedByAWeekOfCleanWindowsIsAConfidentlySmallEstimate() {
    WastePattern pattern = WastePattern.none().wasteful(T0, T0.plus(WINDOW), LOOKBACK);
    for (int n = 1; n <= 7 * 96; n++) {
      pattern = pattern.clear(T0.plus(WINDOW.multipliedBy(n + 1)), LOOKBACK);
    }

    Recommendation r = PROJECTION.project(FULL_TIME, pattern);

    assertEquals(Confidence.HIGH, r.estimate().confidence());
    assertEquals("PT15M", r.estimate().wastefulSpan());
    // 100 USD/h x 15 min / (7 days + 15 min) x 720 h
    assertEquals(Money.of("106.98", "USD"), r.monthlySavings());
    assertEquals("P7DT15M", r.estimate().observedSpan());
  }

  @Test
  void twoWastefulHoursADayOverTwoDaysProjectAsAnEighthOfFullTimeWithMediumConfidence() {
    WastePattern pattern = WastePattern.none();
    for (int day = 0; day < 2; day++) {
      for (int n = 0; n < 96; n++) {
        Instant start = T0.plus(Duration.ofDays(day)).plus(WINDOW.multipliedBy(n));
        pattern = n < 8 ? pattern.wasteful(start, start.plus(WINDOW), LOOKBACK)
            : pattern.clear(start.plus(WINDOW), LOOKBACK);
      }
    }

    Recommendation r = PROJECTION.project(FULL_TIME, pattern);

    assertEquals(Confidence.MEDIUM, r.estimate().confidence());
    assertEquals("PT4H", r.estimate().wastefulSpan());
    assertEquals("P2D", r.estimate().observedSpan());
    assertEquals(Money.of("6000.00", "USD"), r.monthlySavings(), "100 USD/h x 4/48 x 720 h");
  }

  @Test
  void thePatternKeepsAtMostTheLookbackInDaysAndSurvivesJson() throws Exception {
    WastePattern pattern = WastePattern.none();
    for (int n = 0; n < 30 * 96; n++) {
      Instant start = T0.plus(WINDOW.multipliedBy(n));
      pattern = n % 2 == 0 ? pattern.wasteful(start, start.plus(WINDOW), LOOKBACK)
          : pattern.clear(start.plus(WINDOW), LOOKBACK);
    }

    assertTrue(pattern.days().size() <= LOOKBACK.toDays() + 1, pattern.days().toString());
    assertEquals(pattern, Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(pattern), WastePattern.class));
  }

  @Test
  void aWindowAcrossMidnightCountsOnBothDays() {
    Instant late = Instant.parse("2026-03-02T23:50:00Z");

    WastePattern pattern = WastePattern.none().wasteful(late, late.plus(WINDOW), LOOKBACK);

    assertEquals(List.of(new WastePattern.WastefulDay(Instant.parse("2026-03-02T00:00:00Z"), 600),
        new WastePattern.WastefulDay(Instant.parse("2026-03-03T00:00:00Z"), 300)), pattern.days());
  }

  @Test
  void nothingObservedLeavesRecommendationsAsPricedAndAClearBeforeAnyFindingObservesNothing() {
    WastePattern none = WastePattern.none().clear(T0, LOOKBACK);

    assertTrue(none.isEmpty());
    assertSame(List.of(FULL_TIME).get(0), PROJECTION.project(List.of(FULL_TIME), none).get(0));
    assertNull(FULL_TIME.estimate());
  }
}
