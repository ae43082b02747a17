package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.spend.HourlyRules;
import io.costwatch.detect.spend.SeasonalBaseline;
import io.costwatch.detect.spend.SeasonalBaseline.Fit;
import io.costwatch.detect.spend.SeasonalBaseline.Shape;
import io.costwatch.detect.spend.SpendAssessment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * A workspace's usage spend far above what its own recent past predicts. The prediction ({@link SeasonalBaseline})
 * knows the day of week (hour of day for hourly series), follows steady growth with a robust trend and a level that
 * moves with the last week, and is built from medians, so one past spike does not poison it and a weekly job is
 * learned as normal. A point is a spike only when it clears the $ floor, the percentage and the robust z-score, so
 * a $3 to $9 day pages nobody and a noisy workspace needs a larger excess than a steady one. Days (hours) without
 * spend inside the history count as zero; before the series' first entry they are unknown.
 */
public final class SpendSpikeDetector {

  /** Short of this many days the weekday profile cannot exist yet; findings say the baseline is tentative. */
  private static final int SEASONAL_HISTORY_DAYS = 14;
  /** The spread is at least this share of the expectation, so a perfectly flat history gives a finite z. */
  private static final double MIN_RELATIVE_SPREAD = 0.01;

  private final SpendRules rules;
  private final HourlyRules hourlyRules;
  /** Where the thresholds came from when not the defaults (a scope override), told in each finding's summary. */
  private final String rulesSource;

  public SpendSpikeDetector(SpendRules rules) {
    this(rules, HourlyRules.from(rules));
  }

  public SpendSpikeDetector(SpendRules rules, HourlyRules hourlyRules) {
    this(rules, hourlyRules, null);
  }

  /** @param rulesSource e.g. {@code scope override /subscriptions/s1}, or null for the defaults */
  public SpendSpikeDetector(SpendRules rules, String rulesSource) {
    this(rules, HourlyRules.from(rules), rulesSource);
  }

  private SpendSpikeDetector(SpendRules rules, HourlyRules hourlyRules, String rulesSource) {
    this.rules = rules;
    this.hourlyRules = hourlyRules;
    this.rulesSource = rulesSource;
  }

  /**
   * @param daily usage spend per UTC day of one workspace in one currency (days before the first entry are unknown)
   * @param day the day to evaluate
   */
  public Optional<Finding> evaluate(AzureResourceId workspace, String currency, NavigableMap<LocalDate, BigDecimal> daily,
      LocalDate day, long records, SourceRef firstSource, SourceRef lastSource) {
    SpendAssessment a = assess(daily, day);
    if (!a.spike()) {
      return Optional.empty();
    }
    String caveat = a.historyPoints() < SEASONAL_HISTORY_DAYS
        ? "; short history (" + a.historyPoints() + " days, no weekday profile yet), baseline is tentative" : "";
    String summary = String.format(Locale.ROOT, "%s: usage spend on %s was %s %s against a %s baseline of %s %s%s%s.",
        workspace.label(), day, money(a.actual()), currency, baseline(a, "same-weekday", "recent-days"),
        money(a.expected()), currency, excessText(a, currency, "day"), caveat) + sourceText();
    return Optional.of(finding(FindingType.SPEND_SPIKE, a, workspace, currency,
        day.atStartOfDay(ZoneOffset.UTC).toInstant(),
        day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        rule(a, "spend-spike", "-weekday-median"), "P1D", "dailySpend", "historyDays",
        "trendPerDay", rules.minDelta(), rules.minPercent(), rules.robustZ(), rules.dailyTiers(), summary, records,
        firstSource, lastSource));
  }

  /**
   * The hourly variant, for series of hourly points (billing rows with hourly charge periods, or hourly telemetry):
   * the baseline knows the hour of day, and thresholds come from {@link HourlyRules}. Its findings are
   * {@link FindingType#HOURLY_SPEND_SPIKE}, a fingerprint of their own beside the daily rule's.
   *
   * @param hourly spend per UTC hour (keys at whole hours; hours before the first entry are unknown)
   * @param hour the hour to evaluate (truncated to the hour)
   */
  public Optional<Finding> evaluate(AzureResourceId workspace, String currency, NavigableMap<Instant, BigDecimal> hourly,
      Instant hour, long records, SourceRef firstSource, SourceRef lastSource) {
    Instant start = hour.truncatedTo(ChronoUnit.HOURS);
    SpendAssessment a = assess(hourly, start);
    if (!a.spike()) {
      return Optional.empty();
    }
    String caveat = a.historyPoints() < 7 * 24
        ? "; short history (" + a.historyPoints() + " hours), baseline is tentative" : "";
    String summary = String.format(Locale.ROOT,
        "%s: usage spend in the hour from %s was %s %s against a %s baseline of %s %s%s%s.", workspace.label(), start,
        money(a.actual()), currency, baseline(a, "same-hour", "recent-hours"), money(a.expected()), currency,
        excessText(a, currency, "hour"), caveat) + sourceText();
    return Optional.of(finding(FindingType.HOURLY_SPEND_SPIKE, a, workspace, currency, start,
        start.plus(1, ChronoUnit.HOURS),
        rule(a, "spend-spike-hourly", "-hour-median"), "PT1H", "hourlySpend",
        "historyHours", "trendPerHour", hourlyRules.minDelta(), hourlyRules.minPercent(), hourlyRules.robustZ(),
        hourlyRules.hourlyTiers(), summary, records, firstSource, lastSource));
  }

  /** The daily rule's numbers for one day, spike or not. */
  public SpendAssessment assess(NavigableMap<LocalDate, BigDecimal> daily, LocalDate day) {
    LocalDate first = daily.isEmpty() ? day : daily.firstKey();
    LocalDate from = day.minusDays(rules.lookbackDays());
    if (from.isBefore(first)) {
      from = first;
    }
    int n = (int) Math.max(0, ChronoUnit.DAYS.between(from, day));
    double[] history = new double[n];
    int[] phases = new int[n];
    for (int i = 0; i < n; i++) {
      LocalDate d = from.plusDays(i);
      history[i] = daily.getOrDefault(d, BigDecimal.ZERO).doubleValue();
      phases[i] = d.getDayOfWeek().getValue() - 1;
    }
    double actual = daily.getOrDefault(day, BigDecimal.ZERO).doubleValue();
    Fit fit = SeasonalBaseline.fit(history, phases, day.getDayOfWeek().getValue() - 1, Shape.daily());
    LocalDate lastWeek = day.minusDays(7);
    double recurrence = lastWeek.isBefore(first) ? 0 : daily.getOrDefault(lastWeek, BigDecimal.ZERO).doubleValue();
    return gate(actual, fit, recurrence, n >= rules.minHistoryDays(), rules.minDelta(), rules.minPercent(),
        rules.robustZ());
  }

  /** The hourly rule's numbers for one hour, spike or not. */
  public SpendAssessment assess(NavigableMap<Instant, BigDecimal> hourly, Instant hour) {
    Instant start = hour.truncatedTo(ChronoUnit.HOURS);
    Instant first = hourly.isEmpty() ? start : hourly.firstKey().truncatedTo(ChronoUnit.HOURS);
    Instant from = start.minus(hourlyRules.lookbackHours(), ChronoUnit.HOURS);
    if (from.isBefore(first)) {
      from = first;
    }
    int n = (int) Math.max(0, ChronoUnit.HOURS.between(from, start));
    double[] history = new double[n];
    int[] phases = new int[n];
    for (int i = 0; i < n; i++) {
      Instant h = from.plus(i, ChronoUnit.HOURS);
      history[i] = hourly.getOrDefault(h, BigDecimal.ZERO).doubleValue();
      phases[i] = hourOfDay(h);
    }
    double actual = hourly.getOrDefault(start, BigDecimal.ZERO).doubleValue();
    Fit fit = SeasonalBaseline.fit(history, phases, hourOfDay(start), Shape.hourly());
    Instant lastWeek = start.minus(7, ChronoUnit.DAYS);
    double recurrence = lastWeek.isBefore(first) ? 0 : hourly.getOrDefault(lastWeek, BigDecimal.ZERO).doubleValue();
    return gate(actual, fit, recurrence, n >= hourlyRules.minHistoryHours(), hourlyRules.minDelta(),
        hourlyRules.minPercent(), hourlyRules.robustZ());
  }

  /**
   * @param recurrence the spend of the same point one week earlier (0 when unknown): the expectation is at least
   *     that, so a weekly job is normal from its second run on, before (and besides) a weekday profile that needs two
   *     whole weeks of history, and an hourly series, whose profile knows only the hour of day, does not page on a
   *     weekly job either. A spike that repeats a week later at the same size counts as a recurrence; a larger one
   *     still alerts on its excess over last week. The expectation is the larger of the two, so it never falls when
   *     either rises: a gate on how far last week stood above the fit (tried before) switched back to the lower fit
   *     once more spend elsewhere raised the fit, and turned a day that was no spike into one.
   */
  private static SpendAssessment gate(double actual, Fit fit, double recurrence, boolean enoughHistory,
      BigDecimal minDelta, double minPercent, double robustZ) {
    double fitted = fit.expected();
    boolean recurring = recurrence > fitted;
    double expected = recurring ? recurrence : fitted;
    double delta = actual - expected;
    double percent = expected <= 0 ? Double.POSITIVE_INFINITY : delta / expected * 100;
    double spread = Math.max(fit.sigma(), MIN_RELATIVE_SPREAD * expected);
    double z = spread <= 0 ? (delta > 0 ? Double.POSITIVE_INFINITY : 0) : delta / spread;
    boolean spike = enoughHistory && delta > 0 && delta >= minDelta.doubleValue() && percent >= minPercent
        && z >= robustZ;
    return new SpendAssessment(actual, expected, delta, percent, z, fit.points(), enoughHistory, fit.seasonal(),
        recurring, fit.slope(), spike);
  }

  private static Finding finding(FindingType type, SpendAssessment a, AzureResourceId workspace, String currency, Instant start,
      Instant end, String rule, String period, String spendKey, String historyKey, String trendKey,
      BigDecimal minDelta, double minPercent, double robustZ, SeverityTiers tiers, String summary, long records,
      SourceRef firstSource, SourceRef lastSource) {
    Money excess = new Money(BigDecimal.valueOf(a.delta()), currency).rounded();
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put(spendKey, BigDecimal.valueOf(a.actual()).setScale(2, RoundingMode.HALF_UP));
    observed.put(historyKey, BigDecimal.valueOf(a.historyPoints()));
    if (Double.isFinite(a.percent())) {
      observed.put("percentAboveBaseline", dec(a.percent()));
    }
    if (Double.isFinite(a.robustZ())) {
      observed.put("robustZ", dec(a.robustZ()));
    }
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("minDelta", minDelta);
    thresholds.put("minPercent", dec(minPercent));
    thresholds.put("robustZ", dec(robustZ));
    Map<String, BigDecimal> expected = new LinkedHashMap<>();
    expected.put(spendKey, dec(a.expected()));
    expected.put(trendKey, dec(a.slope()));
    return new Finding(type, tiers.of(excess.amount()), workspace, start, end, rule, thresholds,
        observed, expected, null, excess, period, null, summary, records, firstSource, lastSource);
  }

  /** How the baseline was made, for summaries: last week's same point wins over the fitted profile. */
  public static String baseline(SpendAssessment a, String seasonal, String recent) {
    return a.weeklyRecurrence() ? "last-week" : a.seasonal() ? seasonal : recent;
  }

  /** The rule name in a finding's trace: {@code prefix-weekly-recurrence}, {@code prefix+seasonal}, {@code prefix-median}. */
  public static String rule(SpendAssessment a, String prefix, String seasonalSuffix) {
    return prefix + (a.weeklyRecurrence() ? "-weekly-recurrence" : a.seasonal() ? seasonalSuffix : "-median");
  }

  private static String excessText(SpendAssessment a, String currency, String per) {
    String pct = Double.isFinite(a.percent()) ? "+" + dec(a.percent()).toPlainString() + "%" : "from zero";
    String trend = Math.abs(a.slope()) >= 0.005
        ? String.format(Locale.ROOT, ", trend %s%s %s/%s", a.slope() > 0 ? "+" : "", dec(a.slope()).toPlainString(),
            currency, per)
        : "";
    return " (+" + money(a.delta()) + " " + currency + ", " + pct + trend + ")";
  }

  private String sourceText() {
    return rulesSource == null ? "" : " Thresholds from " + rulesSource + ".";
  }

  private static String money(double amount) {
    return BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static int hourOfDay(Instant hour) {
    return (int) Math.floorMod(hour.getEpochSecond() / 3600, 24L);
  }
}
