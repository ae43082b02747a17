package io.costwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.costwatch.detect.spend.SpendAssessment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the spend-spike rule over realistic daily series: a level between $100 and $5,000 a day, noise of
 * up to 20%, an optional weekly job and steady growth, and a few spikes of 1.5x to 6x.
 */
class SpendSpikeProperties {

  private static final SpendRules RULES = SpendRules.defaults();

  /** A generated series: its length, and one amount per day. */
  record Series(List<Double> amounts) {

    NavigableMap<LocalDate, BigDecimal> map(double factor) {
      NavigableMap<LocalDate, BigDecimal> m = new TreeMap<>();
      for (int i = 0; i < amounts.size(); i++) {
        m.put(DailySeries.day(i), BigDecimal.valueOf(amounts.get(i) * factor).setScale(6, RoundingMode.HALF_UP));
      }
      return m;
    }
  }

  @Provide
  Arbitrary<Series> series() {
    Arbitrary<Double> level = Arbitraries.doubles().between(100, 5000);
    Arbitrary<Double> growth = Arbitraries.doubles().between(0, 0.02);
    Arbitrary<Boolean> weeklyJob = Arbitraries.of(true, false);
    Arbitrary<List<Double>> noise = Arbitraries.doubles().between(-0.2, 0.2).list().ofSize(60);
    Arbitrary<List<Double>> spikes = Arbitraries.oneOf(Arbitraries.just(1.0), Arbitraries.just(1.0),
        Arbitraries.just(1.0), Arbitraries.just(1.0), Arbitraries.just(1.0), Arbitraries.just(1.0),
        Arbitraries.doubles().between(1.5, 6)).list().ofSize(60);
    Arbitrary<Integer> length = Arbitraries.integers().between(20, 60);
    return Combinators.combine(level, growth, weeklyJob, noise, spikes, length).as((l, g, job, n, s, len) -> {
      Double[] amounts = new Double[len];
      for (int i = 0; i < len; i++) {
        double base = l * Math.pow(1 + g, i) * (job && i % 7 == 3 ? 3 : 1);
        amounts[i] = base * (1 + n.get(i)) * s.get(i);
      }
      return new Series(List.of(amounts));
    });
  }

  /**
   * Pinned to one seed so that CI runs the same 500 cases each time. Seed -3737254118813043170 once found a
   * counterexample (2026-12-03: on 2025-03-15, actual 159 against 151.5 expected, a weekly-recurrence day, the
   * verdicts of the original and the scaled series differed) that it no longer reproduces; with the expectation never
   * below last week's, 3 x 3,000 random cases passed.
   */
  @Property(tries = 500, seed = "20261203")
  void scalingAmountsAndTheDollarFloorTogetherKeepTheSameSpikes(@ForAll("series") Series s,
      @ForAll @DoubleRange(min = 0.01, max = 1000) double factor) {
    SpendSpikeDetector original = new SpendSpikeDetector(RULES);
    SpendSpikeDetector scaled = new SpendSpikeDetector(new SpendRules(RULES.lookbackDays(), RULES.minHistoryDays(),
        RULES.minDelta().multiply(BigDecimal.valueOf(factor)), RULES.minPercent(), RULES.robustZ(),
        RULES.dailyTiers()));
    NavigableMap<LocalDate, BigDecimal> base = s.map(1);
    NavigableMap<LocalDate, BigDecimal> times = s.map(factor);
    for (LocalDate day : base.keySet()) {
      SpendAssessment a = original.assess(base, day);
      if (onAThreshold(a)) {
        continue;
      }
      assertEquals(a.spike(), scaled.assess(times, day).spike(), () -> day + " " + a);
    }
  }

  /**
   * Pinned to seed -8050836405736717298, which found a counterexample in CI on 2026-12-03 (adding 29.5 USD to a
   * non-spike day of a 24-day series with a weekly peak raised the fit, which switched the expectation from last
   * week's spend back to the lower fit and made another day a spike; now a unit test in {@code SpendSpikeDetectorTest}).
   * Since the expectation is never below last week's, 3 x 3,000 random cases passed; pinned so that CI runs the same
   * cases each time, including that one.
   */
  @Property(tries = 500, seed = "-8050836405736717298")
  void aSubThresholdChangeOnANonSpikeDayCreatesNoSpikeElsewhere(@ForAll("series") Series s,
      @ForAll @IntRange(min = 0, max = 59) int changed, @ForAll @DoubleRange(min = 0, max = 1) double share) {
    SpendSpikeDetector detector = new SpendSpikeDetector(RULES);
    NavigableMap<LocalDate, BigDecimal> before = s.map(1);
    LocalDate target = DailySeries.day(changed % s.amounts().size());
    SpendAssessment targetBefore = detector.assess(before, target);
    if (targetBefore.spike()) {
      return;
    }
    double constant = share * Math.min(RULES.minDelta().doubleValue(),
        Math.max(0, targetBefore.expected()) * RULES.minPercent() / 100);
    NavigableMap<LocalDate, BigDecimal> after = new TreeMap<>(before);
    after.merge(target, BigDecimal.valueOf(constant), BigDecimal::add);
    for (LocalDate day : before.keySet()) {
      if (day.equals(target) || closeToFiring(detector.assess(before, day), constant)) {
        continue;
      }
      assertFalse(detector.assess(after, day).spike(), () -> "adding " + constant + " on " + target
          + " made " + day + " a spike: " + detector.assess(after, day));
    }
  }

  /**
   * A day within 20% of the dollar and percentage gates, after allowing its expectation to move by twice the change.
   * The robust-z gate is not a margin a small change must respect: on a short history the MAD is computed from a
   * handful of days, and raising one of them can shrink the spread a lot (a run found z moving from below 2.8 to 3.51
   * after adding 9 to one of 10 days). Nor is the expectation fixed: raising an early day tilts the robust trend down
   * and lowers later expectations (seed -977006745339193352: adding 23 to day 1 of 14 lowered day 14's expectation by
   * about 11). The property is that a small change never turns a day that is clearly below the money gates into a
   * spike.
   */
  private static boolean closeToFiring(SpendAssessment a, double change) {
    if (a.spike()) {
      return true;
    }
    double lowest = Math.max(1e-9, a.expected() - 2 * change);
    double delta = a.actual() - lowest;
    return delta >= 0.8 * RULES.minDelta().doubleValue() && delta / lowest * 100 >= 0.8 * RULES.minPercent();
  }

  /** Floating-point ties with a threshold are the only place where rounding may decide; they are skipped. */
  private static boolean onAThreshold(SpendAssessment a) {
    return near(a.percent(), RULES.minPercent()) || near(a.robustZ(), RULES.robustZ())
        || near(a.delta(), RULES.minDelta().doubleValue());
  }

  private static boolean near(double value, double threshold) {
    return Double.isFinite(value) && Math.abs(value - threshold) <= 1e-6 * Math.max(1, Math.abs(threshold));
  }
}
