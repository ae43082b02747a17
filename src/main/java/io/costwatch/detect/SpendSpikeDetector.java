package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.core.SourceRef;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * A workspace's usage spend on one day far above its own recent baseline. The baseline is robust (median and MAD,
 * so one past spike does not poison it) and seasonal: when the lookback holds at least three days of the same
 * weekday, their median is the expectation, so a weekly job is learned as normal. Days without spend inside the
 * history count as zero.
 */
public final class SpendSpikeDetector {

  private static final double MAD_TO_SIGMA = 1.4826;

  private final SpendRules rules;

  public SpendSpikeDetector(SpendRules rules) {
    this.rules = rules;
  }

  /**
   * @param daily usage spend per UTC day of one workspace in one currency (days before the first entry are unknown)
   * @param day the day to evaluate
   */
  public Optional<Finding> evaluate(AzureResourceId workspace, String currency, NavigableMap<LocalDate, BigDecimal> daily,
      LocalDate day, long records, SourceRef firstSource, SourceRef lastSource) {
    BigDecimal actual = daily.getOrDefault(day, BigDecimal.ZERO);
    LocalDate first = daily.isEmpty() ? day : daily.firstKey();
    List<Double> all = new ArrayList<>();
    List<Double> sameWeekday = new ArrayList<>();
    for (int back = 1; back <= rules.lookbackDays(); back++) {
      LocalDate d = day.minusDays(back);
      if (d.isBefore(first)) {
        break;
      }
      double v = daily.getOrDefault(d, BigDecimal.ZERO).doubleValue();
      all.add(v);
      if (d.getDayOfWeek() == day.getDayOfWeek()) {
        sameWeekday.add(v);
      }
    }
    if (all.size() < rules.minHistoryDays()) {
      return Optional.empty();
    }
    boolean seasonal = sameWeekday.size() >= 3;
    List<Double> basis = seasonal ? sameWeekday : all;
    double expected = median(basis);
    double spread = MAD_TO_SIGMA * mad(all, median(all));
    double delta = actual.doubleValue() - expected;
    double percent = expected <= 0 ? Double.POSITIVE_INFINITY : delta / expected * 100;
    double z = spread <= 0 ? Double.POSITIVE_INFINITY : delta / spread;
    boolean spike = delta >= rules.minDelta().doubleValue() && percent >= rules.minPercent() && z >= rules.robustZ();
    if (!spike) {
      return Optional.empty();
    }
    Money excess = new Money(BigDecimal.valueOf(delta), currency).rounded();
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("dailySpend", actual.setScale(2, RoundingMode.HALF_UP));
    observed.put("historyDays", BigDecimal.valueOf(all.size()));
    if (Double.isFinite(percent)) {
      observed.put("percentAboveBaseline", dec(percent));
    }
    if (Double.isFinite(z)) {
      observed.put("robustZ", dec(z));
    }
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("minDelta", rules.minDelta());
    thresholds.put("minPercent", dec(rules.minPercent()));
    thresholds.put("robustZ", dec(rules.robustZ()));
    String summary = String.format(Locale.ROOT,
        "%s: usage spend on %s was %s %s against a %s baseline of %s %s (+%s %s, %s)%s.",
        workspace.label(), day, actual.setScale(2, RoundingMode.HALF_UP).toPlainString(), currency,
        seasonal ? "same-weekday" : "recent-days", dec(expected).toPlainString(), currency,
        excess.amount().toPlainString(), currency, Double.isFinite(percent) ? "+" + dec(percent).toPlainString() + "%"
            : "from zero",
        all.size() < rules.lookbackDays() / 2 ? "; short history (" + all.size() + " days), baseline is tentative"
            : "");
    return Optional.of(new Finding(FindingType.SPEND_SPIKE, rules.dailyTiers().of(excess.amount()), workspace,
        day.atStartOfDay(ZoneOffset.UTC).toInstant(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        seasonal ? "spend-spike-weekday-median" : "spend-spike-median", thresholds, observed,
        Map.of("dailySpend", dec(expected)), null, excess, "P1D", null, summary, records, firstSource, lastSource));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    if (n == 0) {
      return 0;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static double mad(List<Double> values, double median) {
    List<Double> deviations = new ArrayList<>();
    for (double v : values) {
      deviations.add(Math.abs(v - median));
    }
    return median(deviations);
  }
}
